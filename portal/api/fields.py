"""Serializer fields the API shares."""

from operator import attrgetter

from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
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


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class SlugListField(serializers.Field):
    """Records named by a list of slugs: de-duplicated, capped at how many records exist, resolved in one query.

    DRF's SlugRelatedField(many=True) runs a query per item, so a list of 70,000 slugs held a worker for 30 seconds
    (issue 17, finding 3).
    """

    default_error_messages = {
        "not_a_list": _("Expected a list of strings."),
        "too_many": _("At most {limit} items: there are only {limit}."),
        "unknown": _("Unknown: {slugs}."),
    }

    def __init__(self, *, queryset: QuerySet, slug_field: str = "slug", **kwargs):
        self.queryset = queryset
        self.slug_field = slug_field
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> list:
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            self.fail("not_a_list")
        wanted = list(dict.fromkeys(data))
        limit = self.queryset.count()
        if len(wanted) > limit:
            self.fail("too_many", limit=limit)
        # A NUL byte is in no slug, and PostgreSQL refuses it in a query: such an item is simply unknown.
        queryable = [slug for slug in wanted if "\x00" not in slug]
        found = {
            getattr(row, self.slug_field): row for row in self.queryset.filter(**{f"{self.slug_field}__in": queryable})
        }
        missing = [slug.replace("\x00", "\\x00") for slug in wanted if slug not in found]
        if missing:
            self.fail("unknown", slugs=", ".join(missing[:10]))
        return [found[slug] for slug in wanted]

    def to_representation(self, value) -> list[str]:
        return [getattr(item, self.slug_field) for item in value.all()]
