"""The schema documents the errors each operation answers (400, 401, 403, 404) with one shared body, `Error`, and the
API's real error answers are documented there and match it."""

import jsonschema
import pytest
from django.test import Client

from alerts.models import WebhookEndpoint
from alerts.searches import saved_search_create
from alerts.webhooks import webhook_endpoint_create
from partners.models import Introduction
from portal.models import OutboxMessage
from tests.api.conftest import bearer_client
from tests.partners.conftest import make_partner

pytestmark = pytest.mark.django_db

API = "/api/v1"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_CODES = {"400", "401", "403", "404"}
# A bad value for each query parameter the walk below uses to provoke a 400: paging, language, the feed's limit.
BAD_QUERIES = {"page": "0", "lang": "xx", "limit": "0"}


@pytest.fixture
def schema(anon_client):
    return anon_client.get(f"{API}/schema/?format=json").json()


def responses_of(schema, template: str, method: str = "get") -> dict:
    return schema["paths"][f"{API}{template}"][method]["responses"]


def problem(schema, response, template: str, method: str = "get") -> str | None:
    """Why RESPONSE to METHOD TEMPLATE breaks the schema (an error status it does not document, or a body its
    documented schema refuses), or None."""
    code = str(response.status_code)
    if code not in ERROR_CODES:
        return None
    where = f"{method.upper()} {template} -> {code} {response.content[:200]!r}"
    documented = responses_of(schema, template, method).get(code)
    if documented is None:
        return f"{where}: status not documented"
    if not response["Content-Type"].startswith("application/json"):
        return f"{where}: not JSON"
    body_schema = documented["content"]["application/json"]["schema"]
    assert body_schema == ERROR_REF, where  # one component, never an inline copy
    try:
        jsonschema.validate(response.json(), schema["components"]["schemas"]["Error"])
    except jsonschema.ValidationError as error:
        return f"{where}: {error.message}"
    return None


def assert_documented(schema, response, template: str, method: str = "get") -> None:
    assert problem(schema, response, template, method) is None


def test_a_list_documents_a_bad_parameter_as_a_400_with_the_shared_error_body(schema):
    for template in ("/opportunities/", "/companies/{company_slug}/matches/", "/technology-areas/"):
        bad_request = responses_of(schema, template)["400"]
        assert bad_request["content"] == {"application/json": {"schema": ERROR_REF}}, template
        assert "page_size" in bad_request["description"]
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["detail"]["type"] == "string"
    field_errors, nested = error["additionalProperties"]["oneOf"]
    assert field_errors == {"type": "array", "items": {"type": "string"}}  # {"page_size": ["Give a whole number..."]}
    assert nested["type"] == "object"  # {"events": {"0": ["..."]}}


def test_a_detail_documents_a_missing_or_another_firms_record_as_a_404(schema):
    for template in ("/opportunities/{slug}/", "/companies/{slug}/", "/companies/{company_slug}/pipeline/"):
        not_found = responses_of(schema, template)["404"]
        assert not_found["content"] == {"application/json": {"schema": ERROR_REF}}, template
        assert "another firm" in not_found["description"]


@pytest.mark.parametrize(
    ("method", "template", "codes"),
    [
        ("get", "/me/", {"200", "401"}),  # no parameter, no record: only a dead token is refused
        ("get", "/technology-areas/{slug}/", {"200", "401", "404"}),  # no query parameter: no 400
        ("get", "/opportunities/{slug}/", {"200", "400", "401", "404"}),  # ?lang= is checked
        ("get", "/opportunities/", {"200", "400", "401", "404"}),  # a page past the end is a 404
        ("get", "/match-runs/", {"200", "400", "401", "403", "404"}),  # consultants only: staff get 403
        ("get", "/changes/", {"200", "400", "401"}),  # not paged by number
        ("post", "/companies/", {"201", "400", "401", "403"}),  # a body: 400 when it is not valid
        # 201 creates the entry; 412 refuses a change whose If-Match names an older copy of it
        (
            "put",
            "/companies/{company_slug}/pipeline/{opportunity_slug}/",
            {"200", "201", "400", "401", "403", "404", "412"},
        ),
        ("delete", "/companies/{company_slug}/pipeline/{opportunity_slug}/", {"204", "401", "403", "404", "412"}),
        ("post", "/match-runs/", {"202", "400", "401", "403", "503"}),
        # no body, but a disabled endpoint's delivery cannot be replayed: a 400 it documents itself
        ("post", "/webhooks/{webhook_id}/deliveries/{delivery_id}/replay/", {"202", "400", "401", "403", "404"}),
    ],
)
def test_each_operation_documents_only_the_errors_it_answers(schema, method, template, codes):
    assert set(responses_of(schema, template, method)) == codes


