"""Names for choice sets that several API fields share, so the OpenAPI schema lists each enum once."""

from django_countries import countries

COUNTRY_CHOICES = [(code, name) for code, name in countries]
