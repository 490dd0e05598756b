"""Who reads which events: each user's firms, followed records, countries and areas, loaded for many users at once.

The digests and the Atom feed share these rules (issue 15): changes to records the user's firms follow or pursue,
the firms' new and moved matches (but those the firm marked "not relevant", which its lists hide too), and notices
naming a firm's country or one of its areas.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from companies.models import Company, Membership
from matching.moves import COMPONENT_POINTS, MOVE_POINTS, move_is_news
from portal.models import ChangeEvent
from workspace.models import MatchFeedback, PipelineEntry

FOLLOWED_KINDS = ("opportunity.changed", "opportunity.archived", "source.reviewed")
MATCH_KINDS = ("match.created", "match.moved")
NOTICE_KINDS = ("notice.published",)
EVENT_KINDS = FOLLOWED_KINDS + MATCH_KINDS + NOTICE_KINDS
# A record stays "followed" while its firm may still act on it; won, lost and no-bid entries are done.
DONE_STAGES = PipelineEntry.DONE  # the workspace's rule
SECTIONS = {"followed": FOLLOWED_KINDS, "matches": MATCH_KINDS, "notices": NOTICE_KINDS}


@dataclass
class Reader:
    """One user as the alerts see them: their firms and what those firms follow, their countries and areas."""

    user_id: int
    company_ids: set[int] = field(default_factory=set)
    followed: set[int] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    # (firm, record) pairs the firms marked "not relevant": hidden from their lists, so kept out of alerts too.
    dismissed: set[tuple[int, int]] = field(default_factory=set)


def readers_load(user_ids: Iterable[int]) -> dict[int, Reader]:
    """A Reader for each of USER_IDS, in five queries whatever their number."""
    readers = {pk: Reader(user_id=pk) for pk in user_ids}
    by_company: dict[int, list[Reader]] = defaultdict(list)
    for user_id, company_id in Membership.objects.filter(user_id__in=readers).values_list("user_id", "company_id"):
        readers[user_id].company_ids.add(company_id)
        by_company[company_id].append(readers[user_id])
    for company_id, country in Company.objects.filter(pk__in=by_company).values_list("pk", "country"):
        for reader in by_company[company_id]:
            reader.countries.add(str(country))
    links = Company.technology_areas.through.objects.filter(company_id__in=by_company)
    for company_id, slug in links.values_list("company_id", "technologyarea__slug"):
        for reader in by_company[company_id]:
            reader.areas.add(slug)
    entries = PipelineEntry.objects.filter(company_id__in=by_company).exclude(stage__in=DONE_STAGES)
    for company_id, opportunity_id in entries.values_list("company_id", "opportunity_id"):
        for reader in by_company[company_id]:
            reader.followed.add(opportunity_id)
    feedback = MatchFeedback.objects.filter(company_id__in=by_company)
    for company_id, opportunity_id in feedback.values_list("company_id", "opportunity_id"):
        for reader in by_company[company_id]:
            reader.dismissed.add((company_id, opportunity_id))
    return readers


class EventIndex:
    """Events filed by what makes them someone's: the record they are about, the firm, or (notices) everyone."""

    def __init__(self, events: Iterable[ChangeEvent]) -> None:
        self.by_record: dict[int, list[ChangeEvent]] = defaultdict(list)
        self.by_company: dict[int, list[ChangeEvent]] = defaultdict(list)
        self.by_country: dict[str, list[ChangeEvent]] = defaultdict(list)
        self.by_area: dict[str, list[ChangeEvent]] = defaultdict(list)
        for event in events:
            if event.kind in FOLLOWED_KINDS:
                self.by_record[event.subject_id].append(event)
            elif event.kind in MATCH_KINDS and event.company_id is not None:
                self.by_company[event.company_id].append(event)
            elif event.kind in NOTICE_KINDS:
                data = event.data or {}
                for code in {str(code).upper() for code in data.get("countries") or ()}:
                    self.by_country[code].append(event)
                for slug in set(data.get("areas") or ()):
                    self.by_area[slug].append(event)

    def for_reader(self, reader: Reader, *, sections: Iterable[str]) -> list[ChangeEvent]:
        """The events READER receives in SECTIONS ("followed", "matches", "notices"), in feed order."""
        wanted = set(sections)
        found: list[ChangeEvent] = []
        if "followed" in wanted:
            for record_id in reader.followed:
                found.extend(self.by_record.get(record_id, ()))
        if "matches" in wanted:
            for company_id in reader.company_ids:
                found.extend(
                    event
                    for event in self.by_company.get(company_id, ())
                    if (company_id, event.subject_id) not in reader.dismissed
                )
        if "notices" in wanted:
            # A notice naming the firm's country and one of its areas is still one item.
            notices = {e.pk: e for code in reader.countries for e in self.by_country.get(code, ())}
            notices.update((e.pk, e) for slug in reader.areas for e in self.by_area.get(slug, ()))
            found.extend(notices.values())
        return sorted(found, key=lambda event: (event.txid, event.pk))


