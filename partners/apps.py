from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Japanese partners")

    def ready(self) -> None:
        """Follow the match runs: every chunk of firms whose matches were stored gets its partner fits rescored."""
        from matching import hooks
        from partners.scoring import partner_fits_after_chunk

        hooks.after_chunk_stored(partner_fits_after_chunk)
