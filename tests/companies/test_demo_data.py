"""Demo data for `make demo`: the curated demo firms and the two demo log-ins."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from companies.curated import DEMO_STAFF_COMPANY
from companies.models import Company, Membership
from portal.curation import CuratedLoadError
from portal.history import history_rows
from portal.roles import CONSULTANTS_GROUP, is_consultant
from web.curated import curated_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEFAULT_PASSWORD = "kakehashi-demo"


@pytest.fixture(scope="module")
def demo_firms(django_db_setup, django_db_blocker, tmp_path_factory):
    """Only the files the firms need (areas, certifications, companies), loaded once and rolled back."""
    directory = tmp_path_factory.mktemp("fixtures")
    for name in ("technology_areas.yaml", "certifications.yaml", "companies.yaml"):
        shutil.copy(FIXTURES / name, directory / name)
    with django_db_blocker.unblock(), transaction.atomic():
        yield curated_load(directory=directory)
        transaction.set_rollback(True)


def test_about_25_real_australian_and_us_firms_are_loaded(demo_firms, db):
    firms = list(Company.objects.prefetch_related("technology_areas"))
    assert 20 <= len(firms) <= 30
    assert {firm.country.code for firm in firms} == {"AU", "US"}
    assert {firm.size for firm in firms} == {"startup", "sme", "large"}
    for firm in firms:
        assert firm.source_url.startswith("https://") and len(firm.description) > 150, firm.slug
        assert firm.contact_email == "", firm.slug  # never invented


def test_some_firms_declare_no_areas_so_the_matcher_must_read_their_text(demo_firms, db):
    undeclared = set(Company.objects.filter(technology_areas=None).values_list("slug", flat=True))
    assert {"skydio", "dragos", "swarmfarm-robotics"} <= undeclared


def test_a_mostly_civilian_firm_is_there_to_show_low_scores(demo_firms, db):
    farm = Company.objects.get(slug="swarmfarm-robotics")
    assert "farm" in farm.description and not farm.technology_areas.exists()


def test_export_control_flags_follow_public_facts(demo_firms, db):
    assert Company.objects.get(slug="ga-asi").itar_controlled
    assert Company.objects.get(slug="electro-optic-systems").dsgl_controlled
    assert not Company.objects.get(slug="swarmfarm-robotics").itar_controlled


def test_unknown_certification_on_a_firm_is_refused(db, tmp_path):
    (tmp_path / "companies.yaml").write_text(
        "- slug: demo-firm\n  name: Demo firm\n  country: AU\n  size: sme\n  description: Makes things.\n"
        "  certifications: [{code: as9100z, expires_on: 2027-01-01}]\n",
        encoding="utf-8",
    )
    with pytest.raises(CuratedLoadError) as caught:
        curated_load(directory=tmp_path)
    assert [str(error) for error in caught.value.errors] == [
        "companies.yaml: record demo-firm, field certifications: unknown certification as9100z"
    ]
    assert not Company.objects.filter(slug="demo-firm").exists()


def test_demo_users_are_a_consultant_and_an_editor_of_one_demo_firm(demo_firms, db, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("demo_users")
    consultant = User.objects.get(username="consultant")
    assert consultant.is_staff and not consultant.is_superuser and is_consultant(consultant)
    assert consultant.groups.filter(name=CONSULTANTS_GROUP).exists()
    assert consultant.check_password(DEFAULT_PASSWORD)
    staff = User.objects.get(username="staff")
    assert not staff.is_staff and not is_consultant(staff) and staff.check_password(DEFAULT_PASSWORD)
    membership = Membership.objects.get(user=staff)
    assert (membership.company.slug, membership.role) == (DEMO_STAFF_COMPANY, Membership.Role.EDITOR)
    viewer = Membership.objects.get(user__username="viewer")
    assert (viewer.company.slug, viewer.role) == (DEMO_STAFF_COMPANY, Membership.Role.VIEWER)
    assert viewer.user.check_password(DEFAULT_PASSWORD) and not viewer.user.is_staff
    out = capsys.readouterr().out
    assert f"consultant / {DEFAULT_PASSWORD}" in out and f"staff / {DEFAULT_PASSWORD}" in out
    assert f"viewer / {DEFAULT_PASSWORD}" in out


def test_demo_users_is_idempotent_and_takes_the_password_from_the_environment(demo_firms, db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-secret")
    call_command("demo_users")
    counts = (User.objects.count(), Membership.objects.count(), User.groups.through.objects.count())
    call_command("demo_users")
    assert (User.objects.count(), Membership.objects.count(), User.groups.through.objects.count()) == counts
    assert User.objects.get(username="staff").check_password("another-secret")
    assert Membership.objects.filter(user__username__in=["staff", "viewer"]).count() == 2


def test_demo_users_needs_the_demo_firms_first(db):
    Company.objects.filter(slug=DEMO_STAFF_COMPANY).delete()
    with pytest.raises(CommandError, match="load_curated"):
        call_command("demo_users")
    assert not User.objects.filter(username__in=["consultant", "staff"]).exists()


def _firm_fixture(directory: Path, expires_on: str, areas: str = "") -> None:
    shutil.copy(FIXTURES / "certifications.yaml", directory / "certifications.yaml")
    shutil.copy(FIXTURES / "technology_areas.yaml", directory / "technology_areas.yaml")
    (directory / "companies.yaml").write_text(
        "- slug: demo-firm\n  name: Demo firm\n  country: AU\n  size: sme\n  description: Makes things.\n"
        f"  certifications: [{{code: as9100d, expires_on: {expires_on}}}]\n  technology_areas: [{areas}]\n",
        encoding="utf-8",
    )


def test_a_curated_firms_history_holds_its_certificates_and_lists_a_changed_expiry(db, tmp_path):
    _firm_fixture(tmp_path, "2027-01-01")
    curated_load(directory=tmp_path)
    firm = Company.objects.get(slug="demo-firm")
    first = firm.history.get()
    assert [(link.certification.code, str(link.expires_on)) for link in first.certifications.all()] == [
        ("as9100d", "2027-01-01")
    ]

    _firm_fixture(tmp_path, "2028-01-01")
    curated_load(directory=tmp_path)

    rows = history_rows(firm.history, limit=5, disclose=True)
    assert [row.fields for row in rows] == [[f"Certifications (changed: {firm.certifications.get().name})"], []]
    assert firm.history.count() == 2


def test_each_curated_firms_history_starts_with_created_and_has_no_empty_changed_row(demo_firms, db):
    for firm in Company.objects.all():
        rows = history_rows(firm.history, limit=5, disclose=True)
        assert [row.kind for row in rows] == ["Created"], firm.slug


def test_reloading_a_firm_with_a_new_area_adds_one_changed_row_naming_it(db, tmp_path):
    _firm_fixture(tmp_path, "2027-01-01", areas="uav")
    curated_load(directory=tmp_path)
    firm = Company.objects.get(slug="demo-firm")

    _firm_fixture(tmp_path, "2027-01-01", areas="uav, usv")
    curated_load(directory=tmp_path)

    rows = history_rows(firm.history, limit=5, disclose=True)
    assert [(row.kind, row.fields) for row in rows] == [
        ("Changed", ["Technology areas (added: Uncrewed surface vessels)"]),
        ("Created", []),
    ]
