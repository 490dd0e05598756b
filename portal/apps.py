from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.contrib.auth.models import Group, User

        from portal import checks  # noqa: F401 (registers the system checks)
        from portal.generations import watch
        from portal.models import ApiToken
        from portal.services import consultants_group_ensure

        watch("accounts", User, Group, ApiToken)

        # Permissions are created app by app as migrate finishes each one, so the group is brought
        # in step after every app (cheap: one query set per app).
        post_migrate.connect(lambda **kwargs: consultants_group_ensure(), weak=False)
