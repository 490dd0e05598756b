from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Japanese partners")

    def ready(self) -> None:
        """Follow the match runs (partner fits per stored chunk), offer partners on the partner gaps of matches, and
        refit when a partner changes (matching.dispatch.partners_refit_later)."""
        from matching import hooks
        from partners.scoring import BEST_OPPORTUNITIES, partner_fits_after_chunk
        from partners.selectors import partners_for_gaps
        from partners.tasks import partner_refit_enqueue

        hooks.after_chunk_stored(partner_fits_after_chunk, best=BEST_OPPORTUNITIES)
        hooks.gap_partners_provider(partners_for_gaps)
        hooks.partner_refit_provider(partner_refit_enqueue)
