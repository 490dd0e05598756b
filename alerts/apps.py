from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Telling people what changed (issue #15): saved searches, digests, Atom feeds, the change feed and webhooks.

    Alerts read the change-event log (`portal.changes`) and send through the one outbox (`portal.outbox`); they sit
    above the apps whose changes they report.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from alerts.webhooks import webhook_endpoints_switched_off_note
        from portal.services import PASSWORD_CHANGE_HOOKS

        if webhook_endpoints_switched_off_note not in PASSWORD_CHANGE_HOOKS:
            PASSWORD_CHANGE_HOOKS.append(webhook_endpoints_switched_off_note)
