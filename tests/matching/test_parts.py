"""How a match's stored parts read: the components the API and pages show, whatever odd row is stored."""

from matching import engine
from matching.parts import ORDER, components_of, parts_of


def test_the_stored_order_is_the_engines():
    # A new or reordered component needs a migration of the stored rows (matching/migrations/0009 shows how).
    assert engine.COMPONENTS == ORDER


def test_stored_parts_read_as_components_with_the_engines_weights():
    parts = [[0.8629, 60.4], [0.5, 5.18], [1.0, 5.18], [1.0, 5.18], [0.7, 3.62]]
    components = components_of(parts)
    assert list(components) == list(ORDER)
    assert components["eligibility"] == {"value": 0.5, "weight": engine.WEIGHTS["eligibility"], "contribution": 5.18}
    assert sum(part["contribution"] for part in components.values()) == 79.56
    assert parts_of(components) == parts


def test_an_odd_row_reads_as_what_it_has_and_never_fails():
    assert components_of([[0.2, 14.0], None, None, None, None]) == {
        "capability": {"value": 0.2, "weight": 0.7, "contribution": 14.0}
    }
    assert components_of([[None, "x"], None, [1], None, None])["capability"] == {
        "value": 0.0,
        "weight": 0.7,
        "contribution": 0.0,
    }
    assert components_of([[0.5, 35.0]]) == {}  # another engine's length
    assert components_of(None) == {} and components_of({"capability": 1}) == {}
