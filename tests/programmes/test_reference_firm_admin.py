"""Reference firms in the admin and through their service: a firm graded in no area is refused, naming the field."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import MatchRun
from programmes.models import ReferenceFirm
from programmes.reference_services import reference_firm_save
from tests.factories import TechnologyAreaFactory

pytestmark = pytest.mark.django_db

ADD = "admin:programmes_referencefirm_add"
FIRM = {
    "slug": "allen-control-systems",
    "name": "Allen Control Systems",
    "source_url": "https://allencontrolsystems.com/",
    "description": "A robotic gun turret that finds small flying threats and knocks them out of the sky.",
}


def test_a_reference_firm_with_no_area_is_refused_on_the_form_and_queues_no_rescore(consultant_client):
    response = consultant_client.post(reverse(ADD), {**FIRM, "change_reason": "From its own page"})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Give at least one area" in str(errors["core_areas"])
    assert not ReferenceFirm.objects.exists()
    assert not MatchRun.objects.exists()


def test_a_reference_firm_with_one_tangential_area_is_enough(consultant_client):
    area = TechnologyAreaFactory(slug="counter-uas")

    response = consultant_client.post(reverse(ADD), {**FIRM, "tangential_areas": [area.pk]})

    assert response.status_code == 302
    assert list(ReferenceFirm.objects.get().tangential_areas.all()) == [area]


def test_the_service_refuses_a_reference_firm_with_no_area_as_the_curated_load_would_call_it():
    with pytest.raises(ValidationError) as caught:
        reference_firm_save(firm=ReferenceFirm(**FIRM), areas={"core_areas": []}, by=None)

    assert list(caught.value.message_dict) == ["core_areas"]
    assert not ReferenceFirm.objects.exists()
