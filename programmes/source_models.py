"""The public pages a curated record cites: what every source holds (SourceFields), an opportunity's sources, and
the confidence scale of sources and records."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Confidence(models.TextChoices):
    """How far a curated fact is backed by its sources (see the facts file's legend)."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low (unverified)")


# The last time zone to leave a date (UTC+14): "today" where the consultant sits is never after today there.
LATEST_UTC_OFFSET = datetime.timedelta(hours=14)


def latest_today() -> datetime.date:
    """The latest date that is today somewhere on Earth."""
    return (timezone.now() + LATEST_UTC_OFFSET).date()


def accessed_on_check(accessed_on: datetime.date | None) -> None:
    """A page cannot have been read on a day still to come: a typed year (2099) would otherwise be served as the day
    a record or notice was last checked against it. Every source's clean() asks here (records', partners', notices'),
    so the admin, the services and the curated loads share the rule.

    "Today" is the consultant's own, wherever they are: a consultant in Sydney or Auckland is a day ahead of Tokyo
    (the site's time zone) for some hours, so only a date after today everywhere is refused."""
    if accessed_on is not None and accessed_on > latest_today():
        raise ValidationError(
            {"accessed_on": _("“Accessed on” cannot be after today: give the day the page was read.")}
        )


def verified_on_check(verified_on: datetime.date | None) -> None:
    """A record cannot have been checked against its sources on a day still to come (a typed 2030 would keep it off
    the stale lists for years). Partners' clean() asks here, so their admin, partner_save and the curated load
    share the rule; "today" is the consultant's own, as for accessed_on_check."""
    if verified_on is not None and verified_on > latest_today():
        raise ValidationError(
            {"last_verified_on": _("“Last verified” cannot be after today: give the day the record was checked.")}
        )


class SourceFields(models.Model):
    """What every source of a curated record holds: the page, its title and publisher, when it was read and how far
    it can be trusted. Abstract: opportunity sources here and partner sources (partners.PartnerSource) add the
    record they back."""

    url = models.URLField(_("URL"), max_length=500)
    title = models.CharField(_("title"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.HIGH)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title or self.url

    def get_absolute_url(self) -> str:
        return self.url

    def clean(self) -> None:
        accessed_on_check(self.accessed_on)


class Source(SourceFields):
    """A public page that backs an opportunity record, with when it was read and how far it can be trusted."""

    opportunity = models.ForeignKey(
        "programmes.Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="sources"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["opportunity", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "url"], name="%(app_label)s_%(class)s_unique_opportunity_url"
            )
        ]


# simple-history names a history model defined outside an app's models.py after the app ("programmes"), where it
# cannot be found; it is set on this module, so that is where it says it lives (`manage.py shell` imports every
# model by that name and would otherwise say it could not).
Source.history.model.__module__ = __name__  # type: ignore[attr-defined]
