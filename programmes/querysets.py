"""What the listings, pages, API and feeds ask of the records: opportunities' states, visibility and prefetches, and
the reading order of the lists a reader picks from by name."""

import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from portal.dbfunctions import code_point_order


def _model(name: str) -> type[models.Model]:
    """A model of this app by name (models.py imports this module, so it cannot import models.py back)."""
    return apps.get_model("programmes", name)


class OpportunityQuerySet(models.QuerySet):
    """Reads of opportunities shared by pages, the API, feeds and the matcher."""

    def published(self) -> "OpportunityQuerySet":
        """Records the public may see and the matcher scores."""
        return self.filter(status=self.model.Status.PUBLISHED)

    def visible_to(self, user) -> "OpportunityQuerySet":
        """Consultants see every record; everyone else sees published ones and archived past editions."""
        from portal.roles import is_consultant

        if is_consultant(user):
            return self.all()
        return self.filter(Q(status=self.model.Status.PUBLISHED) | Q(pk__in=self.past_editions().values("pk")))

    def past_editions(self) -> "OpportunityQuerySet":
        """Archived events and calls whose dates are over: findable as past (issue #13), never scored."""
        return self.filter(status=self.model.Status.ARCHIVED).past_on(timezone.localdate())

    def past_on(self, day: datetime.date) -> "OpportunityQuerySet":
        """Events and calls whose last day is before DAY."""
        call_over = Q(kind=self.model.Kind.CALL, closes_on__lt=day)
        event_over = Q(kind=self.model.Kind.EVENT) & (Q(ends_on__lt=day) | Q(ends_on__isnull=True, starts_on__lt=day))
        return self.filter(call_over | event_over)

    def _event_not_over(self, day: datetime.date) -> Q:
        """An event whose last day (its end, else its start) is DAY or later: open and upcoming alike."""
        return Q(kind=self.model.Kind.EVENT) & (Q(ends_on__gte=day) | Q(ends_on__isnull=True, starts_on__gte=day))

    def _deadline(self, lookup: str, value: object) -> Q:
        """The deadline (an event's first day, anything else's closing date: Opportunity.deadline) LOOKUP VALUE,
        as in `Q(deadline__gte=day)`, for the filters that cannot annotate `deadline_on` first."""
        event = Q(kind=self.model.Kind.EVENT)
        return (event & Q(**{f"starts_on__{lookup}": value})) | (~event & Q(**{f"closes_on__{lookup}": value}))

    def deadline_within(self, *, after: datetime.date | None, before: datetime.date | None) -> "OpportunityQuerySet":
        """Records whose deadline falls within AFTER..BEFORE (either may be open-ended; a record with no deadline
        falls in no range)."""
        queryset = self
        if after:
            queryset = queryset.filter(self._deadline("gte", after))
        if before:
            queryset = queryset.filter(self._deadline("lte", before))
        return queryset

    def upcoming_on(self, day: datetime.date) -> "OpportunityQuerySet":
        """Events and calls not over on DAY, and expected editions whose window has not passed."""
        call_ahead = Q(kind=self.model.Kind.CALL) & (
            Q(closes_on__gte=day) | Q(closes_on__isnull=True, expected_until__isnull=True)
        )
        event_ahead = self._event_not_over(day)
        expected_ahead = Q(kind__in=[self.model.Kind.CALL, self.model.Kind.EVENT], expected_until__gte=day) & (
            Q(kind=self.model.Kind.CALL, closes_on__isnull=True) | Q(kind=self.model.Kind.EVENT, starts_on__isnull=True)
        )
        return self.filter(call_ahead | event_ahead | expected_ahead)

    def ahead_on(self, day: datetime.date) -> "OpportunityQuerySet":
        """upcoming_on DAY less accepting_on DAY: calls whose opening date is ahead and expected editions, which are
        neither open now nor closed (the listing's "Upcoming")."""
        return self.upcoming_on(day).exclude(pk__in=self.model.objects.accepting_on(day).values("pk"))

    def expected(self) -> "OpportunityQuerySet":
        """Records with only an expected window: no announced deadline yet (Opportunity.expected)."""
        return self.filter(self._deadline("isnull", True), expected_from__isnull=False)

    def expected_within(self, *, after: datetime.date | None, before: datetime.date | None) -> "OpportunityQuerySet":
        """Expected records whose window overlaps AFTER..BEFORE (either may be open-ended)."""
        queryset = self.expected()
        if after:
            queryset = queryset.filter(expected_until__gte=after)
        if before:
            queryset = queryset.filter(expected_from__lte=before)
        return queryset

    def standing(self) -> "OpportunityQuerySet":
        """Hubs, priority areas and programmes: records with no dates of their own."""
        return self.exclude(kind__in=[self.model.Kind.CALL, self.model.Kind.EVENT])

    def for_listing(self) -> "OpportunityQuerySet":
        """Everything a listing row shows, fetched in a fixed number of queries."""
        return self.prefetch_related(
            "organisations",
            models.Prefetch(
                "area_links",
                queryset=apps.get_model("programmes", "OpportunityArea").objects.select_related("technology_area"),
            ),
        )

    def for_detail(self) -> "OpportunityQuerySet":
        """A listing row plus sources and certifications (related records depend on the viewer: the page asks)."""
        return (
            self.for_listing()
            .select_related("last_verified_by")
            # The watch (sources app) says whether a source has gone unreachable: the record then shows as stale.
            .prefetch_related(
                models.Prefetch(
                    "sources", queryset=apps.get_model("programmes", "Source").objects.select_related("watch")
                ),
                "required_certifications",
                "notices__sources",  # notices app: rule changes that affect this record
            )
        )

    def with_deadline(self) -> "OpportunityQuerySet":
        """Annotate `deadline_on`: an event's first day, anything else's closing date (as Opportunity.deadline)."""
        return self.annotate(
            deadline_on=models.Case(
                models.When(kind=self.model.Kind.EVENT, then=models.F("starts_on")), default=models.F("closes_on")
            )
        )

    def open_on(self, day: datetime.date) -> "OpportunityQuerySet":
        """Calls still taking proposals and events not yet over on DAY; standing hubs, areas and programmes."""
        dated = Q(kind__in=[self.model.Kind.CALL, self.model.Kind.EVENT])
        # A call with only an expected window is not open: nobody can apply to it yet (issue #13).
        call_open = Q(kind=self.model.Kind.CALL) & (
            Q(closes_on__isnull=True, expected_from__isnull=True) | Q(closes_on__gte=day)
        )
        return self.filter(~dated | call_open | self._event_not_over(day))

    def accepting_on(self, day: datetime.date) -> "OpportunityQuerySet":
        """open_on DAY, less the calls whose opening date is still ahead: what a firm can act on today ("Open now").
        Such calls are still scored (their timing counts the days until they open); they are listed as upcoming."""
        return self.open_on(day).exclude(kind=self.model.Kind.CALL, opens_on__gt=day)

    def stale(self, *, days: int | None = None) -> "OpportunityQuerySet":
        """Published records nobody has verified for DAYS (STALE_AFTER_DAYS by default)."""
        days = settings.STALE_AFTER_DAYS if days is None else days
        cutoff = timezone.localdate() - datetime.timedelta(days=days)
        return self.published().filter(Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=cutoff))

    def untranslated(self) -> "OpportunityQuerySet":
        """Published records missing a Japanese title or summary (issue #13: every record gets both)."""
        return self.published().filter(Q(title_ja="") | Q(summary_ja=""))


