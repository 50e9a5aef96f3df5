"""Edits of an organisation's own role that arrive at once: each keeps its change."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from roles.job_description import role_create_from_job_description
from roles.models import Role
from roles.services import custom_role_update
from tests.roles.factories import skill

AD = (
    "Platform engineer for our booking service.\n"
    "Requirements:\n- Python (required)\n- Incident management: on call one week in six\n"
    "Nice to have:\n- Vendor negotiation\n"
)


@pytest.mark.django_db(transaction=True)
def test_recruiters_saving_at_once_all_keep_their_changes_and_each_gets_a_version(
    postgres, alice, alice_org
):
    skill("Python")
    role = role_create_from_job_description(org=alice_org, user=alice, text=AD, title="Platform")
    first = Role.objects.get(pk=role.pk).version
    changes = [
        {"Incident management": {"weight": 5}},
        {"Incident management": {"must_have": True}},
        {"Vendor negotiation": {"weight": 2}},
        {"Vendor negotiation": {"min_years": 3}},
    ]
    errors: list[BaseException] = []
    start = threading.Barrier(len(changes))

    def save(change: dict) -> None:
        try:
            # Each its own copy of the role, read before any of the others saved.
            mine = Role.objects.get(pk=role.pk)
            start.wait()
            custom_role_update(role=mine, actor=alice, listed=change)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(c,)) for c in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    role.refresh_from_db()
    assert role.listed_skill_changes == {
        "incident management": {"weight": 5, "must_have": True},
        "vendor negotiation": {"weight": 2, "min_years": 3},
    }
    assert role.version == first + len(changes)
