"""Fixtures for the workspace tests: the matching suite's curated areas and eager Celery, and a viewer at firm A."""

import pytest

from companies.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.matching.conftest import curated_areas, curated_certifications  # noqa: F401

__all__ = ["curated_areas", "curated_certifications"]


@pytest.fixture
def carol(firm_a):
    """A viewer at firm A: reads its workspace, changes nothing."""
    user = UserFactory(username="carol")
    MembershipFactory(user=user, company=firm_a, role=Membership.Role.VIEWER)
    return user
