"""Bob walks every URL pattern and every API route, and nothing of alice's firm reaches him (issue 6, "Tenancy").

The walk reads the URL patterns from Django's resolver, so a route added later is walked too; if the walker cannot
fill a new pattern's arguments, test_the_walker_fills_every_url_pattern fails until the pattern is taught here
(SLUG_ROUTES, PK_ROUTES, KWARG_VALUES) or skipped with a reason (SKIPPED).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from alerts.models import WebhookEndpoint
from alerts.searches import saved_search_create
from companies.models import Company, Membership
from matching.models import MatchRun
from notices.models import Notice
from notices.services import notice_published_record
from partners.models import Introduction, Partner, PartnerFit
from portal.changes import change_record
from portal.models import ApiToken, OutboxMessage, SecretLink
from portal.secret_links import secret_link_issue
from portal.tokens import token_issue
from programmes.models import Opportunity
from sources.models import SourceChange, SourceFetch, SourceWatch
from tests.factories import (
    CallFactory,
    CertificationFactory,
    EventFactory,
    MatchFactory,
    MatchRunFactory,
    OrganisationFactory,
    TechnologyAreaFactory,
)
from workspace.services import match_feedback_give, pipeline_entry_save

# Patterns the walk does not request, by their full pattern text, with the reason.
SKIPPED = {
    "accounts/logout/": "signs the caller out (POST) and would end the walk's session; it serves no firm data",
    "admin/logout/": "signs the caller out of the admin (POST); it serves no firm data",
}

# Which record a `slug` argument names, by URL name.
SLUG_ROUTES = {
    "programmes:opportunity_detail": "opportunity",
    "companies:company_detail": "firm",
    "companies:company_update": "firm",
    "portal:company_calendar_feed": "firm",
    "api:opportunity-detail": "opportunity",
    "api:technology-area-detail": "area",
    "api:organisation-detail": "organisation",
    "api:company-detail": "firm",
    "api:notice-detail": "notice",
    "notices:notice_detail": "notice",
    "partners:partner_detail": "partner",
    "partners:introduction_create": "partner",
    "api:partner-detail": "partner",
    "portal:event_brief": "event",
    "portal:event_brief_ics": "event",
}
# Which record a `pk` argument names, by URL name.
PK_ROUTES = {
    "portal:token_revoke": "token",
    "api:token-detail": "token",
    "api:match-run-detail": "run",
    "api:source-change-detail": "source_change",
    "admin:sources_sourcechange_review": "source_change",
    "partners:introduction_detail": "introduction",
    "api:introduction-detail": "introduction",
    "api:webhook-detail": "webhook",
    "api:webhook-rotate-secret": "webhook",
    "api:saved-search-detail": "saved_search",
    "alerts:saved_search_delete": "saved_search",
    "alerts:saved_search_frequency": "saved_search",
    "alerts:webhook_switch_off": "webhook",
    "alerts:webhook_switch_on": "webhook",
    "alerts:webhook_rotate_secret": "webhook",
    "alerts:webhook_delete": "webhook",
}

# Alice's private resources and what bob gets for each: a 404 that does not confirm they exist.
PRIVATE_ROUTES = {
    "companies:company_detail": 404,
    "companies:company_update": 404,
    "portal:company_calendar_feed": 404,
    "portal:private_calendar_feed": 404,
    "api:company-detail": 404,
    "api:company-match-list": 404,
    "api:company-partner-fit-list": 404,
    "api:introduction-detail": 404,
    "partners:introduction_detail": 404,
    "api:token-detail": 404,
    # Consultants only, for every run: 403 whichever id is asked for (see test_a_run_id_tells_bob_nothing).
    "api:match-run-detail": 403,
    # POST only; the POST itself is a 404 (test_bob_cannot_revoke_alices_token).
    "portal:token_revoke": 405,
    # Workspace (#14): alice's pipeline, its export and entry, in pages and the API.
    "workspace:pipeline_list": 404,
    "workspace:pipeline_export": 404,
    "workspace:pipeline_detail": 404,
    "api:company-pipeline-list": 404,
    "api:company-pipeline-detail": 404,
    # Consultants only: 403 whichever record is asked for.
    "api:opportunity-feedback-list": 403,
    "workspace:feedback_report": 404,
    # POST only; each POST is a 404 (test_bob_cannot_change_alices_workspace).
    "workspace:pipeline_set": 405,
    "workspace:pipeline_delete": 405,
    "workspace:matches_bulk": 405,
    "workspace:feedback_give": 405,
    "workspace:feedback_withdraw": 405,
    "api:company-match-feedback": 405,
    # Webhooks (#15): alice's endpoint and its delivery log; secret rotation and replay are POST only, and each
    # POST is a 404 (tests/alerts/test_webhooks_api.py).
    "api:webhook-detail": 404,
    "api:webhook-delivery-list": 404,
    "api:webhook-rotate-secret": 405,
    "api:webhook-delivery-replay": 405,
    # The webhooks page (/my/webhooks/): its actions are POST only, and each POST on alice's endpoint is a 404
    # (tests/alerts/test_webhooks_page.py).
    "alerts:webhook_create": 405,
    "alerts:webhook_switch_off": 405,
    "alerts:webhook_switch_on": 405,
    "alerts:webhook_rotate_secret": 405,
    "alerts:webhook_delete": 405,
    # Alerts (#15): alice's saved search; feeds and unsubscribe links open only with their secret.
    "api:saved-search-detail": 404,
    "alerts:saved_search_delete": 405,  # POST only; the POST is a 404 (tests/alerts/test_saved_searches.py)
    "alerts:saved_search_frequency": 405,  # POST only; the POST is a 404 (tests/alerts/test_notification_settings.py)
    "alerts:feed": 404,
    "alerts:unsubscribe": 404,
    "alerts:email_confirm": 404,
    # Ticking, dismissing or restoring a suggested area: POST only; bob's POST for alice's firm is a 404
    # (SUGGESTION_WRITES below, tests/matching/test_area_suggestions.py and test_area_dismissals.py).
    "matching:area_tick": 405,
    "matching:area_dismiss": 405,
    "matching:area_dismiss_undo": 405,
}

# Distinctive strings stored on alice's firm; none may appear in anything bob receives.
ALICE_MARKERS = {
    "name": "Alicorp Photonics QX7",
    "description": "alice-description-qx7 beam directors",
    "contact_email": "alice-contact-qx7@alicorp.example",
    "export_control_notes": "alice-export-notes-qx7 ITAR licence",
    "website": "https://alice-website-qx7.example.com",
    "history_reason": "alice-history-reason-qx7",
    "reason": "alice-match-reason-qx7",
    "gap": "alice-gap-qx7: TRL 4 is below the minimum TRL 7",
    "score": "83.17",
    "score_rounded": "83.2",
    "token_name": "alice-token-name-qx7",
    "run_error": "alice-run-error-qx7",
    "pipeline_note": "alice-pipeline-note-qx7",
    "feedback_note": "alice-feedback-note-qx7",
    "user_email": "alice-user-qx7@alicorp.example",
    "introduction_message": "alice-intro-message-qx7 meet the shipbuilder",
    "introduction_notes": "alice-intro-notes-qx7",
    "webhook_url": "https://alice-hook-qx7.example/hook",
    "webhook_error": "alice-webhook-error-qx7",
    "saved_search_name": "alice-saved-search-qx7",
    # A draft record is the consultants' until it is published: linked to a public partner and a published notice,
    # it still reaches nobody else (its title, and its slug in the notice's change event).
    "draft_title": "Draft call qx7 not yet announced",
    "draft_slug": "draft-call-qx7",
}
BOB_REASON = "bob-match-reason-qx7"


@dataclass
class World:
    """Alice's private records and the public ones the walk fills URLs with."""

    firm_slug: str
    opportunity_slug: str
    area_slug: str
    organisation_slug: str
    certification_code: str
    token: ApiToken
    run: MatchRun
    admin_objects: dict[str, int]
    history_ids: dict[str, int]
    markers: dict[str, str]
    alice_uidb64: str
    partner_slug: str = ""
    introduction_pk: int = 0
    webhook_pk: int = 0
    delivery_pk: int = 0
    saved_search_pk: int = 0


