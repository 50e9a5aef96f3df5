import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.authentication import BearerTokenAuthentication
from accounts.models import ApiToken, AuditEvent
from accounts.services import api_token_create, api_token_revoke, member_remove


class WhoAmIApi(APIView):
    """A stand-in endpoint: reports who the request acts as, and in which organisation."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"email": request.user.email, "organisation": request.organisation.pk})


def call(secret: str, ip: str = "203.0.113.5") -> Response:
    request = APIRequestFactory().get(
        "/api/v1/whoami", HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=ip
    )
    return WhoAmIApi.as_view()(request)


@pytest.mark.django_db
def test_a_token_is_stored_only_as_a_hash_and_acts_for_its_user_in_its_organisation(
    alice,
    alice_org,
) -> None:
    token, secret = api_token_create(user=alice, org=alice_org, name="ATS sync")

    assert secret.startswith("rm_")
    assert len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.token_hash, token.name}
    assert secret.startswith(token.prefix)

    response = call(secret)

    assert response.status_code == 200
    assert response.data == {"email": "alice@example.com", "organisation": alice_org.pk}
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_a_revoked_token_is_refused(alice, alice_org) -> None:
    token, secret = api_token_create(user=alice, org=alice_org, name="old script")
    api_token_revoke(token=token, actor=alice)

    response = call(secret)

    assert response.status_code == 401
    assert "revoked" in str(response.data["detail"])
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_a_removed_members_token_is_refused_even_if_it_escaped_revocation(
    alice,
    alice_org,
    bob,
) -> None:
    _, secret = api_token_create(user=bob, org=alice_org, name="bob")
    member_remove(org=alice_org, actor=alice, membership=bob.membership)
    ApiToken.objects.update(revoked_at=None)

    assert call(secret).status_code == 401


@pytest.mark.django_db
def test_a_made_up_token_is_refused(alice) -> None:
    assert call("rm_" + "x" * 43).status_code == 401
    assert call("not-even-our-format").status_code == 401


@pytest.mark.django_db
def test_repeated_bad_tokens_from_one_address_get_429_with_retry_after(
    alice,
    alice_org,
    settings,
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_auth_failed": "3/600"}
    for _ in range(3):
        assert call("rm_guess").status_code == 401

    response = call("rm_guess")

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 600
    assert call("rm_guess", ip="192.0.2.44").status_code == 401


@pytest.mark.django_db
def test_twenty_bad_tokens_from_an_address_never_lock_out_a_valid_token_there(
    alice, alice_org
) -> None:
    _, secret = api_token_create(user=alice, org=alice_org, name="real")
    statuses = [call(f"rm_guess{n}").status_code for n in range(21)]

    response = call(secret)

    assert statuses == [401] * 20 + [429]
    assert response.status_code == 200
    assert response.data["email"] == "alice@example.com"


@pytest.mark.django_db
def test_the_token_page_shows_a_new_token_once(alice, alice_org) -> None:
    client = Client()
    client.force_login(alice)

    created = client.post(reverse("api_tokens"), {"name": "ATS sync"})

    token = ApiToken.objects.get()
    secret = created.context["created"]["secret"]
    assert secret.encode() in created.content
    assert "no-store" in created["Cache-Control"]
    later = client.get(reverse("api_tokens"))
    assert secret.encode() not in later.content
    assert token.prefix.encode() in later.content
    assert AuditEvent.objects.filter(action="api_token.created").exists()


@pytest.mark.django_db
def test_a_token_is_revoked_from_the_page(alice, alice_org) -> None:
    token, secret = api_token_create(user=alice, org=alice_org, name="ATS sync")
    client = Client()
    client.force_login(alice)

    response = client.post(reverse("api_token_revoke", kwargs={"pk": token.pk}), follow=True)

    assert "Token “ATS sync” revoked".encode() in response.content
    assert call(secret).status_code == 401


@pytest.mark.django_db
def test_the_project_api_accepts_bearer_tokens(settings) -> None:
    assert (
        "accounts.authentication.BearerTokenAuthentication"
        in settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    )