class OpportunityAreaQuerySet(models.QuerySet):
    """Reads of a record's area weights."""

    def main(self) -> "OpportunityAreaQuerySet":
        """The links at their record's highest weight (its main areas, several when they tie); a weight of 0 is never
        one. What the event brief's chart and the feedback marks read a record as being about."""
        top = self.model.objects.filter(opportunity=models.OuterRef("opportunity")).order_by("-weight")
        return self.annotate(top=models.Subquery(top.values("weight")[:1])).filter(weight__gt=0, weight=models.F("top"))


class NamedQuerySet(models.QuerySet):
    """Reads of the reference lists a reader picks from by name (technology areas, certifications, organisations)."""

    def in_reading_order(self, japanese: bool, *, first_by: tuple[Any, ...] = ()) -> "NamedQuerySet":
        """By English name, case ignored; for a Japanese reader by the reading of the Japanese name (あいうえお順:
        `name_sort`, compared code point by code point on every database, as the partner listing does: 宇宙 (うちゅう)
        before 半導体 (はんどうたい)), then the names with no reading (those in Latin letters, say) by the name shown
        (the Japanese name, else the English one), code point by code point. FIRST_BY: keys that order before the
        names (the home page's counts, most first), so the names only break their ties."""
        if not japanese:
            # Case ignored ("Advanced" before "AI and autonomy", "Counter-hypersonic" before "Counter-UAS"), and
            # compared code point by code point so that SQLite and PostgreSQL agree whatever the server's locale.
            return self.order_by(*first_by, code_point_order(Lower("name")), code_point_order("name"), "pk")
        unread = Case(When(name_kana="", then=Value(1)), default=Value(0))
        shown = Coalesce(NullIf("name_ja", Value("")), "name")
        return self.order_by(
            *first_by,
            unread,
            code_point_order("name_sort"),
            code_point_order("name_kana"),
            code_point_order(shown),
            "name",
            "pk",
        )
