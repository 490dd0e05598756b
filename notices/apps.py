from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Dated notices of rule and policy changes that affect who may take part (issue #13); above programmes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        """Name the notices that bear on a firm's match in its gaps (matching.hooks, read when a match is shown)."""
        from matching import hooks
        from notices.models import Notice
        from notices.selectors import notice_gaps_for, notice_title_map
        from portal.generations import watch

        hooks.gap_notices_provider(notice_gaps_for, notice_title_map)
        # A cached matches answer shows the notices' gaps: any notice write retires it (portal.generations).
        watch("records", Notice)
