"""Fixtures for the alerts tests: the curated areas and certifications the matching tests use."""

from tests.matching.conftest import curated_areas, curated_certifications  # noqa: F401 (fixtures)
