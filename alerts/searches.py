"""Saved searches: a listing query validated by the listing's own FilterSet, its baseline, and its new results."""

from collections.abc import Iterable
from types import SimpleNamespace

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from alerts.models import SavedSearch
from portal.text import form_problems, punct
from programmes.filters import NOT_FILTERS, OpportunityFilterSet
from programmes.models import Opportunity

# Paging and sorting are not part of a search: they change neither which records it lists nor what a digest tells,
# so a query saved from page 3, or sorted by title, is the same search as the listing without them (and `page=2`
# alone is the whole listing). `page_size` is the API's paging: a client saving the query of its API listing
# (`technology_area=uav&page_size=50`) saves the same search; so does `lang`, the language of the API's answer (a
# saved search's digests and feed follow the reader's own language).
IGNORED_PARAMS = ("page", "page_size", "lang", *NOT_FILTERS)


def query_normalise(query: str) -> str:
    """QUERY without paging and empty values, its parameters sorted, so one search has one spelling."""
    data = QueryDict(query.lstrip("?"))
    pairs = sorted(
        (name, value) for name in data if name not in IGNORED_PARAMS for value in data.getlist(name) if value.strip()
    )
    result = QueryDict(mutable=True)
    for name, value in pairs:
        result.appendlist(name, value.strip())
    return result.urlencode()


def listing_search_query(query: str) -> str:
    """A listing URL's query as a search: its filter parameters only, normalised.

    The listing reads its filters and ignores whatever else a link carries (paging, the company switcher, tracking
    such as utm_source), so "Save this search" saves what the page shows. Filter values are kept as they are, so an
    invalid one is still refused by query_check. The API takes a query as given: there an unknown name is a typo.
    """
    data = QueryDict(query.lstrip("?"), mutable=True)
    for name in set(data) - set(OpportunityFilterSet.base_filters):
        del data[name]
    return query_normalise(data.urlencode())


def query_check(query: str, *, labels: bool = False) -> str:
    """The normalised QUERY, or ValidationError on `query` naming the unknown or invalid parameter (for an API
    client), or with LABELS the refused filter by its label as the listing shows it (for a person)."""
    written = set(QueryDict(query.lstrip("?"))) - set(IGNORED_PARAMS)
    if unknown := sorted(written - set(OpportunityFilterSet.base_filters)):  # empty ones too: "%zz" is no filter
        raise ValidationError(
            {"query": _("Unknown parameter %(name)s; the listing accepts %(known)s.")
             % {"name": ", ".join(unknown), "known": ", ".join(sorted(OpportunityFilterSet.base_filters))}}
        )  # fmt: skip
    normal = query_normalise(query)
    data = QueryDict(normal, mutable=True)
    statuses = data.getlist("status")
    if set(statuses) - {Opportunity.Status.PUBLISHED}:
        # A consultant's listing of drafts or archived records: a search only ever tells of new published records.
        named = punct(",").join(_status_said(value) if labels else value for value in statuses)
        raise ValidationError(
            {"query": _("A saved search tells you of new published records only: remove the status filter (%(status)s) "
                        "before saving.") % {"status": named}}
        )  # fmt: skip
    if statuses:  # published only: what every saved search lists anyway
        del data["status"]
        normal = query_normalise(data.urlencode())
    form = OpportunityFilterSet(data, queryset=Opportunity.objects.none()).form
    if not form.is_valid():
        raise ValidationError({"query": form_problems(form, labels=labels)})
    return normal


def _status_said(value: str) -> str:
    """A status as the reader's listing names it ("Draft", 下書き); a value that names none, as written."""
    return str(Opportunity.Status(value).label) if value in Opportunity.Status.values else value


def query_results(*, query: str, user: User | None = None) -> set[int]:
    """Ids of the published records QUERY lists now (the listing's FilterSet, as the API applies it)."""
    filterset = OpportunityFilterSet(
        QueryDict(query), queryset=Opportunity.objects.published(), request=SimpleNamespace(user=user)
    )
    return set(filterset.qs.order_by().values_list("pk", flat=True))


def _save(search: SavedSearch, *, written: str | None = None) -> SavedSearch:
    """Save SEARCH; one the user already saved under the same query (WRITTEN before it was normalised) is refused,
    naming the saved one."""
    search.full_clean(exclude=["user", "baseline"], validate_unique=False)
    try:
        with transaction.atomic():
            search.save()
    except IntegrityError as error:
        raise ValidationError({"query": already_saved_said(search, written=written)}) from error
    return search


def already_saved_said(search: SavedSearch, *, written: str | None = None) -> str:
    """Why SEARCH cannot be saved: the name of the user's search with the same query, and, when WRITTEN carried a
    page or a sort order, that those are not part of a search (so `page=2` is the listing with no filter)."""
    saved = SavedSearch.objects.filter(user=search.user, query=search.query).exclude(pk=search.pk).first()
    if saved is None:  # deleted meanwhile
        return _("You have already saved this search.")
    if search.query:
        said = _("You have already saved this search as “%(name)s”.") % {"name": saved.name}
    else:
        said = _("You have already saved the listing with no filter as “%(name)s”.") % {"name": saved.name}
    if set(QueryDict((written or "").lstrip("?"))) & set(IGNORED_PARAMS):
        said += punct(" ") + _(
            "The page number and the sort order are not part of a search: it lists the same records on every page "
            "and in any order."
        )
    return said


@transaction.atomic
def saved_search_create(
    *, user: User, name: str, query: str = "", frequency: str = SavedSearch.Frequency.DAILY, labels: bool = False
) -> SavedSearch:
    """Save QUERY for USER under NAME (daily unless FREQUENCY says weekly; an empty query is the whole listing); the
    records it lists now are its baseline, so only new ones are sent. LABELS: a refused filter is named by its label,
    for a person (query_check)."""
    normal = query_check(query, labels=labels)
    search = SavedSearch(user=user, name=name.strip(), query=normal, frequency=frequency)
    search.baseline = sorted(query_results(query=normal, user=user))
    return _save(search, written=query)


@transaction.atomic
def saved_search_update(*, search: SavedSearch, data: dict) -> SavedSearch:
    """Rename, re-time or change the query of SEARCH; a new query starts from a new baseline."""
    if "query" in data:
        normal = query_check(data["query"])
        if normal != search.query:
            search.query = normal
            search.baseline = sorted(query_results(query=normal, user=search.user))
    if "name" in data:
        search.name = data["name"].strip()
    if "frequency" in data:
        search.frequency = data["frequency"]
    return _save(search, written=data.get("query"))


def saved_search_delete(*, search: SavedSearch) -> None:
    """Stop SEARCH: nothing more is sent for it."""
    search.delete()


def saved_search_for_query(*, user: User, query: str) -> SavedSearch | None:
    """USER's saved search with exactly this listing query, if any (the listing says it is saved)."""
    if not user.is_authenticated:
        return None
    return SavedSearch.objects.filter(user=user, query=query_normalise(query)).first()


def saved_search_new_results(
    searches: Iterable[SavedSearch], *, cache: dict[str, set[int]] | None = None
) -> dict[int, list[int]]:
    """For each search, the ids it lists now that are not in its baseline; one query per distinct query string.

    Many users save the same few searches, so each distinct query runs once per CACHE (one digest run).
    """
    cache = {} if cache is None else cache
    found = {}
    for search in searches:
        if search.query not in cache:
            cache[search.query] = query_results(query=search.query, user=search.user)
        found[search.pk] = sorted(cache[search.query] - set(search.baseline))
    return found
