"""A record whose areas tie at the top weight teaches the profile of the area its curators listed first, whatever
order the database returns its links in (docs/matching.md, "Capability": the profile).

Before, the links were read in no order: on PostgreSQL an edit of the first link's row moved it to the end of the
table, and the record's text went to the other area's profile at the next rescore.
"""

import datetime

import pytest

from matching import affinity, inputs
from programmes.models import OpportunityArea
from tests.factories import OpportunityFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db


def test_an_edit_of_a_tied_record_keeps_its_first_listed_area_as_the_one_it_is_about():
    space, cyber = TechnologyAreaFactory(slug="space"), TechnologyAreaFactory(slug="cyber")
    record = OpportunityFactory(slug="cross-domain", areas=[(space, 1.0), (cyber, 1.0)])
    first = OpportunityArea.objects.get(opportunity=record, technology_area=space)
    first.weight = 1.0  # a curator saves the record's area weights unchanged
    first.save()

    (row,) = inputs.scoring_opportunities(today=datetime.date.today(), pk=record.pk)

    assert affinity.main_area(row.areas) == "space"
