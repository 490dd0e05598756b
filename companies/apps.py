from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        from companies.models import Company, Membership
        from portal.generations import watch

        # A firm's certifications are left out on purpose: the CSV import deletes their rows in bulk, and a
        # receiver would make Django load each one first. No cached answer shows them.
        watch("companies", Company)
        watch("accounts", Membership)
