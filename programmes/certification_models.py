"""Certifications that can gate supplier eligibility, with their equivalents (re-exported by programmes.models)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import KanaReadingModel
from portal.text import reading_japanese
from programmes.querysets import NamedQuerySet


class Certification(KanaReadingModel):
    """A quality or security certification that can gate supplier eligibility (AS9100D, CMMC level 2, ...); Japanese
    lists sort them by the reading of the Japanese name, where it has one (`portal.models.KanaReadingModel`)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("Japanese name"), max_length=200, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    # Equivalents satisfy the same requirement (AS9100D = EN 9100 = JIS Q 9100).
    equivalents = models.ManyToManyField("self", verbose_name=_("equivalents"), symmetrical=True, blank=True)
    history = HistoricalRecords(excluded_fields=["name_sort"])

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        # In the reader's language wherever the admin or a form offers it as a choice (docs/portal.md).
        return self.name_ja if self.name_ja and reading_japanese() else self.name

    def get_absolute_url(self) -> str:
        return reverse("api:certification-detail", kwargs={"version": "v1", "code": self.code})


# simple-history names a history model defined outside an app's models.py after the app, where it cannot be found
# (programmes.source_models says the same): it says it lives here, where it is.
Certification.history.model.__module__ = __name__  # type: ignore[attr-defined]