@pytest.fixture
def world(alice, bob, firm_a, firm_b, consultant) -> World:
    """Alice's firm with a marker in every private field, her match, token and run; bob's match on the same call."""
    Company.objects.filter(pk=firm_a.pk).update(
        **{field: ALICE_MARKERS[field] for field in ("name", "description", "contact_email", "export_control_notes")},
        website=ALICE_MARKERS["website"],
        trl=4,
    )
    firm_a.refresh_from_db()
    firm_a._change_reason = ALICE_MARKERS["history_reason"]
    firm_a.save()
    type(alice).objects.filter(pk=alice.pk).update(email=ALICE_MARKERS["user_email"])
    cert = CertificationFactory(code="as9100d", name="AS9100D")
    area = TechnologyAreaFactory(slug="lasers")
    organisation = OrganisationFactory(slug="atla")
    call = CallFactory(slug="shared-call", title="Shared call", min_trl=7, areas=[area])
    call.organisations.add(organisation)
    EventFactory(slug="shared-event", title="Shared event", areas=[area])  # briefs (#16) link it to the call
    match = MatchFactory(
        company=firm_a,
        opportunity=call,
        score=float(ALICE_MARKERS["score"]),
        reasons=[ALICE_MARKERS["reason"]],
        gaps=[ALICE_MARKERS["gap"]],
    )
    MatchFactory(company=firm_b, opportunity=call, score=41.0, reasons=[BOB_REASON])
    change_record(  # alice's match event: the change feed shows it to her firm only (issue 15)
        kind="match.created",
        subject_type="opportunity",
        subject_id=call.pk,
        company_id=firm_a.pk,
        data={"slug": call.slug, "score": float(ALICE_MARKERS["score"]), "items": [ALICE_MARKERS["reason"]]},
    )
    entry = pipeline_entry_save(company=firm_a, opportunity=call, by=alice, notes=ALICE_MARKERS["pipeline_note"])
    feedback = match_feedback_give(
        company=firm_a, opportunity=call, by=alice, reason="other", note=ALICE_MARKERS["feedback_note"]
    ).feedback
    token, raw = token_issue(user=alice, name=ALICE_MARKERS["token_name"])
    run = MatchRunFactory(
        scope=MatchRun.Scope.COMPANY, company=firm_a, requested_by=consultant, error=ALICE_MARKERS["run_error"]
    )
    partner = Partner.objects.create(
        slug="shared-partner", name="Shared Partner KK", role="prime", size="large", capabilities="Ships",
        contact_url="https://shared-partner.example/",
    )  # fmt: skip
    draft = CallFactory(
        slug=ALICE_MARKERS["draft_slug"], title=ALICE_MARKERS["draft_title"], status="draft", areas=[area]
    )
    partner.programmes.add(call, draft)
    introduction = Introduction.objects.create(
        company=firm_a, partner=partner, opportunity=call, message=ALICE_MARKERS["introduction_message"],
        notes=ALICE_MARKERS["introduction_notes"], requested_by=alice,
    )  # fmt: skip
    PartnerFit.objects.create(
        company=firm_a, partner=partner, score=float(ALICE_MARKERS["score"]), computed_at=match.computed_at
    )
    webhook = WebhookEndpoint.objects.create(owner=alice, url=ALICE_MARKERS["webhook_url"], events=["*"])
    delivery = OutboxMessage.objects.create(
        key=f"webhook:{webhook.pk}:1", channel="webhook", kind="match.created", user=alice, target_id=webhook.pk,
        payload={"id": 1, "type": "match.created"}, last_error=ALICE_MARKERS["webhook_error"],
    )  # fmt: skip
    saved_search = saved_search_create(
        user=alice, name=ALICE_MARKERS["saved_search_name"], query="kind=call", frequency="weekly"
    )
    markers = {
        **ALICE_MARKERS,
        "token_prefix": token.prefix,
        "raw_token": raw,
        "feed_token": secret_link_issue(user=alice, purpose=SecretLink.Purpose.CALENDAR, subject_id=firm_a.pk)[1],
    }
    admin_objects = {
        "companies.company": firm_a.pk,
        "companies.membership": Membership.objects.get(user=alice).pk,
        "matching.match": match.pk,
        "matching.matchrun": run.pk,
        "auth.user": alice.pk,
        "programmes.opportunity": call.pk,
        "programmes.source": call.sources.first().pk,
        "programmes.technologyarea": area.pk,
        "programmes.organisation": organisation.pk,
        "programmes.certification": cert.pk,
        "workspace.pipelineentry": entry.pk,
        "workspace.matchfeedback": feedback.pk,
        **_source_objects(call),
        "partners.partner": partner.pk,
        "partners.introduction": introduction.pk,
    }
    return World(
        firm_slug=firm_a.slug,
        opportunity_slug=call.slug,
        area_slug=area.slug,
        organisation_slug=organisation.slug,
        certification_code=cert.code,
        token=token,
        run=run,
        admin_objects=admin_objects,
        history_ids={"companies.company": firm_a.history.first().history_id},
        markers=markers,
        alice_uidb64=urlsafe_base64_encode(force_bytes(alice.pk)),
        partner_slug=partner.slug,
        introduction_pk=introduction.pk,
        webhook_pk=webhook.pk,
        delivery_pk=delivery.pk,
        saved_search_pk=saved_search.pk,
    )


