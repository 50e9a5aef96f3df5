"""API representations of credits. Money is always integer US cents."""

from __future__ import annotations

from rest_framework import serializers

from billing.models import CreditPack, LedgerEntry, Purchase


class BalanceSerializer(serializers.Serializer):
    balance_cents = serializers.IntegerField(read_only=True)
    price_per_candidate_cents = serializers.IntegerField(read_only=True)
    candidates = serializers.IntegerField(
        read_only=True, help_text="How many candidates the balance pays to score."
    )
    blocked = serializers.BooleanField(
        read_only=True,
        help_text="True when a refund or dispute took the balance below zero: no new matches.",
    )
    payments_enabled = serializers.BooleanField(
        read_only=True, help_text="Whether credits can be bought here (Stripe configured)."
    )


class LedgerEntrySerializer(serializers.ModelSerializer):
    actor_email = serializers.CharField(
        read_only=True, help_text="Who made the change; empty for the system (webhooks, tasks)."
    )

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "amount_cents",
            "balance_after_cents",
            "reference",
            "note",
            "actor_email",
            "created_at",
        ]
        read_only_fields = fields


class CreditPackSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditPack
        fields = ["id", "name", "price_cents", "credits_cents"]
        read_only_fields = fields


class CheckoutInSerializer(serializers.Serializer):
    pack = serializers.PrimaryKeyRelatedField(
        queryset=CreditPack.objects.filter(active=True),
        help_text="The id of an active credit pack (GET /api/v1/credits/packs/).",
    )


class CheckoutSessionSerializer(serializers.ModelSerializer):
    purchase_id = serializers.IntegerField(source="pk", read_only=True)
    checkout_url = serializers.URLField(
        read_only=True, help_text="Send the buyer here; credits arrive once Stripe confirms."
    )

    class Meta:
        model = Purchase
        fields = [
            "purchase_id",
            "pack_name",
            "price_cents",
            "credits_cents",
            "status",
            "checkout_session_id",
            "checkout_url",
            "created_at",
        ]
        read_only_fields = fields
