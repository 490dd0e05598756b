"""Shared personas: alice (editor at firm A), bob (editor at firm B), a consultant, and anonymous."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from tests.factories import CompanyFactory, ConsultantFactory, MembershipFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def firm_a(db):
    return CompanyFactory(slug="firm-a", name="Firm A", country="AU", contact_email="ops@firm-a.example")


@pytest.fixture
def firm_b(db):
    return CompanyFactory(slug="firm-b", name="Firm B", country="US", contact_email="ops@firm-b.example")


@pytest.fixture
def alice(firm_a):
    user = UserFactory(username="alice")
    MembershipFactory(user=user, company=firm_a)
    return user


@pytest.fixture
def bob(firm_b):
    user = UserFactory(username="bob")
    MembershipFactory(user=user, company=firm_b)
    return user


@pytest.fixture
def consultant(db):
    return ConsultantFactory(username="consultant")


@pytest.fixture
def anon():
    return AnonymousUser()


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def consultant_client(consultant):
    return _client_for(consultant)


@pytest.fixture
def anon_client():
    return Client()


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Every page's base.html uses {% static %}; tests run without DEBUG and without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and locks never leak between tests (with Redis, only Kakehashi's own keys go)."""
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_by_default():
    """A /ja/ request leaves Japanese active in the thread; every test starts in English, as a new visitor does."""
    from django.utils import translation

    with translation.override("en"):
        yield