def _source_objects(call) -> dict[str, int]:
    """A watched source of the public call, one fetch and one open change (issue #13's source watching)."""
    watch = SourceWatch.objects.create(source=call.sources.first())
    fetch = SourceFetch.objects.create(watch=watch, status=200, outcome=SourceFetch.Outcome.FIRST)
    change = SourceChange.objects.create(watch=watch, old_text="a", new_text="b", diff="-a\n+b")
    notice = Notice.objects.create(
        slug="public-notice", title="Public notice", summary="S", dated_on="2026-04-21", status="published"
    )
    notice.records.add(call, Opportunity.objects.get(slug=ALICE_MARKERS["draft_slug"]))
    notice_published_record(notice=notice)
    return {
        "notices.notice": notice.pk,
        "sources.sourcewatch": watch.pk,
        "sources.sourcefetch": fetch.pk,
        "sources.sourcechange": change.pk,
    }


@pytest.fixture
def bob_bearer(bob) -> Client:
    _token, raw = token_issue(user=bob, name="bob's CLI")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# --- the walker ---


@dataclass
class Route:
    """One URL pattern: its full pattern text, its URL name, and the chain of patterns leading to it."""

    text: str
    name: str
    chain: tuple
    localised: bool

    @property
    def leaf(self) -> URLPattern:
        return self.chain[-1]


