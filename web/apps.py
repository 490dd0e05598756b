from django.apps import AppConfig


class WebConfig(AppConfig):
    """The site layer: pages and feeds that read every app (the ground layer is `portal`)."""

    name = "web"
    verbose_name = "Site"
