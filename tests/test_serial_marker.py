"""The PostgreSQL pass of `.ci/run` runs tests marked `serial` alone: every test that commits must carry the mark."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_is_run_alone(request):
    assert request.node.get_closest_marker("serial") is not None


def test_a_test_on_the_transactional_fixture_is_run_alone(transactional_db, request):
    assert request.node.get_closest_marker("serial") is not None


def test_a_test_in_a_rolled_back_transaction_runs_beside_others(db, request):
    assert request.node.get_closest_marker("serial") is None