def _patterns(entries, chain=()) -> Iterator[tuple]:
    for entry in entries:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, (*chain, entry))
        else:
            yield (*chain, entry)


def all_routes() -> list[Route]:
    routes = []
    for chain in _patterns(get_resolver().url_patterns):
        namespace = ":".join(entry.namespace for entry in chain[:-1] if getattr(entry, "namespace", None))
        name = f"{namespace}:{chain[-1].name}" if namespace and chain[-1].name else chain[-1].name or ""
        localised = any(isinstance(entry.pattern, LocalePrefixPattern) for entry in chain)
        text = "".join(_pattern_text(entry.pattern) for entry in chain)
        routes.append(Route(text=text, name=name, chain=chain, localised=localised))
    return routes


def _pattern_text(pattern) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return ""
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    return pattern._regex.removeprefix("^").removesuffix("$")


class Unfillable(Exception):
    """The walker does not know what to put in one of the pattern's arguments."""


def _admin_model(route: Route) -> str | None:
    """'app_label.model' of an admin route (its chain holds the ModelAdmin's 'app/model/' include)."""
    for entry in route.chain:
        found = re.fullmatch(r"(\w+)/(\w+)/", str(getattr(entry.pattern, "_route", "")))
        if found:
            try:
                model = apps.get_model(found[1], found[2])
            except LookupError:
                continue
            return model._meta.label_lower
    return None


