"""Reverting a role restores the whole page (fields and every section) as it was at a moment."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from roles.models import (
    EvaluationCriterion,
    InterviewTopic,
    Responsibility,
    Role,
    RoleSkill,
    SalaryRange,
)
from roles.services import RevertError, role_revert, role_revert_plan, role_skill_set
from tests.roles.factories import make_role, skill
from tests.roles.test_admin_curation import _form_data

pytestmark = pytest.mark.django_db


def page(role: Role) -> dict[str, Any]:
    """Everything a reader of the page sees, in a comparable form."""
    role = Role.objects.get(pk=role.pk)
    return {
        "fields": {
            name: getattr(role, name)
            for name in [
                "title",
                "slug",
                "family",
                "alternate_titles",
                "summary",
                "description",
                "day_in_the_life",
                "salary_context",
                "onet_code",
                "source_note",
            ]
        },
        "skills": sorted(
            role.role_skills.values_list("skill__name", "weight", "must_have", "min_years")
        ),
        "responsibilities": list(role.responsibilities.values_list("order", "text")),
        "criteria": list(role.evaluation_criteria.values_list("order", "title", "guidance")),
        "topics": [
            (t.order, t.title, t.questions, t.skill_id) for t in role.interview_topics.all()
        ],
        "salaries": list(
            role.salary_ranges.values_list("level", "currency", "min_amount", "max_amount")
        ),
    }


def edit_in_two_steps(role: Role) -> None:
    role.summary = "Second summary."
    role.alternate_titles = ["Applied Scientist"]
    role.save()
    role_skill_set(role=role, skill=skill("Kubernetes"), weight=5, must_have=True)
    role_skill_set(role=role, skill=skill("Terraform"), weight=2)
    Responsibility.objects.create(role=role, text="Write the on-call runbook", order=5)
    topic = role.interview_topics.get()
    topic.questions = ["A different question?"]
    topic.save()
    role.salary_ranges.filter(level="Senior").delete()

    role.title = "Renamed Engineer"
    role.save()
    RoleSkill.objects.filter(role=role, skill__name="Python").delete()
    role.responsibilities.filter(order=0).update(text="Rewritten first duty")
    criterion = role.evaluation_criteria.get()
    criterion.guidance = "New guidance."
    criterion.save()
    InterviewTopic.objects.create(role=role, title="Feature stores", questions=["Why?"])
    SalaryRange.objects.create(
        role=role, level="Lead", currency="EUR", min_amount=1, max_amount=2, order=3
    )


def test_it_restores_every_section_as_it_was_at_the_chosen_moment(staff: User) -> None:
    role = make_role("Data Engineer", status=Role.Status.DRAFT)
    before = page(role)
    moment = timezone.now()
    edit_in_two_steps(role)
    assert page(role) != before

    reverted = role_revert(role=role, to=moment, actor=staff)

    assert page(reverted) == before
    latest = reverted.history.order_by("-history_date").first()
    assert latest.history_user == staff
    assert latest.history_change_reason.startswith("Reverted to ")
    assert latest.history_change_reason.endswith("by curator@rolematch.test")
    # Each restored row's own history says who put it back.
    restored = Responsibility.history.filter(role_id=role.pk, history_type="+").latest(
        "history_date"
    )
    assert restored.history_user == staff


def test_reverting_to_an_intermediate_moment_keeps_the_edits_made_before_it(
    staff: User,
) -> None:
    role = make_role("Data Engineer", status=Role.Status.DRAFT)
    role.summary = "Second summary."
    role.save()
    role_skill_set(role=role, skill=skill("Terraform"), weight=2)
    middle = page(role)
    moment = timezone.now()
    role.summary = "Third summary."
    role.save()
    RoleSkill.objects.filter(role=role, skill__name="Terraform").delete()
    Responsibility.objects.filter(role=role).delete()

    role_revert(role=role, to=moment, actor=staff)

    assert page(role) == middle


def test_a_draft_stays_a_draft_and_a_live_page_is_republished_as_a_new_version(
    staff: User,
) -> None:
    draft = make_role("Draft Role", status=Role.Status.DRAFT)
    live = make_role("Live Role")
    moment = timezone.now()
    for role in (draft, live):
        role.summary = "Changed."
        role.save()
    live_version = Role.objects.get(pk=live.pk).version

    draft = role_revert(role=draft, to=moment, actor=staff)
    live = role_revert(role=live, to=moment, actor=staff)

    assert (draft.status, draft.version) == (Role.Status.DRAFT, 0)
    assert (live.status, live.version) == (Role.Status.PUBLISHED, live_version + 1)
    assert "Changed." not in Client().get("/roles/live-role/").content.decode()


def test_reverting_one_role_leaves_another_untouched(staff: User) -> None:
    role = make_role("Data Engineer", status=Role.Status.DRAFT)
    other = make_role("Data Analyst", status=Role.Status.DRAFT)
    moment = timezone.now()
    edit_in_two_steps(role)
    other.summary = "The analyst page after the moment."
    other.save()
    role_skill_set(role=other, skill=skill("SQL"), weight=4)
    other_page = page(other)
    other_history = (
        other.history.count(),
        RoleSkill.history.filter(role_id=other.pk).count(),
        Responsibility.history.filter(role_id=other.pk).count(),
    )

    role_revert(role=role, to=moment, actor=staff)

    assert page(other) == other_page
    assert other_history == (
        other.history.count(),
        RoleSkill.history.filter(role_id=other.pk).count(),
        Responsibility.history.filter(role_id=other.pk).count(),
    )


def test_it_refuses_a_moment_before_the_role_existed_or_another_roles_history(
    staff: User,
) -> None:
    moment = timezone.now()
    role = make_role("Data Engineer")
    other = make_role("Data Analyst")
    with pytest.raises(RevertError, match="did not exist yet"):
        role_revert(role=role, to=moment, actor=staff)
    foreign = other.history.first().history_id
    with pytest.raises(RevertError, match="does not belong"):
        role_revert_plan(role=role, to=foreign)


# --- Through the admin --------------------------------------------------------------------------


@pytest.fixture
def curator(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


def revert_url(role: Role, history_id: int) -> str:
    return reverse("admin:roles_role_simple_history", args=[role.pk, history_id])


def test_a_curator_sees_what_will_change_then_reverts_the_whole_page(
    curator: Client, staff: User
) -> None:
    role = make_role("Data Engineer")
    # First save: a new summary, a rewritten duty and one skill dropped.
    data = _form_data(role, summary="Summary after the first save.")
    data["responsibilities-0-text"] = "Ship models behind a gateway"
    kubernetes = RoleSkill.objects.get(role=role, skill__name="Kubernetes")
    index = list(RoleSkill.objects.filter(role=role)).index(kubernetes)
    data[f"role_skills-{index}-DELETE"] = "on"
    assert curator.post(reverse("admin:roles_role_change", args=[role.pk]), data).status_code == 302
    wanted = page(role)
    entry = role.history.filter(history_user=staff).order_by("history_date").first()
    # Second save: more changes in fields and sections.
    role.refresh_from_db()
    data = _form_data(role, summary="Summary after the second save.", title="Data Platform Lead")
    data["interview_topics-0-questions"] = "Only this question?"
    data["salary_ranges-1-DELETE"] = "on"
    assert curator.post(reverse("admin:roles_role_change", args=[role.pk]), data).status_code == 302
    role.refresh_from_db()
    version = role.version

    confirm = curator.get(revert_url(role, entry.history_id))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Summary after the second save." in html
    assert "Summary after the first save." in html
    sections = {s.label: s for s in confirm.context["plan"].sections}
    assert (sections["Salary ranges"].current_count, sections["Salary ranges"].restored_count) == (
        1,
        2,
    )
    assert sections["Interview topics"].changed
    assert not sections["Responsibilities"].changed
    assert "Revert the whole page" in html

    response = curator.post(revert_url(role, entry.history_id))
    assert response.status_code == 302
    assert page(role) == wanted
    role.refresh_from_db()
    assert (role.status, role.version) == (Role.Status.PUBLISHED, version + 1)

    history = curator.get(reverse("admin:roles_role_history", args=[role.pk])).content.decode()
    assert "Reverted to" in history
    assert "by curator@rolematch.test" in history


def test_people_outside_the_staff_cannot_reach_the_revert_page(client: Client, alice: User) -> None:
    role = make_role("Data Engineer", summary="Original.")
    first = role.history.earliest("history_date")
    role.summary = "Edited."
    role.save()
    url = revert_url(role, first.history_id)
    for user in (None, alice):
        if user:
            client.force_login(user)
        assert "/admin/login/" in client.get(url)["Location"]
        assert "/admin/login/" in client.post(url)["Location"]
    role.refresh_from_db()
    assert role.summary == "Edited."


def test_staff_who_may_only_view_roles_see_the_changes_but_cannot_revert(client: Client) -> None:
    viewer = User.objects.create_user(email="viewer@rolematch.test", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_role"))
    client.force_login(viewer)
    role = make_role("Data Engineer", summary="Original.")
    first = role.history.earliest("history_date")
    role.summary = "Edited."
    role.save()
    url = revert_url(role, first.history_id)

    html = client.get(url).content.decode()
    assert "Original." in html
    assert "Revert the whole page" not in html
    assert client.post(url).status_code == 403
    role.refresh_from_db()
    assert role.summary == "Edited."


def test_a_history_entry_of_another_role_is_not_found(curator: Client) -> None:
    role = make_role("Data Engineer")
    other = make_role("Data Analyst")
    url = revert_url(role, other.history.first().history_id)
    assert curator.get(url).status_code == 404
    assert curator.post(url).status_code == 404
    assert EvaluationCriterion.objects.filter(role=role).count() == 1


def test_rows_bulk_inserted_without_history_are_kept_and_the_curator_is_told(
    staff: User,
) -> None:
    role = make_role("Data Engineer", status=Role.Status.DRAFT)
    moment = timezone.now()
    role.summary = "Changed."
    role.save()
    Responsibility.objects.bulk_create([Responsibility(role=role, text="Imported task", order=9)])

    plan = role_revert_plan(role=role, to=moment)
    role_revert(role=role, to=moment, actor=staff)

    assert any("without history" in note for note in plan.notes)
    assert role.responsibilities.filter(text="Imported task").exists()
    assert Role.objects.get(pk=role.pk).summary != "Changed."
