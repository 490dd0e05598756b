from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from portal.generations import watch
        from programmes.models import Certification, Opportunity, OpportunityArea, Organisation, Source, TechnologyArea

        watch("records", Opportunity, OpportunityArea, Organisation, TechnologyArea, Certification, Source)
