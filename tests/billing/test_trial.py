import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from billing import selectors, services
from billing.models import LedgerEntry, Pricing, TrialClaim

PASSWORD = "a-long-enough-passphrase-42"


def sign_up_and_verify(email: str) -> Organisation:
    client = Client()
    response = client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content
    match = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    assert client.post(match.group(1)).status_code == 302
    assert EmailAddress.objects.get(email__iexact=email).verified
    return User.objects.get(email__iexact=email).membership.organisation


@pytest.mark.django_db
def test_verifying_the_email_grants_three_dollars_of_trial_credit() -> None:
    org = sign_up_and_verify("Jane.Doe@gmail.com")

    assert selectors.balance_cents(org=org) == 300
    entry = LedgerEntry.objects.get(organisation=org)
    assert entry.kind == LedgerEntry.Kind.TRIAL_GRANT
    assert TrialClaim.objects.get().email_normalised == "janedoe@gmail.com"


@pytest.mark.django_db
def test_the_same_person_signing_up_again_with_a_dot_or_tag_variant_gets_nothing() -> None:
    first = sign_up_and_verify("jane.doe@gmail.com")
    second = sign_up_and_verify("JaneDoe+again@googlemail.com")

    assert selectors.balance_cents(org=first) == 300
    assert selectors.balance_cents(org=second) == 0
    assert TrialClaim.objects.count() == 1


@pytest.mark.django_db
def test_nothing_is_granted_before_the_email_is_verified(client: Client) -> None:
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    org = User.objects.get(email="new@example.com").membership.organisation

    assert selectors.balance_cents(org=org) == 0


def test_an_organisation_gets_one_trial_even_if_a_teammate_verifies_too(
    alice: User, alice_org: Organisation, bob: User
) -> None:
    assert services.trial_grant(user=alice, org=alice_org) is True
    assert services.trial_grant(user=bob, org=alice_org) is False
    assert services.trial_grant(user=alice, org=alice_org) is False

    assert selectors.balance_cents(org=alice_org) == 300


def test_deleting_the_organisation_does_not_make_the_address_eligible_again(
    alice: User, alice_org: Organisation
) -> None:
    services.trial_grant(user=alice, org=alice_org)
    alice_org.delete()
    again = Organisation.objects.create(name="Alice Again")

    assert services.trial_grant(user=alice, org=again) is False
    assert selectors.balance_cents(org=again) == 0


def test_the_database_refuses_a_second_claim_for_one_address(alice_org: Organisation) -> None:
    TrialClaim.objects.create(email_normalised="x@example.com", organisation=alice_org, cents=300)
    with pytest.raises(IntegrityError):
        TrialClaim.objects.create(email_normalised="x@example.com", cents=300)


def test_the_trial_amount_follows_the_pricing_staff_set(
    alice: User, alice_org: Organisation, packs: list[object]
) -> None:
    Pricing.objects.update(trial_credits_cents=500)

    services.trial_grant(user=alice, org=alice_org)

    assert selectors.balance_cents(org=alice_org) == 500


@pytest.mark.django_db
def test_create_recruiter_makes_a_verified_owner_with_the_trial_and_extra_credit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command(
        "create_recruiter",
        "demo@example.com",
        "--password",
        PASSWORD,
        "--org",
        "Demo Staffing",
        "--credits-cents",
        "1000",
    )

    user = User.objects.get(email="demo@example.com")
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    org = user.membership.organisation
    assert org.name == "Demo Staffing"
    assert user.membership.is_owner
    assert selectors.balance_cents(org=org) == 1300
    kinds = set(LedgerEntry.objects.filter(organisation=org).values_list("kind", flat=True))
    assert kinds == {"trial_grant", "adjustment"}
    out = capsys.readouterr().out
    assert "Created verified recruiter demo@example.com" in out
    assert "Granted the free trial: $3.00." in out
    assert "Added $10.00 of extra credit" in out
    assert "Balance: $13.00." in out

    client = Client()
    assert client.login(email="demo@example.com", password=PASSWORD)
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_create_recruiter_refuses_an_existing_email_and_changes_nothing() -> None:
    call_command("create_recruiter", "demo@example.com", "--password", PASSWORD, "--org", "One")

    with pytest.raises(CommandError, match="already exists"):
        call_command("create_recruiter", "DEMO@example.com", "--password", PASSWORD, "--org", "Two")

    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_create_recruiter_gives_no_second_trial_to_an_address_variant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("create_recruiter", "a.b@gmail.com", "--password", PASSWORD, "--org", "One")
    call_command("create_recruiter", "ab+2@gmail.com", "--password", PASSWORD, "--org", "Two")

    assert "No free trial: this email address already had one." in capsys.readouterr().out
    two = Organisation.objects.get(name="Two")
    assert selectors.balance_cents(org=two) == 0


@pytest.mark.django_db
def test_create_recruiter_explains_a_weak_password() -> None:
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_recruiter", "demo@example.com", "--password", "short", "--org", "X")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_second_trial_is_refused_out_loud_in_the_email_and_on_the_dashboard() -> None:
    sign_up_and_verify("name@example.com")
    first_email = mail.outbox[-1].body
    assert "Your $3.00 of free credits are added" in first_email
    assert "once per person" not in first_email

    client = Client()
    client.post(
        reverse("account_signup"),
        {"email": "name+x@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    email = mail.outbox[-1].body
    assert "free credits are added" not in email
    assert "The free trial is once per person" in email
    assert "name+x@example.com counts as the same person" in email
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", email)
    assert link
    client.post(link.group(1))

    html = client.get(reverse("dashboard")).content.decode()
    assert "$0.00" in html
    assert "data-trial-refused" in html
    assert "The free trial is once per person" in html


@pytest.mark.django_db
def test_the_first_account_is_told_nothing_about_refusals() -> None:
    org = sign_up_and_verify("solo@example.com")
    client = Client()
    client.force_login(User.objects.get(email="solo@example.com"))
    html = client.get(reverse("dashboard")).content.decode()
    assert selectors.balance_cents(org=org) == 300
    assert "data-trial-refused" not in html