def event_item(event: ChangeEvent) -> dict[str, Any]:
    """What a digest or the feed keeps of EVENT: JSON-safe, rendered later in the reader's language."""
    data = event.data or {}
    section = next(name for name, kinds in SECTIONS.items() if event.kind in kinds)
    item = {
        "section": section,
        "kind": event.kind,
        "event": event.pk,
        "at": event.created_at.isoformat(),
        "title": data.get("title", ""),
        "title_ja": data.get("title_ja", ""),
        "url": data.get("url", ""),
    }
    if event.kind in NOTICE_KINDS:
        # What the notice concerns, so the digest and the feed can say it (its page is found from the slug).
        item.update({name: data.get(name) or [] for name in ("countries", "areas")}, slug=data.get("slug", ""))
    if event.changes:
        item["changes"] = event.changes
    for name in ("score", "old_score", "new_score", "items", "moved", "decision", "source_url", "confirmed"):
        if name in data:
            item[name] = data[name]
    return item


def digest_items(events: Sequence[ChangeEvent]) -> list[dict[str, Any]]:
    """EVENTS as a digest's items, a match's moves netted into one item where its last move stands.

    One digest reads as a summary: a score that went 65 → 54 and back to 65 (a curator's edit and its undo) is no
    news, and 50 → 62 → 75 is one move, 50 → 75. A netted move under MOVE_POINTS is left out. The Atom feed is a log
    of entries published one by one, so it keeps every move (docs/alerts.md).
    """
    moves: dict[tuple[int | None, int], list[ChangeEvent]] = defaultdict(list)
    for event in events:
        if event.kind == "match.moved":
            moves[(event.company_id, event.subject_id)].append(event)
    thresholds = dict(Company.objects.filter(pk__in={c for c, _ in moves}).values_list("pk", "alert_threshold"))
    items = []
    for event in events:
        if event.kind != "match.moved":
            items.append(event_item(event))
            continue
        group = moves[(event.company_id, event.subject_id)]
        if event is group[-1]:
            netted = move_item_net(group, threshold=thresholds.get(event.company_id))
            if netted is not None:
                items.append(netted)
    return items


def move_item_net(events: Sequence[ChangeEvent], *, threshold: float | None = None) -> dict[str, Any] | None:
    """One item for a match's moves EVENTS (feed order): the first old score to the last new one; None when that is
    no move by the rule of a single one (matching.moves.move_is_news, with the firm's alert THRESHOLD)."""
    item = event_item(events[-1])
    if len(events) == 1:
        return item
    old, new = (events[0].data or {}).get("old_score"), item.get("new_score")
    if old is None or new is None:
        return item
    if threshold is None:
        if abs(float(new) - float(old)) < MOVE_POINTS:
            return None
    elif not move_is_news(float(old), float(new), float(threshold)):
        return None
    item["old_score"] = old
    item["moved"] = _moved_net([(event.data or {}).get("moved") or [] for event in events])
    return item


def _moved_net(lists: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """What moved over several moves: each component from its first old to its last new contribution (largest
    first, those under COMPONENT_POINTS dropped), then the record's changes, each once."""
    components: dict[str, dict[str, Any]] = {}
    others: list[dict[str, Any]] = []
    for moved in lists:
        for entry in moved:
            params = entry.get("params") or {}
            if entry.get("code") == "moved_component" and "component" in params:
                first = components.setdefault(params["component"], dict(params))
                first["new"] = params.get("new")
            elif entry not in others:
                others.append(entry)

    def delta(params: dict[str, Any]) -> float:
        try:
            return abs(float(params["new"]) - float(params["old"]))
        except (KeyError, TypeError, ValueError):
            return 0.0

    kept = sorted((p for p in components.values() if delta(p) >= COMPONENT_POINTS), key=lambda p: -delta(p))
    return [{"code": "moved_component", "params": params} for params in kept] + others
