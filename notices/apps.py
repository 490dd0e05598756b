from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Dated notices of rule and policy changes that affect who may take part (issue #13); above programmes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = _("Notices")
