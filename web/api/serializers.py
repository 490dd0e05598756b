"""The caller (me/) and their API tokens, as REST clients see them."""

from rest_framework import serializers

from companies.models import Membership
from portal.models import ApiToken


class MembershipSerializer(serializers.ModelSerializer):
    """A firm the caller belongs to, with the caller's role there."""

    slug = serializers.SlugField(source="company.slug")
    name = serializers.CharField(source="company.name")

    class Meta:
        model = Membership
        fields = ["slug", "name", "role"]


class MeSerializer(serializers.Serializer):
    """Who the API takes the caller to be."""

    username = serializers.CharField(allow_null=True)
    role = serializers.ChoiceField(choices=["consultant", "staff", "anonymous"])
    companies = MembershipSerializer(many=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token of the caller's: never the key itself, which is shown only once, when minted."""

    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "is_active"]
        read_only_fields = fields
