from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    """Watching the pages behind curated records for change (issue #13); sits above programmes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sources"
    verbose_name = _("Source watching")
