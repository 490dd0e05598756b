from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from matching.selectors import viewer_fit_score
        from programmes.filters import fit_score_provider

        fit_score_provider(viewer_fit_score)  # the opportunity listing's "best fit" order (docs/architecture.md)
