from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from portal.generations import watch
        from programmes.models import Certification, Opportunity, OpportunityArea, Organisation, Source, TechnologyArea

        # Not the reference firms: no cached answer reads them (the suggestions' corpus leaves them out), and the
        # matches they change are rescored, which has its own generation.
        watch("records", Opportunity, OpportunityArea, Organisation, TechnologyArea, Certification, Source)
