import pytest
from django.core.cache import cache

from billing.bootstrap import ensure_default_pricing
from billing.models import CreditPack
from tests.billing.stripe_support import localstripe, stripe_on, webhook_secret

__all__ = ["localstripe", "stripe_on", "webhook_secret"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def packs(db) -> list[CreditPack]:
    ensure_default_pricing()
    return list(CreditPack.objects.order_by("price_cents"))
