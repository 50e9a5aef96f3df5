"""The README's commands for the first administrator and for a curator, run as written."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_commands() -> list[list[str]]:
    lines = re.findall(r"^\s*(python manage\.py create_curator [^#\n]*)", README.read_text(), re.M)
    return [shlex.split(line)[2:] for line in lines]


def test_the_readme_names_one_command_for_both_cases() -> None:
    commands = readme_commands()
    assert [c[:1] for c in commands] == [["create_curator"], ["create_curator"]]
    assert "--superuser" in commands[0]


def test_the_first_admin_and_a_recruiter_curator_as_the_readme_says(
    alice: User, monkeypatch
) -> None:
    first, second = readme_commands()
    # The first command asks for a password on a terminal.
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    call_command(*first)
    admin = User.objects.get(email=first[1])
    assert admin.is_staff
    assert admin.is_superuser

    # The second makes an existing recruiter (alice plays the part) a curator.
    recruiter = User.objects.get(email="alice@example.com")
    recruiter.email = second[1]
    recruiter.save()
    call_command(*second)
    recruiter.refresh_from_db()
    assert recruiter.is_staff
    assert not recruiter.is_superuser
    assert recruiter.check_password(PASSWORD)  # the password is left alone
    assert recruiter.membership.organisation.name == "Alice Recruiting"

    client = Client()
    assert client.login(email=second[1], password=PASSWORD)
    assert client.get("/admin/roles/role/").status_code == 200
    assert client.get("/admin/roles/role/add/").status_code == 200
    assert client.get("/admin/roles/skill/").status_code == 200
    # Curating roles gives no say over credits or accounts.
    assert client.get("/admin/billing/ledgerentry/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403

    client = Client()
    assert client.login(email=first[1], password=PASSWORD)
    assert client.get("/admin/accounts/user/").status_code == 200


def test_a_new_account_without_a_terminal_needs_a_password(monkeypatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    with pytest.raises(CommandError, match="--password"):
        call_command("create_curator", "new@example.com")
    call_command("create_curator", "new@example.com", "--password", PASSWORD)
    assert User.objects.get(email="new@example.com").is_staff
    with pytest.raises(CommandError, match="valid email"):
        call_command("create_curator", "not-an-email", "--password", PASSWORD)
