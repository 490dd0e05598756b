from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from portal.generations import watch
        from programmes.models import (
            Certification,
            Opportunity,
            OpportunityArea,
            Organisation,
            ReferenceFirm,
            Source,
            TechnologyArea,
        )

        # Reference firms shape the areas' profiles, so the corpus kept for suggestions is refitted when they change.
        watch(
            "records", Opportunity, OpportunityArea, Organisation, TechnologyArea, Certification, Source, ReferenceFirm
        )
