"""Shared personas: alice (editor at firm A), bob (editor at firm B), a consultant, and anonymous."""

import os
from functools import partial

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from matching import dispatch
from matching.models import MatchRun
from tests.factories import CompanyFactory, ConsultantFactory, MembershipFactory, UserFactory

PASSWORD = "correct horse battery staple"


def pytest_configure(config):
    """Settings for the test processes, before any test runs.

    Under pytest-xdist (`-n 2`), each worker process keeps its own cache keys in the shared Redis.

    Every test starts by deleting the cache's keys (_fresh_cache), and throttle counters and locks live there: with
    one prefix for all workers, one worker's test would wipe another's mid-test. The prefix is set here, before any
    test opens the cache (Django makes the cache and the hashers on first use). The tests that start a real Celery
    worker are run on their own, never under xdist (`.ci/run`): they flush the broker's database.
    """
    from django.conf import settings

    # A password hashed with the production hasher costs half a second on a small machine, and most tests make two
    # or three users: tests hash with MD5 (Django's advice for test speed), and still read PBKDF2 hashes.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and "KEY_PREFIX" in settings.CACHES["default"]:
        settings.CACHES["default"]["KEY_PREFIX"] = f"{settings.CACHES['default']['KEY_PREFIX']}-{worker}"


def pytest_collection_modifyitems(config, items):
    """Mark `serial` every test that must have the database server to itself (the PostgreSQL pass of `.ci/run`).

    Those are the tests that commit (`transaction=True`, `transactional_db`, `live_server`) and the worker tests. On
    PostgreSQL the change feed shows only events older than every transaction open on the server, and these tests
    wait for their own events to settle: a second test process holding transactions open would delay or starve them.
    A test that does not commit cannot see a settled event of its own, so the rest can run side by side
    (docs/testing.md).
    """
    for item in items:
        database = item.get_closest_marker("django_db")
        commits = bool(database and database.kwargs.get("transaction"))
        commits = commits or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))
        if commits or item.get_closest_marker("worker"):
            item.add_marker(pytest.mark.serial)


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
def carol_client(firm_a):
    """Carol is a viewer at firm A: she may read its records and profile but change nothing."""
    from companies.models import Membership

    carol = UserFactory(username="carol")
    MembershipFactory(user=carol, company=firm_a, role=Membership.Role.VIEWER)
    return _client_for(carol)


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


class Rescores:
    """The rescores a test asked for: the pending runs recorded, and the enqueues waiting for the commit."""

    def __init__(self) -> None:
        self.start = len(connection.run_on_commit)

    @property
    def enqueues(self) -> list[partial]:
        """The run enqueues registered on commit since the test began (they run only if the transaction commits)."""
        waiting = [callback for _savepoints, callback, _robust in connection.run_on_commit[self.start :]]
        enqueue = (dispatch.match_run_enqueue, dispatch._enqueue_or_leave_pending)
        return [c for c in waiting if isinstance(c, partial) and c.func in enqueue]

    def targets(self) -> list[tuple[str, object]]:
        """(scope, firm pk / opportunity pk / firm pks) of each pending run, oldest first."""
        pending = MatchRun.objects.filter(status=MatchRun.Status.PENDING).order_by("pk")
        return [(run.scope, run.company_id or run.opportunity_id or run.company_ids) for run in pending]


@pytest.fixture
def rescores(db):
    """Rescores asked for during the test; their tasks never run (the test's transaction never commits)."""
    return Rescores()


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Unit tests run tasks in-process even when REDIS_URL is set (CI); worker tests use the real broker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from portal.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
