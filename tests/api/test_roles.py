"""The role catalog (read) and custom roles (create from a job description, edit, delete)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Organisation
from accounts.services import organisation_delete
from matcher.models import Match
from matcher.selectors.matches import role_skill_profile
from roles.models import Role, RoleSkill
from tests.roles.factories import make_role, skill

pytestmark = pytest.mark.django_db

JOB = """Senior Platform Engineer
We run the hiring platform of a logistics company.
Requirements:
- 5+ years of Python in production (required)
- Strong PostgreSQL and Docker experience
Nice to have:
- Kubernetes
"""


@pytest.fixture
def taxonomy(db):
    return {name: skill(name) for name in ("Python", "PostgreSQL", "Docker", "Kubernetes")}


def test_the_catalog_is_public_and_searchable(db) -> None:
    make_role("Backend Engineer", skills=[("Python", 5, True)])
    make_role("Registered Nurse", skills=[("Patient care", 5, True)], industries=["Healthcare"])
    make_role("Hidden Draft", status=Role.Status.DRAFT)
    client = APIClient()
    titles = [r["title"] for r in client.get("/api/v1/roles/").json()["results"]]
    assert titles == ["Backend Engineer", "Registered Nurse"]
    found = client.get("/api/v1/roles/?q=python").json()["results"]
    assert [r["title"] for r in found] == ["Backend Engineer"]
    by_industry = client.get("/api/v1/roles/?industry=healthcare").json()["results"]
    assert {r["title"] for r in by_industry} == {"Backend Engineer", "Registered Nurse"}
    newest = client.get("/api/v1/roles/?ordering=-title").json()["results"]
    assert newest[0]["title"] == "Registered Nurse"


def test_a_catalog_role_comes_with_skills_and_interview_topics(alice_api) -> None:
    role = make_role("Backend Engineer", skills=[("Python", 5, True), ("Docker", 2, False)])
    body = alice_api.get(f"/api/v1/roles/{role.slug}/").json()
    assert body["title"] == "Backend Engineer"
    assert [(s["skill"]["name"], s["weight"], s["must_have"]) for s in body["skills"]] == [
        ("Python", 5, True),
        ("Docker", 2, False),
    ]
    assert body["interview_topics"][0]["questions"]
    assert body["salary_ranges"][0]["currency"] == "USD"
    assert body["listed_skills"] == []  # a catalog page's description lists no requirements
    assert "note" not in body["skills"][0]  # curated, not read from an ad


def test_a_private_role_is_not_in_the_catalog_even_for_its_owner(alice_api, alice_org) -> None:
    private = make_role("Secret Engineer", organisation=alice_org)
    response = alice_api.get(f"/api/v1/roles/{private.slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    listed = [r["slug"] for r in alice_api.get("/api/v1/roles/").json()["results"]]
    assert private.slug not in listed


def test_a_custom_role_is_read_from_a_job_description(alice_api, alice_org, taxonomy) -> None:
    response = alice_api.post("/api/v1/custom-roles/", {"job_description": JOB}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Senior Platform Engineer"
    assert body["status"] == "draft"
    skills = {s["skill"]["name"]: s for s in body["skills"]}
    assert skills["Python"]["must_have"] is True
    assert skills["Python"]["min_years"] == 5
    assert skills["Kubernetes"]["must_have"] is False
    assert Role.objects.get(pk=body["id"]).organisation == alice_org


def test_a_custom_role_shows_the_listed_skills_a_match_scores_beside_its_own(
    alice_api, taxonomy
) -> None:
    """A requirement the taxonomy does not know ("Incident management") is still scored
    (`matcher.ranking.listed_skills`); the API shows it, as the match form does."""
    ad = JOB.replace(
        "Nice to have:", "- Incident management: on call one week in six\nNice to have:"
    )
    ad += "- Vendor negotiation\n"
    body = alice_api.post("/api/v1/custom-roles/", {"job_description": ad}, format="json").json()
    listed = [(s["name"], s["weight"]) for s in body["listed_skills"]]
    assert listed == [("Incident management", 3), ("Vendor negotiation", 1)]
    assert all(s["skill_id"] < 0 for s in body["listed_skills"])
    assert "Python" not in {s["name"] for s in body["listed_skills"]}
    role = Role.objects.get(pk=body["id"])
    scored = [(s["name"], s["weight"]) for s in role_skill_profile(role) if s["skill_id"] < 0]
    assert scored == listed
    again = alice_api.get(f"/api/v1/custom-roles/{role.pk}/").json()
    assert again["listed_skills"] == body["listed_skills"]
    assert all(s["min_years"] is None for s in body["listed_skills"])


def test_a_job_the_ad_asks_the_candidate_to_have_held_is_listed_with_its_years(
    alice_api, taxonomy
) -> None:
    """'3 years as a Help Desk Administrator' is scored as a listed skill with a minimum of
    3 years (`roles.job_description.asked_experience`); the API shows the years asked."""
    ad = JOB.replace(
        "Nice to have:",
        "- A minimum of 3 years experience as a Help Desk Administrator\nNice to have:",
    )
    body = alice_api.post("/api/v1/custom-roles/", {"job_description": ad}, format="json").json()
    asked = [s for s in body["listed_skills"] if s["name"] == "Help Desk Administrator"]
    assert [(s["weight"], s["min_years"]) for s in asked] == [(3, 3)]
    assert asked[0]["skill_id"] <= -101
    role = Role.objects.get(pk=body["id"])
    profile = {s["name"]: s for s in role_skill_profile(role)}
    assert profile["Help Desk Administrator"]["min_years"] == 3


def test_listing_custom_roles_reads_the_taxonomy_once_however_many_roles(
    alice_api, taxonomy
) -> None:
    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            body = alice_api.get("/api/v1/custom-roles/").json()
        assert all("listed_skills" in r for r in body["results"])
        return len(captured)

    for _ in range(2):
        alice_api.post("/api/v1/custom-roles/", {"job_description": JOB}, format="json")
    few = queries_for_the_list()
    for _ in range(4):
        alice_api.post("/api/v1/custom-roles/", {"job_description": JOB}, format="json")
    assert queries_for_the_list() == few


def test_a_soft_skill_and_a_spoken_language_say_why_they_weigh_1_until_changed(
    alice_api, taxonomy
) -> None:
    """The reading weighs them 1 and never requires them, "required" or not: each says so, and
    a PATCH that weighs one up or requires it leaves it nothing to explain."""
    spanish = skill("Spanish", "fluent Spanish", category="Spoken Languages")
    skill("Communication", category="Soft Skills")
    ad = JOB.replace(
        "Nice to have:", "- Fluent Spanish required\n- Excellent communication\nNice to have:"
    )
    body = alice_api.post("/api/v1/custom-roles/", {"job_description": ad}, format="json").json()
    skills = {s["skill"]["name"]: s for s in body["skills"]}
    assert (skills["Spanish"]["weight"], skills["Spanish"]["must_have"]) == (1, False)
    assert skills["Spanish"]["note"].startswith("Spoken language: weighed 1 and not required")
    assert skills["Communication"]["note"].startswith("Soft skill: weighed 1 and not required")
    assert skills["Python"]["note"] == ""

    changed = alice_api.patch(
        f"/api/v1/custom-roles/{body['id']}/",
        {"skills": [{"skill": spanish.pk, "weight": 4, "must_have": True}]},
        format="json",
    ).json()
    spoken = next(s for s in changed["skills"] if s["skill"]["name"] == "Spanish")
    assert (spoken["weight"], spoken["must_have"], spoken["note"]) == (4, True, "")


def test_a_retried_create_with_the_same_key_makes_one_role(alice_api, taxonomy) -> None:
    def send():
        return alice_api.post(
            "/api/v1/custom-roles/",
            {"job_description": JOB, "title": "Platform"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="role-1",
        )

    first, second = send(), send()
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Role.objects.filter(title="Platform").count() == 1


def test_a_description_with_no_known_skill_is_a_validation_problem(alice_api, taxonomy) -> None:
    response = alice_api.post(
        "/api/v1/custom-roles/",
        {"job_description": "We need a cheerful person to greet our visitors every morning."},
        format="json",
    )
    assert response.status_code == 400
    assert "job_description" in response.json()["errors"]
    assert not Role.objects.exists()


def test_weights_must_haves_and_years_are_updated(alice_api, alice_org, taxonomy) -> None:
    role = make_role("Platform", organisation=alice_org, skills=[("Python", 3, False)])
    python = taxonomy["Python"]
    response = alice_api.patch(
        f"/api/v1/custom-roles/{role.pk}/",
        {
            "title": "Platform Lead",
            "skills": [
                {"skill": python.pk, "weight": 5, "must_have": True, "min_years": 4},
                {"skill": taxonomy["Docker"].pk, "weight": 2},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    rows = {rs.skill.name: rs for rs in RoleSkill.objects.filter(role=role)}
    assert (rows["Python"].weight, rows["Python"].must_have, rows["Python"].min_years) == (
        5,
        True,
        4,
    )
    assert rows["Docker"].weight == 2
    assert response.json()["title"] == "Platform Lead"
    removed = alice_api.patch(
        f"/api/v1/custom-roles/{role.pk}/",
        {"skills": [{"skill": taxonomy["Docker"].pk, "remove": True}]},
        format="json",
    )
    assert [s["skill"]["name"] for s in removed.json()["skills"]] == ["Python"]


def test_a_listed_skill_is_reweighed_required_or_taken_off_by_name(alice_api, taxonomy) -> None:
    """The requirements the taxonomy does not know are read again from the description each
    time, so a PATCH keeps its changes by name; the description itself is not rewritten."""
    ad = JOB.replace(
        "Nice to have:", "- Incident management: on call one week in six\nNice to have:"
    )
    ad += "- Vendor negotiation\n"
    body = alice_api.post("/api/v1/custom-roles/", {"job_description": ad}, format="json").json()
    url = f"/api/v1/custom-roles/{body['id']}/"
    version = body["version"]
    changed = alice_api.patch(
        url,
        {
            "listed_skills": [
                {"name": "incident MANAGEMENT", "weight": 5, "must_have": True, "min_years": 2},
                {"name": "Vendor negotiation", "weight": 0},
            ]
        },
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    listed = changed.json()["listed_skills"]
    assert [(s["name"], s["weight"], s["must_have"], s["min_years"]) for s in listed] == [
        ("Incident management", 5, True, 2)
    ]
    assert changed.json()["version"] == version + 1
    assert changed.json()["description"] == body["description"]
    role = Role.objects.get(pk=body["id"])
    scored = [s for s in role_skill_profile(role) if s["skill_id"] < 0]
    assert scored == [
        {
            "skill_id": -1,
            "name": "Incident management",
            "weight": 5,
            "must_have": True,
            "min_years": 2,
        }
    ]
    # Weighed up again, a skill taken off comes back; the other keeps its change.
    back = alice_api.patch(
        url, {"listed_skills": [{"name": "Vendor negotiation", "weight": 2}]}, format="json"
    ).json()["listed_skills"]
    assert [(s["name"], s["weight"], s["must_have"]) for s in back] == [
        ("Incident management", 5, True),
        ("Vendor negotiation", 2, False),
    ]


def test_a_listed_skill_the_description_does_not_list_is_refused(alice_api, taxonomy) -> None:
    body = alice_api.post("/api/v1/custom-roles/", {"job_description": JOB}, format="json").json()
    url = f"/api/v1/custom-roles/{body['id']}/"
    response = alice_api.patch(
        url, {"listed_skills": [{"name": "Juggling", "weight": 4}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["listed_skills"] == [
        "The role's job description does not list “Juggling”."
    ]
    role = Role.objects.get(pk=body["id"])
    assert (role.listed_skill_changes, role.version) == ({}, body["version"])
    too_heavy = alice_api.patch(
        url, {"listed_skills": [{"name": "Juggling", "weight": 6}]}, format="json"
    )
    assert too_heavy.status_code == 400


def test_an_edit_that_changes_the_profile_is_a_new_version(alice_api, alice_org, taxonomy) -> None:
    role = make_role("Platform", organisation=alice_org, skills=[("Python", 3, False)])
    first = role.version
    url = f"/api/v1/custom-roles/{role.pk}/"
    python = taxonomy["Python"].pk
    same = alice_api.patch(url, {"skills": [{"skill": python, "weight": 3}]}, format="json")
    assert same.status_code == 200
    role.refresh_from_db()
    assert role.version == first
    alice_api.patch(url, {"skills": [{"skill": python, "weight": 5}]}, format="json")
    alice_api.patch(url, {"title": "Platform Lead"}, format="json")
    role.refresh_from_db()
    # A match records the version it read: two profiles never share a number.
    assert role.version == first + 2


def test_an_out_of_range_weight_is_refused(alice_api, alice_org, taxonomy) -> None:
    role = make_role("Platform", organisation=alice_org)
    response = alice_api.patch(
        f"/api/v1/custom-roles/{role.pk}/",
        {"skills": [{"skill": taxonomy["Python"].pk, "weight": 9}]},
        format="json",
    )
    assert response.status_code == 400
    assert "skills" in response.json()["errors"]


def test_a_custom_role_is_deleted_unless_matches_used_it(alice_api, alice, alice_org) -> None:
    unused = make_role("Unused", organisation=alice_org)
    assert alice_api.delete(f"/api/v1/custom-roles/{unused.pk}/").status_code == 204
    assert not Role.objects.filter(pk=unused.pk).exists()
    used = make_role("Used", organisation=alice_org)
    Match.objects.create(
        organisation=alice_org, role=used, role_version=0, role_title="Used", price_cents=5
    )
    response = alice_api.delete(f"/api/v1/custom-roles/{used.pk}/")
    assert response.status_code == 409
    assert response.json()["type"].endswith("/api/problems/conflict/")


def test_an_organisation_whose_custom_role_has_matches_can_still_be_deleted(
    alice, alice_org
) -> None:
    # The match keeps its role from being deleted alone, not along with the whole organisation.
    used = make_role("Used", organisation=alice_org)
    match = Match.objects.create(
        organisation=alice_org, role=used, role_version=0, role_title="Used", price_cents=5
    )
    organisation_delete(org=alice_org, actor=alice)
    assert not Organisation.objects.filter(pk=alice_org.pk).exists()
    assert not Role.objects.filter(pk=used.pk).exists()
    assert not Match.objects.filter(pk=match.pk).exists()


def test_another_organisations_custom_role_is_404(alice_org, charlie_api) -> None:
    role = make_role("Secret", organisation=alice_org)
    assert charlie_api.get(f"/api/v1/custom-roles/{role.pk}/").status_code == 404
    assert charlie_api.patch(f"/api/v1/custom-roles/{role.pk}/", {}).status_code == 404
    assert charlie_api.delete(f"/api/v1/custom-roles/{role.pk}/").status_code == 404
    assert charlie_api.get("/api/v1/custom-roles/").json()["results"] == []


def test_catalog_roles_are_not_editable_as_custom_roles(alice_api) -> None:
    role = make_role("Backend Engineer")
    assert alice_api.patch(f"/api/v1/custom-roles/{role.pk}/", {}).status_code == 404
