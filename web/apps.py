from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The site layer: pages and feeds that read every app (the ground layer is `portal`)."""

    name = "web"
    verbose_name = _("Site")
