"""The page tests' small curated world (tests/pages.py)."""

from tests.pages import alice_matches, areas, certifications, orgs, world  # noqa: F401 (fixtures)
