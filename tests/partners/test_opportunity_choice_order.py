"""The introduction form offers opportunities in the natural order of their titles: "field 2" before "field 10"."""

import re

import pytest

from partners.models import Partner
from tests.factories import CallFactory
from tests.partners.conftest import make_partner


@pytest.fixture
def fields(db):
    for n in (10, 2, 1, 11, 12):
        CallFactory(slug=f"field-{n}", title=f"Priority field {n}", title_ja=f"重点分野{n}")
    CallFactory(slug="counter-uas", title="Counter-UAS call", title_ja="対無人機公募")
    return make_partner("furuno-electric", role=Partner.Role.SUPPLIER, areas={})


def offered(response) -> list[str]:
    select = re.search(r'<select name="opportunity".*?</select>', response.text, re.S).group(0)
    return [label for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select) if value]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", ["Counter-UAS call", *(f"Priority field {n}" for n in (1, 2, 10, 11, 12))]),
        ("/ja", ["対無人機公募", *(f"重点分野{n}" for n in (1, 2, 10, 11, 12))]),
    ],
)
def test_the_introduction_form_lists_numbered_opportunities_in_number_order(alice_client, fields, prefix, expected):
    assert offered(alice_client.get(f"{prefix}/partners/furuno-electric/")) == expected
