"""Serializer fields the API shares."""

from operator import attrgetter

from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

_url_validator = URLValidator()


def validate_url(value: str) -> None:
    """Django's URL check, wrapped so that the schema does not claim an ASCII-only "uri" format."""
    _url_validator(value)


class IriField(serializers.CharField):
    """A URL that may hold non-ASCII characters (Japanese official pages often do), as RFC 3987 allows.

    Described as a plain string: a "uri" format would be wrong for these, and with blank values allowed
    drf-spectacular would write a oneOf that an empty string matches twice.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_url)


class RoundedFloatField(serializers.FloatField):
    """A float rounded for display: scores are computed in float32, so 79.24 would otherwise read 79.23999786."""

    def __init__(self, *, places: int = 2, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def to_representation(self, value) -> float:
        return round(float(value), self.places)


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class RelatedSlugsField(serializers.ReadOnlyField):
    """The slugs (or codes) of a prefetched relation, as a list of strings; SLUG may be a dotted path."""

    def __init__(self, *, slug: str = "slug", **kwargs):
        self.slug = slug
        super().__init__(**kwargs)

    def to_representation(self, value) -> list[str]:
        return [attrgetter(self.slug)(item) for item in value.all()]