def test_a_status_an_operation_documents_itself_keeps_its_words_and_gets_the_body(schema):
    bad_request = responses_of(schema, "/changes/")["400"]

    assert bad_request["description"] == "`since`, `limit` or `lang` is not valid."
    assert bad_request["content"] == {"application/json": {"schema": ERROR_REF}}


def test_every_documented_error_uses_the_one_error_component(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ERROR_CODES & set(operation["responses"]):
                content = operation["responses"][code]["content"]
                assert content == {"application/json": {"schema": ERROR_REF}}, (method, path, code)


@pytest.mark.parametrize(
    ("client_name", "url", "template", "status"),
    [
        ("anon_client", "/opportunities/?page=0", "/opportunities/", 400),
        ("anon_client", "/opportunities/?page_size=lots", "/opportunities/", 400),
        ("anon_client", "/opportunities/?kind=nonsense", "/opportunities/", 400),
        ("anon_client", "/opportunities/?closes_after=2099-02-01&closes_before=2099-01-01", "/opportunities/", 400),
        ("anon_client", "/opportunities/atla-uav-call/?lang=xx", "/opportunities/{slug}/", 400),
        ("alice_client", "/companies/firm-a/matches/?min_score=500", "/companies/{company_slug}/matches/", 400),
        ("anon_client", "/opportunities/no-such-call/", "/opportunities/{slug}/", 404),
        ("anon_client", "/opportunities/?page=99", "/opportunities/", 404),
        ("bob_client", "/companies/firm-a/", "/companies/{slug}/", 404),
        ("bob_client", "/companies/firm-a/matches/", "/companies/{company_slug}/matches/", 404),
        ("bob_client", "/companies/firm-a/pipeline/", "/companies/{company_slug}/pipeline/", 404),
        ("anon_client", "/companies/", "/companies/", 401),
        ("revoked_token_client", "/opportunities/", "/opportunities/", 401),
        ("alice_client", "/match-runs/", "/match-runs/", 403),
    ],
)
def test_a_real_error_answer_is_documented_and_matches_the_schema(
    request, schema, matches, client_name, url, template, status
):
    response = request.getfixturevalue(client_name).get(f"{API}{url}")

    assert response.status_code == status, response.content
    assert_documented(schema, response, template)


def test_a_viewers_write_is_a_documented_403(schema, carol_client, firm_a):
    response = carol_client.patch(f"{API}/companies/firm-a/", {"website": "https://a.example.com"}, "application/json")

    assert response.status_code == 403
    assert_documented(schema, response, "/companies/{slug}/", "patch")


def test_a_session_write_without_its_csrf_token_is_a_documented_403(schema, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(f"{API}/saved-searches/", {"name": "UAV", "query": "q=uav"}, "application/json")

    assert response.status_code == 403 and response.json()["detail"].startswith("CSRF Failed")
    assert_documented(schema, response, "/saved-searches/", "post")


def _url(template: str, operation: dict, known: dict[str, str]) -> str:
    """TEMPLATE with each path parameter replaced by its KNOWN value, else by one that names nothing."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            missing = "999999" if parameter["schema"]["type"] == "integer" else "no-such-thing"
            template = template.replace(f"{{{parameter['name']}}}", known.get(parameter["name"], missing))
    return f"{API}{template}"


def test_every_read_answers_exactly_the_errors_it_documents(
    schema, matches, anon_client, alice_client, consultant, consultant_client
):
    """Each GET is called anonymously, with a dead token, as staff and as a consultant, with a bad query parameter,
    a page past the end and a path naming nothing: every error is documented with its body, and every documented
    error is answered."""
    webhook, _secret = webhook_endpoint_create(owner=consultant, url="http://127.0.0.1:9/hook", events=["*"])
    parents = {"company_slug": "firm-a", "opportunity_slug": "atla-uav-call", "webhook_id": str(webhook.pk)}
    dead_token = bearer_client("kkh_no-such-token")
    problems, unanswered = [], []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        operation, template = operations["get"], path.removeprefix(API)
        documented = ERROR_CODES & set(operation["responses"])
        query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        answered = set()
        probes = [
            (anon_client, _url(template, operation, parents), {}),
            (dead_token, _url(template, operation, parents), {}),
            (alice_client, _url(template, operation, parents), {}),
            (consultant_client, _url(template, operation, {}), {}),
        ]
        bad = [name for name in BAD_QUERIES if name in query]
        if bad:
            probes.append((consultant_client, _url(template, operation, parents), {bad[0]: BAD_QUERIES[bad[0]]}))
        if "page" in query:
            probes.append((consultant_client, _url(template, operation, parents), {"page": "999"}))
        for client, url, params in probes:
            response = client.get(url, params)
            answered.add(str(response.status_code))
            problems.append(problem(schema, response, template))
        unanswered += [f"GET {template}: {code} never answered" for code in sorted(documented - answered)]

    assert [found for found in problems if found] == []
    assert unanswered == []


@pytest.fixture
def records_to_write(matches, alice, firm_a, consultant):
    """A record behind each write's path: known path values by template prefix (see _known)."""
    webhook, _secret = webhook_endpoint_create(owner=consultant, url="http://127.0.0.1:9/hook", events=["*"])
    search = saved_search_create(user=consultant, name="UAV", query="q=uav")
    partner = make_partner("shipyard-kk", role="prime", areas={})
    introduction = Introduction.objects.create(company=firm_a, partner=partner, message="Meet us.", requested_by=alice)
    return {"/webhooks/": webhook.pk, "/saved-searches/": search.pk, "/introductions/": introduction.pk}


def _disabled_endpoint_delivery(owner) -> dict[str, str]:
    """A delivery of OWNER's endpoint, switched off since: its replay is refused (400)."""
    endpoint, _secret = webhook_endpoint_create(owner=owner, url="http://127.0.0.1:9/off", events=["*"])
    # The delivery as the fan-out writes it. The fan-out itself waits on PostgreSQL for every open transaction to end,
    # and this test's own transaction never does.
    delivery = OutboxMessage.objects.create(
        key=f"webhook:{endpoint.pk}:1", channel=OutboxMessage.Channel.WEBHOOK, kind="opportunity.published",
        user=owner, target_id=endpoint.pk, payload={"id": 1, "type": "opportunity.published"},
    )  # fmt: skip
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    return {"webhook_id": str(endpoint.pk), "delivery_id": str(delivery.pk)}


# A body-less write whose refusal comes from the state of what it names, with the path values that provoke it.
STATE_REFUSALS = {"/webhooks/{webhook_id}/deliveries/{delivery_id}/replay/": _disabled_endpoint_delivery}


def _known(template: str, ids: dict[str, int]) -> dict[str, str]:
    known = {"company_slug": "firm-a", "slug": "firm-a", "opportunity_slug": "atla-uav-call"}
    for prefix, pk in ids.items():
        if template.startswith(prefix):
            known["id"] = str(pk)
    return known


def test_every_write_answers_exactly_the_errors_it_documents(
    schema, alice, alice_client, consultant, consultant_client, records_to_write
):
    """Each write is sent with a dead token, by a session without its CSRF token, where its path names a record
    naming nothing, and where it reads a body with one that is not a JSON object, by a caller who may write there:
    each answer is documented with its body, and each documented error is answered."""
    dead_token = bearer_client("kkh_no-such-token")
    no_csrf = Client(enforce_csrf_checks=True)
    no_csrf.force_login(alice)
    problems, unanswered = [], []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "get":
                continue
            template = path.removeprefix(API)
            url = _url(template, operation, {})
            probes = [(dead_token, url, {}), (no_csrf, url, {})]
            if "{" in template:
                probes.append((consultant_client, url, {}))
            if template in STATE_REFUSALS:
                probes.append((consultant_client, _url(template, operation, STATE_REFUSALS[template](consultant)), {}))
            if "requestBody" in operation:  # a firm's own routes as its editor, the rest as a consultant
                writer = alice_client if template.startswith("/companies/{") else consultant_client
                probes.append(
                    (writer, _url(template, operation, _known(template, records_to_write)), ["not", "an object"])
                )
            answered = set()
            for client, target, body in probes:
                response = getattr(client, method)(target, body, "application/json")
                answered.add(str(response.status_code))
                problems.append(problem(schema, response, template, method))
            documented = ERROR_CODES & set(operation["responses"])
            unanswered += [
                f"{method.upper()} {template}: {code} never answered" for code in sorted(documented - answered)
            ]

    assert [found for found in problems if found] == []
    assert unanswered == []


def test_a_refused_body_names_its_fields_as_documented_nested_ones_included(schema, alice_client, consultant_client):
    created = consultant_client.post(f"{API}/webhooks/", {"url": 5, "events": ["*", 7]}, "application/json")
    assert created.status_code == 400 and {"url", "events"} <= set(created.json())
    assert created.json()["events"] == {"1": ["Not a valid string."]}
    assert_documented(schema, created, "/webhooks/", "post")

    certificate = {"code": "as9100d", "expires_on": "soon"}
    firm = alice_client.patch(f"{API}/companies/firm-a/", {"certifications": [certificate]}, "application/json")
    assert firm.status_code == 400 and "expires_on" in firm.json()["certifications"]["0"]
    assert_documented(schema, firm, "/companies/{slug}/", "patch")
