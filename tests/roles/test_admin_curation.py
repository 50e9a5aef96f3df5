from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from roles.models import Role, RoleSkill, Skill
from roles.services import role_publish, role_revision_start
from tests.roles.factories import make_role, skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client: Client, staff) -> Client:
    client.force_login(staff)
    return client


def change_url(role: Role) -> str:
    return reverse("admin:roles_role_change", args=[role.pk])


def test_only_staff_reach_the_role_admin(client: Client, alice) -> None:
    role = make_role("Data Engineer")
    for url in [reverse("admin:roles_role_changelist"), change_url(role)]:
        assert client.get(url).status_code == 302
    client.force_login(alice)
    for url in [
        reverse("admin:roles_role_changelist"),
        reverse("admin:roles_role_preview", args=[role.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    response = client.post(reverse("admin:roles_role_publish", args=[role.pk]))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.version == 1


def test_the_change_form_shows_every_inline(curator: Client) -> None:
    role = make_role("Data Engineer")
    html = curator.get(change_url(role)).content.decode()
    for prefix in [
        "role_skills",
        "responsibilities",
        "evaluation_criteria",
        "interview_topics",
        "salary_ranges",
    ]:
        assert f'name="{prefix}-TOTAL_FORMS"' in html, prefix
    assert "Preview page" in html


def test_staff_preview_a_draft_before_it_is_public(curator: Client) -> None:
    role = make_role("Quantum Engineer", status=Role.Status.DRAFT)
    assert Client().get("/roles/quantum-engineer/").status_code == 404
    response = curator.get(reverse("admin:roles_role_preview", args=[role.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview" in html
    assert "Key Responsibilities" in html
    assert '<meta name="robots" content="noindex">' in html


def test_publishing_from_the_admin_bumps_the_version_each_time(curator: Client) -> None:
    role = make_role("Quantum Engineer", status=Role.Status.DRAFT)
    url = reverse("admin:roles_role_publish", args=[role.pk])
    curator.post(url)
    role.refresh_from_db()
    assert (role.status, role.version) == (Role.Status.PUBLISHED, 1)
    assert Client().get("/roles/quantum-engineer/").status_code == 200
    curator.post(url)
    role.refresh_from_db()
    assert role.version == 2
    assert curator.get(url).status_code == 405


def test_bulk_publish_and_unpublish(curator: Client) -> None:
    a = make_role("Role A", status=Role.Status.DRAFT)
    b = make_role("Role B", status=Role.Status.DRAFT)
    changelist = reverse("admin:roles_role_changelist")
    curator.post(changelist, {"action": "publish_selected", "_selected_action": [a.pk, b.pk]})
    assert set(Role.objects.values_list("status", "version")) == {("published", 1)}
    curator.post(changelist, {"action": "unpublish_selected", "_selected_action": [a.pk, b.pk]})
    assert set(Role.objects.values_list("status", flat=True)) == {"draft"}
    assert Client().get("/roles/role-a/").status_code == 404


def test_duplicating_a_role_copies_every_section_as_a_draft(curator: Client) -> None:
    role = make_role("Data Engineer")
    curator.post(
        reverse("admin:roles_role_changelist"),
        {"action": "duplicate_selected", "_selected_action": [role.pk]},
    )
    copy = Role.objects.get(title="Data Engineer (copy)")
    assert copy.status == Role.Status.DRAFT
    assert copy.slug == "data-engineer-copy"
    assert copy.responsibilities.count() == role.responsibilities.count()
    assert copy.interview_topics.count() == 1
    assert copy.salary_ranges.count() == 2
    assert sorted(copy.role_skills.values_list("skill__name", "weight")) == sorted(
        role.role_skills.values_list("skill__name", "weight")
    )
    assert set(copy.industries.all()) == set(role.industries.all())
    # The original is untouched.
    assert role.role_skills.count() == 2


def test_editing_a_published_role_publishes_a_new_version_and_history_records_who(
    curator: Client,
    staff,
) -> None:
    role = make_role("Data Engineer")
    role = role_publish(role=role, actor=None)
    before = role.version
    html = curator.get(change_url(role)).content.decode()
    assert "Published, version" in html
    data = _form_data(role, summary="A brand new summary for the page.")
    response = curator.post(change_url(role), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    role.refresh_from_db()
    assert role.summary == "A brand new summary for the page."
    assert role.version == before + 1
    assert "A brand new summary" in Client().get("/roles/data-engineer/").content.decode()
    latest = role.history.order_by("-history_date").first()
    assert latest is not None
    assert latest.history_user == staff
    history = curator.get(reverse("admin:roles_role_history", args=[role.pk]))
    assert history.status_code == 200
    assert "curator@rolematch.test" in history.content.decode()


def test_saving_from_a_browser_leaves_untouched_prose_as_it_was(curator: Client) -> None:
    role = make_role("Data Engineer")
    role.responsibilities.update(text="Own the pipelines.\nAnd their tests.")
    data = _form_data(role, summary="Only the summary is new.")
    # A browser sends every textarea back with CRLF line breaks.
    for key, value in list(data.items()):
        if isinstance(value, str) and "\n" in value and key != "alternate_titles":
            data[key] = value.replace("\n", "\r\n")
    before = role.history.count()

    response = curator.post(change_url(role), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    role.refresh_from_db()
    assert "\r" not in role.description
    assert "\r" not in role.day_in_the_life
    assert role.responsibilities.first().text == "Own the pipelines.\nAnd their tests."
    saved = role.history.order_by("history_date")[before]
    assert [c.field for c in saved.diff_against(saved.prev_record).changes] == ["summary"]


def test_a_curator_reverts_a_role_to_an_earlier_version(curator: Client) -> None:
    role = make_role("Data Engineer", summary="The first summary.")
    first = role.history.order_by("history_date").first()
    assert first is not None
    role.summary = "A worse summary."
    role.save()
    revert_url = reverse("admin:roles_role_simple_history", args=[role.pk, first.history_id])
    assert curator.get(revert_url).status_code == 200
    response = curator.post(revert_url, _form_data(role, summary="The first summary."))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.summary == "The first summary."


def test_the_skill_admin_searches_aliases_and_serves_autocomplete(curator: Client) -> None:
    skill("Kubernetes", "k8s")
    skill("Python")
    response = curator.get(reverse("admin:roles_skill_changelist"), {"q": "k8s"})
    assert list(response.context["cl"].result_list) == [Skill.objects.get(name="Kubernetes")]
    auto = curator.get(
        "/admin/autocomplete/",
        {
            "term": "kube",
            "app_label": "roles",
            "model_name": "roleskill",
            "field_name": "skill",
        },
    ).json()
    assert [r["text"] for r in auto["results"]] == ["Kubernetes"]


def test_a_weight_out_of_range_is_refused_in_words_a_curator_understands(
    curator: Client,
) -> None:
    role = make_role("Data Engineer", skills=[("SQL", 4, True)])
    response = curator.post(change_url(role), _form_data(role, **{"role_skills-0-weight": "7"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A weight runs from 1 (nice to have) to 5 (critical)." in html
    assert "roles_roleskill_weight_1_5" not in html
    assert RoleSkill.objects.get(role=role).weight == 4


def test_the_skill_picker_offers_the_skill_typed_first(curator: Client) -> None:
    # More names holding the letters than the picker's first page shows, all created before
    # the skills asked for, as in the real taxonomy.
    for i in range(25):
        skill(f"Agile Governance {i:02}")
    skill("Go", "Golang")
    skill("Kubernetes", "k8s")
    skill("Google Cloud Platform")

    def picker(term: str) -> list[str]:
        auto = curator.get(
            "/admin/autocomplete/",
            {"term": term, "app_label": "roles", "model_name": "roleskill", "field_name": "skill"},
        ).json()
        return [r["text"] for r in auto["results"]]

    assert picker("go")[:2] == ["Go", "Google Cloud Platform"]
    assert picker("golang")[0] == "Go"
    assert picker("K8S") == ["Kubernetes"]


def test_only_catalog_pages_can_be_related_and_a_job_zone_is_one_to_five(
    curator: Client, alice_org
) -> None:
    page = make_role("Data Engineer", skills=[("SQL", 4, True)])
    analyst = make_role("Data Analyst")
    # A draft revision is deleted once published, and the link to it with it; an
    # organisation's own role is never shown on a public page.
    revision = role_revision_start(role=analyst)
    private = make_role("Data Analyst (ours)", organisation=alice_org)

    def picker(term: str) -> list[str]:
        auto = curator.get(
            "/admin/autocomplete/",
            {
                "term": term,
                "app_label": "roles",
                "model_name": "role",
                "field_name": "related_roles",
            },
        ).json()
        return [r["id"] for r in auto["results"]]

    assert picker("analyst") == [str(analyst.pk)]
    for bad in (revision, private):
        response = curator.post(change_url(page), _form_data(page, related_roles=[bad.pk]))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not page.related_roles.exists()

    response = curator.post(change_url(page), _form_data(page, job_zone="9"))
    assert "O*NET&#x27;s job zones run from 1 to 5." in response.content.decode()
    response = curator.post(
        change_url(page), _form_data(page, job_zone="4", related_roles=[analyst.pk])
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.job_zone, list(page.related_roles.all())) == (4, [analyst])


def test_adding_a_skill_with_an_alias_in_the_admin(curator: Client) -> None:
    response = curator.post(
        reverse("admin:roles_skill_add"),
        {
            "name": "Terraform",
            "slug": "terraform",
            "category": "Cloud & DevOps",
            "description": "",
            "alias_set-TOTAL_FORMS": "1",
            "alias_set-INITIAL_FORMS": "0",
            "alias_set-0-alias": "TF",
        },
    )
    assert response.status_code == 302
    assert list(Skill.objects.get(name="Terraform").alias_set.values_list("alias", flat=True)) == [
        "TF"
    ]


def _form_data(role: Role, **overrides: object) -> dict[str, object]:
    """The change form as the browser would post it, with the role's current inlines."""
    data: dict[str, object] = {
        "title": role.title,
        "slug": role.slug,
        "family": role.family,
        "organisation": "",
        "alternate_titles": "\n".join(role.alternate_titles),
        "summary": role.summary,
        "description": role.description,
        "day_in_the_life": role.day_in_the_life,
        "salary_context": role.salary_context,
        "industries": [i.pk for i in role.industries.all()],
        "related_roles": [r.pk for r in role.related_roles.all()],
        "onet_code": role.onet_code,
        "job_zone": "",
        "source_note": role.source_note,
    }
    inlines: dict[str, list[dict[str, object]]] = {
        "role_skills": [
            {"id": rs.pk, "skill": rs.skill_id, "weight": rs.weight, "must_have": rs.must_have}
            | ({"min_years": rs.min_years} if rs.min_years else {})
            for rs in RoleSkill.objects.filter(role=role)
        ],
        "responsibilities": [
            {"id": r.pk, "order": r.order, "text": r.text} for r in role.responsibilities.all()
        ],
        "evaluation_criteria": [
            {"id": c.pk, "order": c.order, "title": c.title, "guidance": c.guidance}
            for c in role.evaluation_criteria.all()
        ],
        "interview_topics": [
            {
                "id": t.pk,
                "order": t.order,
                "title": t.title,
                "skill": t.skill_id or "",
                "questions": "\n".join(t.questions),
            }
            for t in role.interview_topics.all()
        ],
        "salary_ranges": [
            {
                "id": s.pk,
                "order": s.order,
                "level": s.level,
                "currency": s.currency,
                "min_amount": s.min_amount,
                "max_amount": s.max_amount,
                "region": s.region,
                "source_note": s.source_note,
            }
            for s in role.salary_ranges.all()
        ],
    }
    for prefix, rows in inlines.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        for i, row in enumerate(rows):
            for key, value in row.items():
                if key == "must_have":
                    if value:
                        data[f"{prefix}-{i}-{key}"] = "on"
                    continue
                data[f"{prefix}-{i}-{key}"] = value
            data[f"{prefix}-{i}-role"] = role.pk
    data.update(overrides)
    return data