def _value(name: str, route: Route, world: World) -> str:
    """What to put in argument NAME of ROUTE: alice's record where the argument names a firm's resource."""
    by_record = {
        "firm": world.firm_slug,
        "opportunity": world.opportunity_slug,
        "area": world.area_slug,
        "organisation": world.organisation_slug,
        "token": world.token.pk,
        "run": world.run.pk,
        "source_change": world.admin_objects["sources.sourcechange"],
        "notice": "public-notice",
        "partner": world.partner_slug,
        "introduction": world.introduction_pk,
        "event": "shared-event",
        "webhook": world.webhook_pk,
        "saved_search": world.saved_search_pk,
    }
    model = _admin_model(route)
    simple = {
        "version": "v1",
        "company_slug": world.firm_slug,
        "opportunity_slug": world.opportunity_slug,
        "code": world.certification_code,
        "app_label": "companies",
        "url": "no-such-admin-page/",
        "uidb64": world.alice_uidb64,
        "token": "not-a-valid-reset-token",
        "content_type_id": ContentType.objects.get_for_model(Company).pk,
        "object_id": world.admin_objects.get(model, world.admin_objects["companies.company"]),
        "id": world.admin_objects.get(model, world.admin_objects["companies.company"]),  # a user's password page
        "history_id": world.history_ids.get(model, 1),
        "import_id": 1,  # a background CSV import: consultants only, like the rest of the admin
        "action": "no_change",
        "webhook_id": world.webhook_pk,
        "delivery_id": world.delivery_pk,
    }
    if name == "slug" and route.name in SLUG_ROUTES:
        return str(by_record[SLUG_ROUTES[route.name]])
    if name == "pk" and route.name in PK_ROUTES:
        return str(by_record[PK_ROUTES[route.name]])
    if name in simple:
        return str(simple[name])
    raise Unfillable(f"argument {name!r}")


# simple-history's admin route has two unnamed groups: the record and one of its history rows.
POSITIONAL = {"_simple_history": ("object_id", "history_id")}


def _fill_regex(regex: str, route: Route, world: World) -> str:
    out, i, positional = [], 0, 0
    names = next((names for suffix, names in POSITIONAL.items() if route.name.endswith(suffix)), ())
    while i < len(regex):
        char = regex[i]
        if char == "\\" and i + 1 < len(regex) and regex[i + 1] in "./-":
            out.append(regex[i + 1])
            i += 2
        elif char == "(":
            end = _group_end(regex, i)
            body = regex[i + 1 : end]
            named = re.match(r"\?P<(\w+)>", body)
            if named:
                out.append(_value(named[1], route, world))
            elif body.startswith("?"):
                raise Unfillable(f"group {body!r}")
            elif positional < len(names):
                out.append(_value(names[positional], route, world))
                positional += 1
            else:
                raise Unfillable(f"unnamed group {body!r}")
            i = end + 1
        elif char in "^$" and (i == 0 or i == len(regex) - 1):
            i += 1
        elif char in "[]{}*+?|\\^$":
            raise Unfillable(f"regex {regex!r}")
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _group_end(regex: str, start: int) -> int:
    depth, i, in_class = 0, start, False
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise Unfillable(f"unbalanced {regex!r}")


def _fill_route(route_text: str, route: Route, world: World) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda found: _value(found[1], route, world), route_text)


