"""drf-spectacular's settings for the OpenAPI schema of API v1: its title, version, the Swagger and ReDoc assets
served from the sidecar package, and the names of its shared enums. portal.settings reads them."""

SPECTACULAR_SETTINGS = {
    "TITLE": "Kakehashi API",
    "DESCRIPTION": "Curated Japanese defence programme records and firm-to-opportunity match scores.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "portal.api.schema.COUNTRY_CHOICES",
        "SizeEnum": "companies.models.Company.Size",
        "OpportunityKindEnum": "programmes.models.Opportunity.Kind",
        "SourceChangeKindEnum": "sources.models.SourceChange.Kind",
        "PartnerRoleEnum": "partners.models.Partner.Role",
        "PartnerSizeEnum": "partners.models.Partner.Size",
        "IntroductionStatusEnum": "partners.models.Introduction.Status",
        "WebhookDeliveryStatusEnum": "portal.models.OutboxMessage.Status",
        "WebhookEventEnum": "alerts.api.serializers.WEBHOOK_EVENT_NAMES",
    },
}
