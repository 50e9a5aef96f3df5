"""API representations of accounts: tokens and members."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import ApiToken, Membership


class TokenObtainInSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False, write_only=True)
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A label for the token, such as the script that will use it.",
    )


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TokenCreatedSerializer(serializers.ModelSerializer):
    token = serializers.SerializerMethodField(
        help_text="The secret. Shown this once; RoleMatch keeps only its hash."
    )
    organisation = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "token", "organisation", "created_at"]
        read_only_fields = fields

    def get_token(self, token: ApiToken) -> str:
        # The secret exists only in the response that creates the token: it comes in context.
        return str(self.context["secret"])


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "first_name", "last_name", "role", "joined_at"]
        read_only_fields = fields