def fill(route: Route, world: World) -> list[str]:
    """The paths that request ROUTE: one per language for pages, each checked to resolve back to ROUTE."""
    path = ""
    for entry in route.chain:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            path += "{lang}"
        elif isinstance(pattern, RoutePattern):
            path += _fill_route(str(pattern._route), route, world)
        elif isinstance(pattern, RegexPattern):
            path += _fill_regex(pattern._regex, route, world)
        else:
            raise Unfillable(f"pattern type {type(pattern).__name__}")
    paths = []
    for language, prefix in (("en", ""), ("ja", "ja/")) if route.localised else (("en", ""),):
        url = "/" + path.format(lang=prefix)
        with translation.override(language):
            found = resolve(url.split("?")[0])
        if found.func is not route.leaf.callback:
            raise Unfillable(f"{url} resolves to {found.view_name or found.func}, not to this pattern")
        paths.append(url)
    return paths


def walkable(world: World) -> tuple[list[tuple[Route, str]], list[str]]:
    """(route, path) for every pattern the walk requests, and the patterns it could not fill."""
    requests, unfillable = [], []
    for route in all_routes():
        if route.text in SKIPPED:
            continue
        try:
            requests.extend((route, url) for url in fill(route, world))
        except Unfillable as why:
            unfillable.append(f"{route.text} ({route.name or 'unnamed'}): {why}")
    return requests, unfillable


def assert_nothing_of_alice(response, url: str, markers: dict[str, str]) -> None:
    body = response.content.decode(errors="replace") + str(dict(response.headers))
    leaked = [what for what, marker in markers.items() if marker in body]
    assert not leaked, f"{url} ({response.status_code}) shows alice's {leaked}"


# --- the proofs ---


def test_the_walker_fills_every_url_pattern(world):
    requests, unfillable = walkable(world)

    assert not unfillable, "new URL patterns the tenancy walk cannot fill: teach the walker or add to SKIPPED"
    texts = {route.text for route in all_routes()}
    assert set(SKIPPED) <= texts, f"SKIPPED names patterns that no longer exist: {set(SKIPPED) - texts}"
    assert set(PRIVATE_ROUTES) <= {route.name for route, _url in requests}
    assert len(requests) > 100  # pages in two languages, the admin and the API


def test_bob_sees_nothing_of_alices_firm_on_any_page_or_route(world, bob_client, bob_bearer):
    requests, _unfillable = walkable(world)
    clients = {"session": bob_client, "bearer": bob_bearer}
    seen_bob = False
    for route, url in requests:
        for how, client in clients.items():
            if how == "bearer" and not url.startswith("/api/"):
                continue  # pages do not read bearer tokens
            response = client.get(url)

            assert response.status_code < 500, f"{url} as bob ({how}): {response.status_code}"
            assert_nothing_of_alice(response, f"{url} as bob ({how})", world.markers)
            if route.name in PRIVATE_ROUTES:
                assert response.status_code == PRIVATE_ROUTES[route.name], f"{url} as bob ({how})"
            seen_bob = seen_bob or BOB_REASON in response.content.decode(errors="replace")
    assert seen_bob, "the walk never showed bob his own match: it proves nothing"
    assert bob_client.get("/api/v1/me/").json()["username"] == "bob"  # still signed in at the end


EXTRA_URLS = [
    # Query strings that name alice's firm on routes bob may use.
    ("/my/matches/?company=firm-a", 404),
    ("/ja/my/matches/?company=firm-a", 404),
    ("/my/matches/export.csv?company=firm-a", 404),
    ("/opportunities/?ordering=fit", 200),
    ("/opportunities/export.csv?open=", 200),
    ("/opportunities/shared-call/", 200),
    ("/api/v1/opportunities/?ordering=fit", 200),
    ("/api/v1/companies/firm-a/matches/?min_score=0", 404),
    ("/api/v1/companies/?q=Alicorp", 200),
    ("/companies/?q=Alicorp", 200),
    ("/api/v1/tokens/", 200),
    ("/account/tokens/", 200),
    ("/account/", 200),
    ("/ja/account/", 200),
    ("/calendar/", 200),
    ("/api/v1/introductions/", 200),
    ("/my/introductions/", 200),
    ("/api/v1/companies/firm-a/partners/", 404),
    # Event briefs (#16): bob's own brief shows the shared call; alice's firm, or a call as an event, is a 404.
    ("/my/briefs/shared-event/", 200),
    ("/ja/my/briefs/shared-event/", 200),
    ("/my/briefs/shared-event/?company=firm-a", 404),
    ("/ja/my/briefs/shared-event/?company=firm-a", 404),
    ("/my/briefs/shared-call/", 404),
    ("/api/v1/webhooks/", 200),
    ("/api/v1/saved-searches/", 200),
    ("/my/notifications/", 200),
    ("/my/webhooks/", 200),
    ("/ja/my/webhooks/", 200),
    # The notices listing: public, filtered by the record alice's match is on and by her firm's country.
    ("/notices/?record=shared-call", 200),
    ("/ja/notices/?record=shared-call&country=AU", 200),
]


