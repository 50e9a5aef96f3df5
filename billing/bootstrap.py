from __future__ import annotations

from billing.models import CreditPack, Pricing

DEFAULT_PACKS = [
    ("Starter", 1_000),
    ("Team", 2_500),
    ("Agency", 10_000),
]


def ensure_default_pricing() -> str:
    """Creates the pricing row and the default packs once; never overwrites staff edits."""
    _, pricing_created = Pricing.objects.get_or_create(singleton=1)
    created = 0
    if not CreditPack.objects.exists():
        for order, (name, cents) in enumerate(DEFAULT_PACKS):
            CreditPack.objects.create(
                name=name, price_cents=cents, credits_cents=cents, order=order
            )
            created += 1
    parts = ["pricing created" if pricing_created else "pricing kept"]
    parts.append(f"{created} credit packs created" if created else "credit packs kept")
    return ", ".join(parts)
