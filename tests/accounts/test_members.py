import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import AccountsError
from accounts.models import ApiToken, AuditEvent, Invitation, Membership
from accounts.services import (
    api_token_create,
    invitation_accept,
    invitation_create,
    member_remove,
    ownership_transfer,
)
from tests.conftest import make_user


@pytest.fixture
def alice_client(client: Client, alice) -> Client:
    client.force_login(alice)
    return client


def invite_link_token(body: str) -> str:
    match = re.search(r"/invitations/([^/\s]+)/", body)
    assert match, body
    return match.group(1)


@pytest.mark.django_db
def test_an_owner_invites_a_teammate_by_email_and_the_link_joins_them(
    alice_client: Client,
    alice_org,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("invitation_create"), {"email": "dana@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@example.com"]
    assert "Alice Recruiting" in mail.outbox[0].subject
    token = invite_link_token(mail.outbox[0].body)
    invitation = Invitation.objects.get(email="dana@example.com")
    assert token not in invitation.token_hash  # only the hash is kept

    dana = make_user("dana@example.com")
    dana_client = Client()
    dana_client.force_login(dana)
    page = dana_client.get(reverse("invitation_accept", kwargs={"token": token}))
    assert b"Join Alice Recruiting" in page.content
    accepted = dana_client.post(reverse("invitation_accept", kwargs={"token": token}))

    assert accepted["Location"] == reverse("dashboard")
    dana.refresh_from_db()
    assert dana.membership.organisation == alice_org
    assert dana.membership.role == Membership.Role.RECRUITER
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == dana


@pytest.mark.django_db
def test_it_refuses_an_invitation_to_someone_who_already_has_an_organisation(
    alice,
    alice_org,
    charlie,
    charlie_org,
) -> None:
    _, token = invitation_create(org=alice_org, actor=alice, email="charlie@example.org")

    with pytest.raises(AccountsError, match="already belong to Charlie Talent") as refused:
        invitation_accept(token=token, user=charlie)

    assert "one organisation only" in refused.value.message
    charlie.refresh_from_db()
    assert charlie.membership.organisation == charlie_org


@pytest.mark.django_db
def test_the_refusal_is_shown_on_the_invitation_page(alice, alice_org, charlie) -> None:
    _, token = invitation_create(org=alice_org, actor=alice, email="charlie@example.org")
    client = Client()
    client.force_login(charlie)

    response = client.post(reverse("invitation_accept", kwargs={"token": token}), follow=True)

    assert b"You already belong to Charlie Talent" in response.content


@pytest.mark.django_db
def test_it_refuses_an_expired_invitation(alice, alice_org) -> None:
    _, token = invitation_create(org=alice_org, actor=alice, email="dana@example.com")
    dana = make_user("dana@example.com")

    with (
        time_machine.travel(timezone.now() + timedelta(days=8)),
        pytest.raises(AccountsError, match="expired"),
    ):
        invitation_accept(token=token, user=dana)
    assert not Membership.objects.filter(user=dana).exists()


@pytest.mark.django_db
def test_it_refuses_an_invitation_opened_by_a_different_address(alice, alice_org) -> None:
    _, token = invitation_create(org=alice_org, actor=alice, email="dana@example.com")
    eve = make_user("eve@example.com")

    with pytest.raises(AccountsError, match=r"sent to dana@example\.com"):
        invitation_accept(token=token, user=eve)


@pytest.mark.django_db
def test_an_invitation_works_once(alice, alice_org) -> None:
    _, token = invitation_create(org=alice_org, actor=alice, email="dana@example.com")
    dana = make_user("dana@example.com")
    invitation_accept(token=token, user=dana)

    with pytest.raises(AccountsError, match="already been used"):
        invitation_accept(token=token, user=dana)


@pytest.mark.django_db
def test_a_withdrawn_invitation_no_longer_works(alice_client: Client, alice, alice_org) -> None:
    invitation, token = invitation_create(org=alice_org, actor=alice, email="dana@example.com")
    alice_client.post(reverse("invitation_revoke", kwargs={"pk": invitation.pk}))

    with pytest.raises(AccountsError, match="not valid"):
        invitation_accept(token=token, user=make_user("dana@example.com"))


@pytest.mark.django_db
def test_only_the_owner_manages_the_team(alice_org, bob) -> None:
    client = Client()
    client.force_login(bob)

    response = client.post(reverse("invitation_create"), {"email": "x@example.com"}, follow=True)

    assert b"Only the organisation&#x27;s owner can do that." in response.content
    assert not Invitation.objects.exists()
    with pytest.raises(AccountsError, match="Only the organisation's owner"):
        invitation_create(org=alice_org, actor=bob, email="x@example.com")
    page = client.get(reverse("members"))
    assert page.status_code == 200
    assert b"Invite a teammate" not in page.content


@pytest.mark.django_db
def test_an_owner_removes_a_member_and_their_tokens_stop_working(
    alice_client: Client,
    alice_org,
    bob,
) -> None:
    token, _ = api_token_create(user=bob, org=alice_org, name="bob's script")

    response = alice_client.post(
        reverse("member_remove", kwargs={"pk": bob.membership.pk}), follow=True
    )

    assert b"bob@example.com no longer has access" in response.content
    assert not Membership.objects.filter(user=bob).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    bob_client = Client()
    bob_client.force_login(bob)
    assert bob_client.get(reverse("dashboard"))["Location"] == reverse("organisation_start")


@pytest.mark.django_db
def test_an_owner_cannot_remove_themself(alice, alice_org) -> None:
    with pytest.raises(AccountsError, match="Transfer ownership"):
        member_remove(org=alice_org, actor=alice, membership=alice.membership)


@pytest.mark.django_db
def test_transferring_ownership_leaves_exactly_one_owner(
    alice_client: Client,
    alice,
    alice_org,
    bob,
) -> None:
    alice_client.post(reverse("ownership_transfer", kwargs={"pk": bob.membership.pk}))

    owners = Membership.objects.filter(organisation=alice_org, role=Membership.Role.OWNER)
    assert list(owners.values_list("user__email", flat=True)) == ["bob@example.com"]
    alice.membership.refresh_from_db()
    assert alice.membership.role == Membership.Role.RECRUITER
    assert AuditEvent.objects.filter(action="organisation.ownership_transferred").exists()
    # The former owner can no longer transfer it back.
    with pytest.raises(AccountsError, match="Only the organisation's owner"):
        ownership_transfer(org=alice_org, actor=alice, to=alice.membership)


@pytest.mark.django_db
def test_ownership_cannot_go_to_someone_outside_the_organisation(
    alice,
    alice_org,
    charlie,
) -> None:
    with pytest.raises(AccountsError, match="not a member"):
        ownership_transfer(org=alice_org, actor=alice, to=charlie.membership)


@pytest.mark.django_db
def test_the_database_refuses_a_second_owner(alice_org, bob) -> None:
    bob.membership.role = Membership.Role.OWNER
    with pytest.raises(IntegrityError), transaction.atomic():
        bob.membership.save()


@pytest.mark.django_db
def test_an_organisation_without_members_left_can_be_started_again(bob, alice_org) -> None:
    bob.membership.delete()
    client = Client()
    client.force_login(bob)

    response = client.post(reverse("organisation_start"), {"name": "Bob Search"})

    assert response["Location"] == reverse("dashboard")
    bob.refresh_from_db()
    assert bob.membership.organisation.name == "Bob Search"
    assert bob.membership.is_owner
    assert ApiToken.objects.count() == 0