@pytest.mark.parametrize(("url", "status"), EXTRA_URLS)
def test_bob_gets_nothing_of_alice_through_query_strings(world, bob_client, url, status):
    response = bob_client.get(url)

    assert response.status_code == status
    assert_nothing_of_alice(response, url, world.markers)


def test_bob_cannot_open_alices_feed_with_his_own_feed_token(world, bob, bob_client, firm_b, anon_client):
    _link, bob_feed_token = secret_link_issue(user=bob, purpose=SecretLink.Purpose.CALENDAR, subject_id=firm_b.pk)

    for client in (bob_client, anon_client):
        response = client.get(f"/calendar/{world.firm_slug}.ics?token={bob_feed_token}")

        assert response.status_code == 404
        assert_nothing_of_alice(response, "alice's feed", world.markers)
        private = client.get(f"/calendar/private.ics?token={bob_feed_token}")
        assert private.status_code == 200
        assert_nothing_of_alice(private, "bob's private feed", world.markers)


def test_bob_cannot_make_a_feed_link_for_alices_firm(world, bob_client):
    response = bob_client.post("/calendar/", {"company": world.firm_slug})

    assert response.status_code == 404
    assert (
        not SecretLink.objects.filter(subject_id=Company.objects.get(slug=world.firm_slug).pk)
        .exclude(user__username="alice")
        .exists()
    )


def test_a_run_id_tells_bob_nothing(world, bob_client, bob_bearer):
    for client in (bob_client, bob_bearer):
        alices = client.get(f"/api/v1/match-runs/{world.run.pk}/")
        missing = client.get("/api/v1/match-runs/999999/")

        assert alices.status_code == missing.status_code == 403
        assert alices.json() == missing.json()


def test_bob_cannot_revoke_alices_token(world, bob_client, bob_bearer):
    assert bob_client.post(f"/account/tokens/{world.token.pk}/revoke/").status_code == 404
    assert bob_bearer.delete(f"/api/v1/tokens/{world.token.pk}/").status_code == 404

    world.token.refresh_from_db()
    assert world.token.revoked_at is None


def test_bob_cannot_touch_alices_introduction_request(world, bob_client, bob_bearer):
    url = f"/api/v1/introductions/{world.introduction_pk}/"
    api = bob_bearer.patch(url, {"status": "declined", "reason": "bob"}, content_type="application/json")
    repeat = bob_bearer.post(
        "/api/v1/introductions/",
        {"company": world.firm_slug, "partner": world.partner_slug, "message": "as alice"},
        content_type="application/json",
    )

    assert api.status_code == 404
    assert repeat.status_code == 400 and set(repeat.json()) == {"company"}
    assert Introduction.objects.get(pk=world.introduction_pk).status == Introduction.Status.REQUESTED
    assert Introduction.objects.count() == 1


def test_bob_cannot_change_alices_firm(world, bob_client, bob_bearer):
    form = bob_client.post(f"/companies/{world.firm_slug}/edit/", {"description": "bob was here"})
    api = bob_bearer.patch(
        f"/api/v1/companies/{world.firm_slug}/", {"description": "bob was here"}, content_type="application/json"
    )

    assert (form.status_code, api.status_code) == (404, 404)
    assert Company.objects.get(slug=world.firm_slug).description == ALICE_MARKERS["description"]


