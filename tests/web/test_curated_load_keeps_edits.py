"""load_curated (make run) keeps what a person edited since the last load, unless told to overwrite it."""

import io

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from partners.models import Partner
from partners.services import partner_save
from programmes.models import TechnologyArea
from programmes.reference_services import reference_record_save
from web.curated import curated_load

FIXTURES = settings.BASE_DIR / "fixtures"


@pytest.fixture
def loaded(db):
    curated_load(directory=FIXTURES)
    return User.objects.create_user("curator")


def edit_area_and_partner(by, *, area_reason: str) -> None:
    """A consultant adds a term to the UAV lexicon and rewrites a partner's capabilities, each with a history row."""
    area = TechnologyArea.objects.get(slug="uav")
    area.keywords = [*area.keywords, "drone-in-a-box dock"]
    reference_record_save(record=area, by=by, reason=area_reason)
    partner = Partner.objects.get(slug="mitsubishi-heavy-industries")
    partner.capabilities = "Shipbuilding, aircraft and missiles; edited by a consultant."
    partner_save(partner=partner, by=by, reason="Checked the 2026 annual report")


def test_a_consultants_lexicon_and_partner_edits_survive_the_next_load(loaded):
    edit_area_and_partner(loaded, area_reason="Added a term firms use")

    report = curated_load(directory=FIXTURES)

    assert "drone-in-a-box dock" in TechnologyArea.objects.get(slug="uav").keywords
    assert Partner.objects.get(slug="mitsubishi-heavy-industries").capabilities.endswith("edited by a consultant.")
    assert sorted(report.kept) == ["partners mitsubishi-heavy-industries", "technology areas uav"]
    kept = "technology areas: 0 created, 0 updated, 20 unchanged, 1 kept as edited since the last load"
    assert kept in report.lines()


def test_overwrite_puts_the_fixture_back_and_the_next_load_keeps_nothing(loaded):
    area = TechnologyArea.objects.get(slug="uav")
    area.keywords = [*area.keywords, "drone-in-a-box dock"]
    reference_record_save(record=area, by=loaded, reason="Added a term firms use")

    out = io.StringIO()
    call_command("load_curated", stdout=out)
    assert "Kept as a person left them (edited since the last load): technology areas uav." in out.getvalue()
    assert "load_curated --overwrite" in out.getvalue()

    report = curated_load(directory=FIXTURES, overwrite=True)

    assert "drone-in-a-box dock" not in TechnologyArea.objects.get(slug="uav").keywords
    assert report.kept == []
    assert curated_load(directory=FIXTURES).kept == []  # the fixture's write is the last one now: no person's edit


def test_overwrite_only_puts_back_the_records_named_and_keeps_the_other_edits(loaded):
    edit_area_and_partner(loaded, area_reason="A term added by mistake")

    out = io.StringIO()
    call_command("load_curated", "--overwrite-only", "uav", stdout=out)

    assert "drone-in-a-box dock" not in TechnologyArea.objects.get(slug="uav").keywords
    assert Partner.objects.get(slug="mitsubishi-heavy-industries").capabilities.endswith("edited by a consultant.")
    assert "Kept as a person left them (edited since the last load): partners mitsubishi-heavy-industries." in (
        out.getvalue()
    )


def test_overwrite_only_with_a_name_no_one_edited_writes_nothing_and_says_which(loaded):
    area = TechnologyArea.objects.get(slug="uav")
    area.keywords = [*area.keywords, "drone-in-a-box dock"]
    reference_record_save(record=area, by=loaded, reason="A term added by mistake")

    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_curated", "--overwrite-only", "uav", "uvv", stderr=err)

    assert "--overwrite-only: record uvv, field slug or code: no record a person edited since the last load has it" in (
        err.getvalue()
    )
    assert "drone-in-a-box dock" in TechnologyArea.objects.get(slug="uav").keywords
