from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from companies.views import area_suggestions_provider
        from matching.selectors import profile_area_suggestions, viewer_fit_score
        from programmes.filters import fit_score_provider

        fit_score_provider(viewer_fit_score)  # the opportunity listing's "best fit" order (docs/architecture.md)
        area_suggestions_provider(profile_area_suggestions)  # a firm's profile shows its suggested areas
