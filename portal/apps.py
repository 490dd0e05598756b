from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from portal.services import consultants_group_ensure

        # Permissions are created app by app as migrate finishes each one, so the group is brought
        # in step after every app (cheap: one query set per app).
        post_migrate.connect(lambda **kwargs: consultants_group_ensure(), weak=False)
