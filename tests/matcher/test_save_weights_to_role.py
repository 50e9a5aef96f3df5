"""The new-match page keeps a reviewed skill profile on the organisation's own role when asked:
"Also save these weights to <role> for later matches", through the API's own edit."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from accounts.services import member_remove
from billing.selectors import balance_cents
from matcher.models import Match
from roles.job_description import role_create_from_job_description
from roles.models import Role, RoleSkill, Skill
from tests.matcher.test_workspace_views import (  # noqa: F401  (fixtures)
    _profile,
    funded,
    pool,
    post,
    role,
    skills,
)

pytestmark = pytest.mark.django_db

JOB_AD = (
    "We need an engineer for our clinics' booking platform.\n"
    "Requirements:\n- Python (required)\n- PyTorch experience is essential\n"
    "- Incident command\nNice to have: Kubernetes, SQL."
)
SAVE_BOX = 'name="save_to_role"'


@pytest.fixture
def own_role(alice, alice_org, skills) -> Role:  # noqa: F811
    return role_create_from_job_description(
        org=alice_org, user=alice, text=JOB_AD, title="Booking platform engineer"
    )


def _weights(of: Role) -> dict[str, tuple[int, bool, int | None]]:
    return {
        rs.skill.name: (rs.weight, rs.must_have, rs.min_years)
        for rs in RoleSkill.objects.filter(role=of).select_related("skill")
    }


def _page(client, of: Role) -> str:
    return client.get(reverse("matcher:match_new") + f"?role_id={of.pk}").content.decode()


def _shown(page: str, skill_id: int) -> tuple[str, bool, str]:
    """The weight selected, whether must-have is ticked, and the minimum years, as the page
    shows them for one skill."""
    select = re.search(rf'<select name="weight_{skill_id}".*?</select>', page, re.S)
    assert select is not None
    weight = re.search(r'<option value="(\d)" selected>', select.group(0))
    must = re.search(rf'<input type="checkbox" name="must_{skill_id}"[^>]*>', page)
    years = re.search(rf'name="years_{skill_id}" value="(\d*)"', page)
    assert weight
    assert must
    assert years
    return weight.group(1), "checked" in must.group(0), years.group(1)


def _reviewed(of: Role, **changes: object) -> dict[str, object]:
    """The page's form as sent with these changes, the ad's listed skill left as read."""
    return {"weight_-1": 3, **_profile(of, **changes)}


def _start(post, of: Role, candidate, *, save: bool, **changes: object):  # noqa: F811
    """Runs a match from the new-match page as sent with these changes, saving them if asked."""
    ticked = {"save_to_role": "on"} if save else {}
    form = {"role": of.pk, "candidates": [candidate.pk], **ticked, **_reviewed(of, **changes)}
    return post(reverse("matcher:match_new"), form, follow=True)


def test_the_page_offers_to_save_to_the_organisations_own_role(client, alice, own_role):
    client.force_login(alice)
    page = _page(client, own_role)
    assert SAVE_BOX in page
    assert "Also save these weights to Booking platform engineer for later matches" in page
    assert "apply to this match only, unless you also save them to the role" in page


def test_saved_weights_are_on_the_role_and_on_the_next_new_match_page(
    client,
    post,  # noqa: F811
    alice,
    funded,  # noqa: F811
    own_role,
    pool,  # noqa: F811
    skills,  # noqa: F811
):
    client.force_login(alice)
    k8s, python = skills["Kubernetes"], skills["Python"]
    before = _weights(own_role)
    assert before["Kubernetes"] == (2, False, None)
    url = reverse("matcher:match_new")
    changes = {f"weight_{k8s.pk}": 4, f"must_{k8s.pk}": "on", f"years_{python.pk}": 3}

    # Unticked: the changes go to this match only.
    post(url, {"role": own_role.pk, "candidates": [pool[0].pk], **_reviewed(own_role, **changes)})
    first = Match.objects.get()
    history = own_role.history.count()
    assert _weights(own_role) == before
    assert own_role.history.count() == history

    response = post(
        url,
        {
            "role": own_role.pk,
            "candidates": [pool[0].pk],
            "save_to_role": "on",
            **_reviewed(own_role, **changes),
        },
        follow=True,
    )

    second = Match.objects.exclude(pk=first.pk).get()
    assert second.status == Match.Status.DONE
    assert second.weights["skill_weights"][str(k8s.pk)] == {"weight": 4, "must_have": True}
    after = _weights(own_role)
    assert after["Kubernetes"] == (4, True, None)
    assert after["Python"][2] == 3
    assert after["SQL"] == before["SQL"]
    assert "Saved your weights to Booking platform engineer" in response.content.decode()
    # Recorded as a PATCH over the API is: who changed the role and its skills.
    assert own_role.history.first().history_user == alice
    assert RoleSkill.history.filter(skill=k8s).first().history_user == alice
    # The match run before keeps the profile it was scored with.
    first.refresh_from_db()
    kept = {s["name"]: s["weight"] for s in first.role_snapshot["skills"]}
    assert kept["Kubernetes"] == 2

    page = _page(client, own_role)
    assert _shown(page, k8s.pk) == ("4", True, "")
    assert _shown(page, python.pk)[2] == "3"
    assert 'name="save_to_role" aria-describedby="save-to-role-help">' in page  # unticked again


def test_a_skill_weighted_0_leaves_the_role_and_so_does_one_the_ad_lists(
    client,
    post,  # noqa: F811
    alice,
    funded,  # noqa: F811
    own_role,
    pool,  # noqa: F811
    skills,  # noqa: F811
):
    client.force_login(alice)
    sql = skills["SQL"]
    response = _start(post, own_role, pool[0], save=True, **{f"weight_{sql.pk}": 0, "weight_-1": 0})
    html = response.content.decode()
    assert "SQL and Incident command, weighted 0, are no longer on the role." in html
    assert "SQL" not in _weights(own_role)
    assert own_role.description == JOB_AD  # the ad itself is left as it was written
    # This match scored both at 0 from the snapshot it took before the save.
    match = Match.objects.get()
    assert match.weights["skill_weights"][str(sql.pk)] == {"weight": 0}
    assert match.weights["skill_weights"]["-1"] == {"weight": 0}
    assert any(s["name"] == "Incident command" for s in match.role_snapshot["skills"])
    page = _page(client, own_role)
    assert f'name="weight_{sql.pk}"' not in page
    assert "Incident command" not in page


def test_a_skill_the_ad_lists_keeps_its_saved_weight_and_must_have_for_later_matches(
    client,
    post,  # noqa: F811
    alice,
    funded,  # noqa: F811
    own_role,
    pool,  # noqa: F811
):
    client.force_login(alice)
    assert _shown(_page(client, own_role), -1) == ("3", False, "")
    version = own_role.version
    changed = {"weight_-1": 5, "must_-1": "on", "years_-1": 2}
    response = _start(post, own_role, pool[0], save=True, **changed)
    assert f"Saved your weights to {own_role.title}" in response.content.decode()
    own_role.refresh_from_db()
    assert own_role.listed_skill_changes == {
        "incident command": {"weight": 5, "must_have": True, "min_years": 2}
    }
    assert own_role.version == version + 1  # a profile scored differently is a new version
    assert own_role.history.first().history_user == alice
    # The next match starts from it, on the page and in what it scores.
    assert _shown(_page(client, own_role), -1) == ("5", True, "2")
    _start(post, own_role, pool[1], save=False, **changed)  # the page as it now shows
    second = Match.objects.latest("pk")
    assert "-1" not in second.weights.get("skill_weights", {})  # nothing changed on the page
    listed = next(s for s in second.role_snapshot["skills"] if s["skill_id"] == -1)
    assert listed == {
        "skill_id": -1,
        "name": "Incident command",
        "weight": 5,
        "must_have": True,
        "min_years": 2,
    }
    assert second.role_version == version + 1


def test_ticked_without_a_change_saves_nothing_and_says_so(
    client,
    post,  # noqa: F811
    alice,
    funded,  # noqa: F811
    own_role,
    pool,  # noqa: F811
):
    client.force_login(alice)
    history = own_role.history.count()
    response = post(
        reverse("matcher:match_new"),
        {
            "role": own_role.pk,
            "candidates": [pool[0].pk],
            "save_to_role": "on",
            **_reviewed(own_role),
        },
        follow=True,
    )
    assert "Booking platform engineer already has these weights" in response.content.decode()
    assert own_role.history.count() == history


def test_a_refused_match_saves_nothing_and_keeps_the_box_ticked(
    client,
    alice,
    funded,  # noqa: F811
    own_role,
    skills,  # noqa: F811
):
    client.force_login(alice)
    k8s = skills["Kubernetes"]
    before = _weights(own_role)
    response = client.post(
        reverse("matcher:match_new"),
        {
            "role": own_role.pk,
            "save_to_role": "on",
            **_reviewed(own_role, **{f"weight_{k8s.pk}": 5}),
        },
    )
    assert response.status_code == 400
    assert 'name="save_to_role" aria-describedby="save-to-role-help" checked>' in (
        response.content.decode()
    )
    assert _weights(own_role) == before
    assert not Match.objects.exists()


def test_a_catalog_role_never_offers_it_and_a_forged_save_changes_nothing(
    client,
    alice,
    funded,  # noqa: F811
    role,  # noqa: F811
    pool,  # noqa: F811
):
    client.force_login(alice)
    page = _page(client, role)
    assert SAVE_BOX not in page
    assert "Your changes apply to this match only.</p>" in page

    rust = role.role_skills.get(skill__name="Rust")
    balance = balance_cents(org=funded)
    history = (role.history.count(), RoleSkill.history.count())
    response = client.post(
        reverse("matcher:match_new"),
        {
            "role": role.pk,
            "candidates": [pool[0].pk],
            "save_to_role": "on",
            **_profile(role, **{f"weight_{rust.skill_id}": 5}),
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Machine Learning Engineer is a catalog role" in html
    assert "Nothing was started or saved" in html
    rust.refresh_from_db()
    assert rust.weight == 2
    assert (role.history.count(), RoleSkill.history.count()) == history
    assert not Match.objects.exists()
    assert balance_cents(org=funded) == balance


def test_another_organisations_role_is_never_offered_and_a_save_to_it_is_a_404(
    client,
    charlie,
    own_role,
    skills,  # noqa: F811
):
    client.force_login(charlie)
    page = _page(client, own_role)
    assert "Booking platform engineer" not in page
    assert SAVE_BOX not in page

    before = _weights(own_role)
    k8s = skills["Kubernetes"]
    response = client.post(
        reverse("matcher:match_new"),
        {
            "role": own_role.pk,
            "save_to_role": "on",
            **_reviewed(own_role, **{f"weight_{k8s.pk}": 5}),
        },
    )
    assert response.status_code == 404
    assert _weights(own_role) == before


def test_a_teammate_may_save_as_over_the_api(
    client,
    post,  # noqa: F811
    bob,
    funded,  # noqa: F811
    own_role,
    pool,  # noqa: F811
    skills,  # noqa: F811
):
    """The API lets every member of the organisation edit its roles, owner or recruiter: so
    does the page."""
    client.force_login(bob)
    assert SAVE_BOX in _page(client, own_role)
    k8s = skills["Kubernetes"]
    post(
        reverse("matcher:match_new"),
        {
            "role": own_role.pk,
            "candidates": [pool[0].pk],
            "save_to_role": "on",
            **_reviewed(own_role, **{f"weight_{k8s.pk}": 5}),
        },
    )
    assert _weights(own_role)["Kubernetes"][0] == 5
    assert own_role.history.first().history_user == bob


def test_someone_removed_from_the_organisation_cannot_save(
    client,
    alice,
    alice_org,
    bob,
    funded,  # noqa: F811
    own_role,
    pool,  # noqa: F811
    skills,  # noqa: F811
):
    client.force_login(bob)
    member_remove(org=alice_org, actor=alice, membership=Membership.objects.get(user=bob))
    before = _weights(own_role)
    k8s = skills["Kubernetes"]
    response = client.post(
        reverse("matcher:match_new"),
        {
            "role": own_role.pk,
            "candidates": [pool[0].pk],
            "save_to_role": "on",
            **_reviewed(own_role, **{f"weight_{k8s.pk}": 5}),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation_start")
    assert _weights(own_role) == before
    assert not Match.objects.exists()


def test_a_soft_skill_weighed_up_and_saved_loses_its_note_as_after_a_patch(
    client,
    post,  # noqa: F811
    alice,
    alice_org,
    funded,  # noqa: F811
    pool,  # noqa: F811
    skills,  # noqa: F811
):
    spanish = Skill.objects.create(name="Spanish", category="Spoken Languages")
    bilingual = role_create_from_job_description(
        org=alice_org,
        user=alice,
        text="We need an engineer for our Madrid office.\nRequirements:\n"
        "- 5+ years of Python (required)\n- Fluent Spanish required\n",
        title="Bilingual engineer",
    )
    client.force_login(alice)
    note = f'id="skill-note-{spanish.pk}">Spoken language'
    assert note in _page(client, bilingual)

    post(
        reverse("matcher:match_new"),
        {
            "role": bilingual.pk,
            "candidates": [pool[0].pk],
            "save_to_role": "on",
            **_profile(bilingual, **{f"weight_{spanish.pk}": 4, f"must_{spanish.pk}": "on"}),
        },
    )

    assert _weights(bilingual)["Spanish"] == (4, True, None)
    page = _page(client, bilingual)
    assert note not in page
    assert _shown(page, spanish.pk) == ("4", True, "")
