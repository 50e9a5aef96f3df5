import io
import json
import zipfile
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from accounts import privacy
from accounts.exceptions import AccountsError
from accounts.models import AuditEvent, Membership, Organisation, User
from accounts.services import account_delete, audit_record, organisation_delete


@pytest.fixture
def registered() -> Iterator[dict[str, list[int]]]:
    """A stand-in higher app that registers an exporter and an eraser, as one would in ready()."""
    calls: dict[str, list[int]] = {"erased": []}

    def export(org: Organisation) -> Iterator[tuple[str, bytes]]:
        yield "candidates.csv", f"name\nCandidate of {org.name}\n".encode()
        yield "files/resume.txt", b"original resume bytes"

    def erase(org: Organisation) -> None:
        calls["erased"].append(org.pk)

    privacy.register_exporter("stand_in", export)
    privacy.register_eraser("stand_in", erase)
    yield calls
    privacy.unregister("stand_in")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_an_owner_exports_the_organisation_as_a_zip_with_every_registered_part(
    alice,
    alice_org,
    bob,
    registered,
) -> None:
    response = signed_in(alice).get(reverse("privacy_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    # Streamed from a file, never built in the response's memory.
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {
        "accounts/organisation.json",
        "accounts/members.csv",
        "accounts/api_tokens.csv",
        "stand_in/candidates.csv",
        "stand_in/files/resume.txt",
        "manifest.json",
    } <= names
    assert json.loads(archive.read("accounts/organisation.json"))["name"] == "Alice Recruiting"
    members = archive.read("accounts/members.csv").decode()
    assert "alice@example.com,,,owner" in members
    assert "bob@example.com,,,recruiter" in members
    assert archive.read("stand_in/files/resume.txt") == b"original resume bytes"
    assert AuditEvent.objects.filter(
        organisation=alice_org, action="organisation.exported", actor_email="alice@example.com"
    ).exists()


@pytest.mark.django_db
def test_a_recruiter_cannot_export_or_delete_the_organisation(alice_org, bob) -> None:
    client = signed_in(bob)

    export = client.get(reverse("privacy_export"))
    delete = client.post(reverse("privacy_organisation_delete"), {"confirm": "Alice Recruiting"})

    assert export.status_code == 302
    assert delete.status_code == 302
    assert Organisation.objects.filter(pk=alice_org.pk).exists()
    assert b"Download the export" not in client.get(reverse("privacy")).content


@pytest.mark.django_db
def test_deleting_the_organisation_runs_every_eraser_and_keeps_an_audit_record(
    alice,
    alice_org,
    bob,
    registered,
) -> None:
    org_pk = alice_org.pk
    audit_record(action="billing.trial_granted", org=alice_org, actor=alice)

    response = signed_in(alice).post(
        reverse("privacy_organisation_delete"), {"confirm": "Alice Recruiting"}
    )

    assert response["Location"] == reverse("organisation_start")
    assert registered["erased"] == [org_pk]
    assert not Organisation.objects.filter(pk=org_pk).exists()
    assert not Membership.objects.filter(user__in=[alice, bob]).exists()
    event = AuditEvent.objects.get(action="organisation.deleted")
    assert event.organisation is None
    assert event.organisation_ref == org_pk
    assert event.organisation_name == "Alice Recruiting"
    assert event.actor_email == "alice@example.com"
    assert "stand_in" in event.detail["erasers"]
    assert sorted(event.detail["members"]) == ["alice@example.com", "bob@example.com"]
    # Logins survive; the people can start again or be invited elsewhere.
    assert User.objects.filter(email__in=["alice@example.com", "bob@example.com"]).count() == 2


@pytest.mark.django_db
def test_deleting_the_organisation_needs_its_name_typed(alice, alice_org, registered) -> None:
    response = signed_in(alice).post(
        reverse("privacy_organisation_delete"), {"confirm": "yes"}, follow=True
    )

    assert "Type “Alice Recruiting” exactly to confirm.".encode() in response.content
    assert Organisation.objects.filter(pk=alice_org.pk).exists()
    assert registered["erased"] == []


@pytest.mark.django_db
def test_a_recruiter_deleting_their_account_leaves_the_organisation_intact(
    alice_org,
    bob,
) -> None:
    client = signed_in(bob)

    response = client.post(reverse("privacy_account_delete"), {"confirm": "delete my account"})

    assert response["Location"] == reverse("home")
    assert not User.objects.filter(email="bob@example.com").exists()
    assert Organisation.objects.filter(pk=alice_org.pk).exists()
    assert AuditEvent.objects.filter(action="account.deleted", actor_email="bob@example.com")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_last_member_deleting_their_account_deletes_the_organisation(
    charlie,
    charlie_org,
    registered,
) -> None:
    org_pk = charlie_org.pk

    account_delete(user=charlie)

    assert registered["erased"] == [org_pk]
    assert not Organisation.objects.filter(pk=org_pk).exists()
    assert not User.objects.filter(email="charlie@example.org").exists()
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "organisation.deleted",
        "account.deleted",
    }


@pytest.mark.django_db
def test_an_owner_with_teammates_must_transfer_ownership_before_leaving(
    alice,
    alice_org,
    bob,
) -> None:
    with pytest.raises(AccountsError, match="Transfer ownership"):
        account_delete(user=alice)

    assert User.objects.filter(pk=alice.pk).exists()
    assert Organisation.objects.filter(pk=alice_org.pk).exists()


@pytest.mark.django_db
def test_a_failing_eraser_leaves_the_organisation_in_place(alice, alice_org) -> None:
    def broken(org: Organisation) -> None:
        raise OSError("storage unavailable")

    privacy.register_eraser("broken", broken)
    try:
        with pytest.raises(OSError, match="storage unavailable"):
            organisation_delete(org=alice_org, actor=alice)
    finally:
        privacy.unregister("broken")

    assert Organisation.objects.filter(pk=alice_org.pk).exists()
    assert not AuditEvent.objects.filter(action="organisation.deleted").exists()


def test_it_refuses_a_registry_name_that_is_not_a_folder_name() -> None:
    with pytest.raises(ValueError, match="plain folder name"):
        privacy.register_exporter("../escape", lambda org: [])
