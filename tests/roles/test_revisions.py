"""Draft revisions of a live role page: the services behind the admin's staged edits."""

from __future__ import annotations

import pytest

from roles import selectors, services
from roles.models import Role, RoleSkill
from tests.roles.factories import make_role

pytestmark = pytest.mark.django_db


def test_a_revision_copies_the_page_and_asking_again_returns_the_same_one(staff, alice_org) -> None:
    live = make_role("Data Engineer")
    draft = services.role_revision_start(role=live, actor=staff)
    assert services.role_revision_start(role=live, actor=staff) == draft
    assert (draft.title, draft.status, draft.draft_of) == (live.title, "draft", live)
    assert draft.slug != live.slug
    assert draft.role_skills.count() == live.role_skills.count()
    assert services.role_revision_changes(draft=draft) == []
    # Nobody outside the admin sees a revision.
    assert list(selectors.role_list_public()) == [live]
    assert draft not in selectors.role_list_for_org(org=alice_org)


def test_publishing_a_revision_updates_the_live_role_in_place_as_a_new_version(staff) -> None:
    live = make_role("Data Engineer", skills=[("Python", 5, True), ("Rust", 2, False)])
    draft = services.role_revision_start(role=live, actor=staff)
    draft.summary = "A new summary."
    draft.save()
    draft.role_skills.filter(skill__name="Rust").delete()
    RoleSkill.objects.filter(role=draft, skill__name="Python").update(weight=4)
    assert services.role_revision_changes(draft=draft) == [
        "Summary changed",
        "Key skills: Rust removed",
        "Key skills: Python weight 5, must-have \N{RIGHTWARDS ARROW} weight 4, must-have",
    ]

    published = services.role_revision_publish(draft=draft, actor=staff)
    assert (published.pk, published.slug, published.version) == (live.pk, live.slug, 2)
    assert published.summary == "A new summary."
    assert [(rs.skill.name, rs.weight) for rs in published.role_skills.all()] == [("Python", 4)]
    assert not Role.objects.filter(pk=draft.pk).exists()
    reasons = list(Role.history.filter(id=live.pk).values_list("history_change_reason", flat=True))
    assert "Published as version 2" in reasons
    assert any(r and r.startswith("Draft revision published") for r in reasons)


def test_discarding_a_revision_leaves_the_live_page_alone(staff) -> None:
    live = make_role("Data Engineer")
    draft = services.role_revision_start(role=live, actor=staff)
    draft.summary = "Not kept."
    draft.save()
    services.role_revision_discard(draft=draft, actor=staff)
    live.refresh_from_db()
    assert live.version == 1
    assert live.summary != "Not kept."
    assert not Role.objects.filter(draft_of=live).exists()
    reasons = Role.history.filter(id=live.pk).values_list("history_change_reason", flat=True)
    assert any(r and r.startswith("Draft revision discarded") for r in reasons)


def test_only_a_published_page_takes_a_revision(staff) -> None:
    draft_role = make_role("Quantum Engineer", status=Role.Status.DRAFT)
    with pytest.raises(services.RevisionError):
        services.role_revision_start(role=draft_role, actor=staff)
