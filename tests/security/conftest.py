"""Security proofs of issue 6: bad input and tenancy."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_reverse():
    """reverse() follows the thread's active language, which a /ja/ request in an earlier test leaves behind."""
    with translation.override("en"):
        yield
