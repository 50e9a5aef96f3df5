import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.adapter import PENDING_INVITATION_SESSION_KEY
from accounts.models import Membership, User
from accounts.services import invitation_create

PASSWORD = "a-long-enough-passphrase-42"


def signup(client: Client, email: str, **extra: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra},
    )


def verification_link() -> str:
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).split("/accounts/", 1)[1]


@pytest.mark.django_db
def test_it_gives_a_new_account_its_own_organisation_named_after_the_domain(
    client: Client,
) -> None:
    response = signup(client, "jane@acme-robotics.com")

    assert response.status_code == 302
    user = User.objects.get(email="jane@acme-robotics.com")
    assert user.membership.role == Membership.Role.OWNER
    assert user.membership.organisation.name == "Acme Robotics"
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_it_uses_the_organisation_name_typed_at_signup(client: Client) -> None:
    signup(client, "jane@example.com", organisation_name="Northwind Hiring")

    assert User.objects.get(email="jane@example.com").membership.organisation.name == (
        "Northwind Hiring"
    )


@pytest.mark.django_db
def test_it_requires_a_verified_email_before_the_dashboard(client: Client) -> None:
    signup(client, "jane@example.com")
    assert len(mail.outbox) == 1
    assert "verify your email" in mail.outbox[0].body.lower()

    login = client.post(
        reverse("account_login"), {"login": "jane@example.com", "password": PASSWORD}
    )
    assert login.status_code == 302
    assert login["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302

    confirm_url = "/accounts/" + verification_link()
    response = client.post(confirm_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert EmailAddress.objects.get(email="jane@example.com").verified
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert b"Your next step" in page.content


@pytest.mark.django_db
def test_it_hashes_passwords_with_argon2(client: Client, settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    signup(client, "jane@example.com")

    assert User.objects.get(email="jane@example.com").password.startswith("argon2$")


@pytest.mark.django_db
def test_it_limits_signups_per_normalised_email(client: Client, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_email": "2/3600"}
    signup(client, "jane.doe@gmail.com")
    signup(Client(), "janedoe+2@gmail.com")

    response = signup(Client(), "j.anedoe+3@gmail.com")

    assert response.status_code == 200
    assert b"Several accounts were created with this email address" in response.content
    assert b"Try again in 60 minutes" in response.content
    assert not User.objects.filter(email="j.anedoe+3@gmail.com").exists()


@pytest.mark.django_db
def test_a_person_invited_before_signing_up_joins_the_inviting_organisation(
    client: Client,
    alice,
    alice_org,
) -> None:
    _, token = invitation_create(org=alice_org, actor=alice, email="dana@example.com")

    page = client.get(reverse("invitation_accept", kwargs={"token": token}))
    assert page.status_code == 200
    assert client.session[PENDING_INVITATION_SESSION_KEY] == token
    signup(client, "dana@example.com")

    dana = User.objects.get(email="dana@example.com")
    assert dana.membership.organisation == alice_org
    assert dana.membership.role == Membership.Role.RECRUITER


@pytest.mark.django_db
def test_a_pending_invitation_for_another_address_does_not_capture_a_signup(
    client: Client,
    alice,
    alice_org,
) -> None:
    _, token = invitation_create(org=alice_org, actor=alice, email="dana@example.com")
    client.get(reverse("invitation_accept", kwargs={"token": token}))

    signup(client, "eve@example.com")

    assert User.objects.get(email="eve@example.com").membership.organisation != alice_org