WORKSPACE_WRITES = [
    ("post", "/workspace/firm-a/pipeline/shared-call/set/", {"stage": "won"}),
    ("post", "/workspace/firm-a/pipeline/shared-call/delete/", {}),
    ("post", "/workspace/firm-a/matches/bulk/", {"selected": ["shared-call"], "action": "stage:won"}),
    ("post", "/workspace/firm-a/matches/shared-call/not-relevant/", {"reason": "other"}),
    ("post", "/workspace/firm-a/matches/shared-call/not-relevant/undo/", {}),
]
API_WORKSPACE_WRITES = [
    ("put", "/api/v1/companies/firm-a/pipeline/shared-call/", {"stage": "won"}),
    ("delete", "/api/v1/companies/firm-a/pipeline/shared-call/", {}),
    ("post", "/api/v1/companies/firm-a/matches/shared-call/feedback/", {"relevant": False, "reason": "other"}),
    ("delete", "/api/v1/companies/firm-a/matches/shared-call/feedback/", {}),
]


def test_bob_cannot_change_alices_workspace(world, bob_client, bob_bearer, firm_a):
    from workspace.models import MatchFeedback, PipelineEntry

    for method, url, data in WORKSPACE_WRITES:
        assert getattr(bob_client, method)(url, data).status_code == 404, url
    for client in (bob_client, bob_bearer):
        for method, url, data in API_WORKSPACE_WRITES:
            response = getattr(client, method)(url, data, content_type="application/json")
            assert response.status_code == 404, (method, url)
            assert_nothing_of_alice(response, url, world.markers)
    entry = PipelineEntry.objects.get(company=firm_a)
    assert (entry.stage, entry.notes) == ("watching", ALICE_MARKERS["pipeline_note"])
    assert MatchFeedback.objects.filter(company=firm_a, reason="other").exists()


SUGGESTION_WRITES = [
    "/my/matches/tick-area/",
    "/my/matches/dismiss-area/",
    "/my/matches/undo-dismiss-area/",
    "/ja/my/matches/dismiss-area/",
]


def test_bob_cannot_tick_dismiss_or_restore_alices_suggested_areas(world, bob_client, firm_a):
    from matching.models import AreaDismissal
    from programmes.models import TechnologyArea

    TechnologyAreaFactory(slug="usv")
    AreaDismissal.objects.create(company=firm_a, technology_area=TechnologyArea.objects.get(slug="usv"))
    areas = sorted(firm_a.technology_areas.values_list("slug", flat=True))
    for url in SUGGESTION_WRITES:
        for area in ("lasers", "usv"):
            response = bob_client.post(url, {"company": world.firm_slug, "area": area, "from": "profile"})
            assert response.status_code == 404, url
            assert_nothing_of_alice(response, url, world.markers)
    assert sorted(firm_a.technology_areas.values_list("slug", flat=True)) == areas
    assert list(AreaDismissal.objects.values_list("technology_area__slug", flat=True)) == ["usv"]


def test_bob_opens_only_his_own_feed_and_unsubscribe_links(world, bob, anon_client):
    from alerts.preferences import feed_link_issue

    bob_feed = feed_link_issue(user=bob)
    _link, bob_unsubscribe = secret_link_issue(user=bob, purpose=SecretLink.Purpose.UNSUBSCRIBE, subject_id=1)

    feed = anon_client.get(f"/feeds/alerts.atom?token={bob_feed}")
    assert feed.status_code == 200
    assert_nothing_of_alice(feed, "bob's feed", world.markers)
    # A feed secret is not an unsubscribe secret, nor the other way round.
    assert anon_client.get(f"/unsubscribe/?token={bob_feed}").status_code == 404
    assert anon_client.get(f"/feeds/alerts.atom?token={bob_unsubscribe}").status_code == 404
