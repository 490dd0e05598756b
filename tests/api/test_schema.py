"""The OpenAPI schema validates with no warnings, and the docs page works offline (no CDN)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_schema_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr


@pytest.mark.django_db
def test_the_schema_describes_every_route_and_filter(anon_client):
    response = anon_client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        "/api/v1/",
        "/api/v1/certifications/",
        "/api/v1/certifications/{code}/",
        "/api/v1/companies/",
        "/api/v1/companies/{slug}/",
        "/api/v1/companies/{company_slug}/matches/",
        "/api/v1/companies/{company_slug}/matches/{opportunity_slug}/feedback/",
        "/api/v1/companies/{company_slug}/pipeline/",
        "/api/v1/companies/{company_slug}/pipeline/{opportunity_slug}/",
        "/api/v1/opportunities/{opportunity_slug}/feedback/",
        "/api/v1/match-runs/",
        "/api/v1/match-runs/{id}/",
        "/api/v1/me/",
        "/api/v1/notices/",
        "/api/v1/notices/{slug}/",
        "/api/v1/opportunities/",
        "/api/v1/opportunities/{slug}/",
        "/api/v1/opportunities/{opportunity_slug}/matches/",
        "/api/v1/organisations/",
        "/api/v1/organisations/{slug}/",
        "/api/v1/source-changes/",
        "/api/v1/source-changes/{id}/",
        "/api/v1/technology-areas/",
        "/api/v1/technology-areas/{slug}/",
        "/api/v1/tokens/",
        "/api/v1/tokens/{id}/",
        "/api/v1/partners/",
        "/api/v1/partners/{slug}/",
        "/api/v1/companies/{company_slug}/partners/",
        "/api/v1/introductions/",
        "/api/v1/introductions/{id}/",
        "/api/v1/changes/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/",
        "/api/v1/webhooks/{id}/rotate-secret/",
        "/api/v1/webhooks/{webhook_id}/deliveries/",
        "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/replay/",
        "/api/v1/saved-searches/",
        "/api/v1/saved-searches/{id}/",
    }
    params = {p["name"]: p for p in schema["paths"]["/api/v1/opportunities/"]["get"]["parameters"]}
    filters = ["kind", "technology_area", "organisation", "open", "closes_before", "closes_after"]
    filters += ["eligible_country", "q", "when", "status", "ordering", "page", "page_size"]
    for name in filters:
        assert params[name].get("description"), name
    assert "bearerAuth" in schema["components"]["securitySchemes"]
    changes = {p["name"]: p for p in schema["paths"]["/api/v1/changes/"]["get"]["parameters"]}
    assert changes["since"].get("description") and changes["limit"]["schema"]["maximum"] == 200


@pytest.mark.django_db
def test_the_docs_page_loads_its_assets_locally(anon_client):
    response = anon_client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn" not in html.lower()
    # No inline script (the Content-Security-Policy forbids it): the start-up script is a URL of its own.
    assert "<script>" not in html
    script = anon_client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


@pytest.mark.django_db
def test_the_schema_shows_reasons_and_gaps_as_text_and_as_data(anon_client):
    schema = anon_client.get("/api/v1/schema/?format=json").json()
    match = schema["components"]["schemas"]["Match"]["properties"]
    assert match["reasons"]["items"]["type"] == "string" and match["gaps"]["items"]["type"] == "string"
    for name in ("reasons_detail", "gaps_detail"):
        assert match[name]["items"] == {"$ref": "#/components/schemas/Explanation"}
    explanation = schema["components"]["schemas"]["Explanation"]
    assert set(explanation["properties"]) == {"code", "params", "text", "partners", "notice"}
    assert set(explanation["required"]) == {"code", "params", "text"}  # partners, notice: those gaps only
    for path in ("/api/v1/companies/{company_slug}/matches/", "/api/v1/opportunities/{opportunity_slug}/matches/"):
        params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert params["lang"]["schema"]["enum"] == ["en", "ja"]


@pytest.mark.django_db
def test_every_paged_list_documents_page_and_page_size_as_the_api_reads_them(anon_client):
    schema = anon_client.get("/api/v1/schema/?format=json").json()
    paged = [
        {parameter["name"]: parameter for parameter in operation.get("parameters", [])}
        for path in schema["paths"].values()
        for operation in path.values()
        if any(parameter["name"] == "page" for parameter in operation.get("parameters", []))
    ]
    assert len(paged) > 10
    for parameters in paged:
        # `page=last` is the last page and `page=0` a 400, so a client generated from the schema may send the first
        # and will not send the second; `page_size` above the cap is served (capped), so it has no maximum.
        assert parameters["page"]["schema"] == {
            "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["last"]}]
        }
        assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"), [("page=last", 200), ("page_size=101", 200), ("page=0", 400), ("page_size=0", 400)]
)
def test_the_documented_page_parameters_are_what_the_api_answers(anon_client, query, status):
    assert anon_client.get(f"/api/v1/technology-areas/?{query}").status_code == status


def _project_model_serializers() -> list[type]:
    """Every ModelSerializer of the project's APIs."""
    from django.apps import apps
    from rest_framework import serializers

    names = {config.name for config in apps.get_app_configs()}
    for name in names:
        try:
            __import__(f"{name}.api.serializers")
        except ModuleNotFoundError:
            pass
    found, todo = [], [serializers.ModelSerializer]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.split(".")[0] in names:
                found.append(cls)
    return found


@pytest.mark.django_db
def test_every_field_over_a_nullable_column_is_nullable_in_the_schema(anon_client):
    """A client generated from the schema must accept the null the API sends (an introduction with no opportunity)."""
    from django.core.exceptions import FieldDoesNotExist

    components = anon_client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    missing = []
    for serializer in _project_model_serializers():
        component = components.get(serializer.__name__.removesuffix("Serializer"))
        if component is None:
            continue
        for name, field in serializer(context={}).fields.items():
            try:
                column = serializer.Meta.model._meta.get_field(field.source.split(".")[0])
            except FieldDoesNotExist:
                continue
            if column.concrete and column.null and not column.many_to_many:
                if not component["properties"][name].get("nullable"):
                    missing.append(f"{serializer.__name__}.{name}")
    assert missing == []


def test_an_introductions_opportunity_is_nullable_in_the_schema(anon_client, db):
    components = anon_client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    for name in ("Introduction", "IntroductionConsultant"):
        assert components[name]["properties"]["opportunity"] == {"type": "string", "readOnly": True, "nullable": True}


def test_a_webhooks_events_are_the_names_the_api_takes_in_the_schema(anon_client, db):
    """A client generated from the schema (or schemathesis) sends event names the API knows, and at least one."""
    components = anon_client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    ENUM = "#/components/schemas/WebhookEventEnum"  # noqa: N806
    names = ["opportunity.published", "opportunity.changed", "opportunity.archived", "source.reviewed",
             "notice.published", "match.created", "match.moved", "*"]  # fmt: skip
    for name in ("WebhookEndpointCreateRequest", "PatchedWebhookEndpointUpdateRequest", "WebhookEndpoint"):
        events = components[name]["properties"]["events"]
        assert (events["type"], events["items"], events["minItems"]) == ("array", {"$ref": ENUM}, 1), name
    assert components["WebhookEventEnum"]["enum"] == names
