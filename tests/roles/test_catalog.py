"""Loading the default catalog into the database: bootstrap, idempotence, curators' changes kept."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from accounts.models import Organisation, User
from roles.catalog import (
    LOADER_REASON,
    CatalogError,
    catalog_load,
    role_changed_since_load,
    taxonomy_load,
)
from roles.catalog_files import CATALOG_DIR, read_catalog, read_taxonomy
from roles.models import Industry, Role, RoleSkill, Skill, SkillAlias
from roles.selectors import skill_matcher
from roles.services import role_publish

pytestmark = pytest.mark.django_db

ML = "machine-learning-engineer"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


SMALL = (ML, "data-scientist", "mlops-engineer")
EXTRA_SKILLS = ("C", "C++", "C#", ".NET", "F#", "OpenShift", "scikit-learn")


@pytest.fixture
def small_catalog(tmp_path: Path) -> Path:
    """Three real role files that only relate to each other, to exercise the loader quickly."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    for slug in SMALL:
        text = (CATALOG_DIR / f"{slug}.yaml").read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if not line.startswith("related_roles:")]
        others = [s for s in SMALL if s != slug]
        lines.append(f"related_roles: [{', '.join(others)}]")
        (folder / f"{slug}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def taxonomy(tmp_path: Path, small_catalog: Path) -> Path:
    """The shipped taxonomy cut down to the skills the small catalog and these tests use."""
    full = read_taxonomy()
    specs = read_catalog(small_catalog, full)
    wanted = {s.name for spec in specs for s in spec.skills}
    wanted |= {t.skill for spec in specs for t in spec.interview_topics if t.skill}
    wanted |= set(EXTRA_SKILLS)
    folder = tmp_path / "skills"
    folder.mkdir()
    rows = [
        f"{row.name}\t{row.category}\t{'|'.join(row.aliases)}"
        for row in full.skills
        if row.name in wanted
    ]
    (folder / "subset.tsv").write_text(
        "name\tcategory\taliases\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    taxonomy_load(directory=folder)
    return folder


def history_rows() -> int:
    return Role.history.count() + RoleSkill.history.count()


# --- Bootstrap ---------------------------------------------------------------------------------


def test_bootstrap_publishes_the_whole_catalog_and_a_second_run_changes_nothing() -> None:
    out = StringIO()
    call_command("bootstrap", stdout=out)
    assert "roles.catalog.load_taxonomy: skills: " in out.getvalue()
    published = Role.objects.filter(organisation__isnull=True, status=Role.Status.PUBLISHED)
    assert published.count() >= 41
    assert published.count() == len(list(CATALOG_DIR.glob("*.yaml")))
    assert Skill.objects.count() >= 1500
    versions = dict(published.values_list("slug", "version"))
    assert set(versions.values()) == {1}
    specs = {spec.slug: spec for spec in read_catalog()}
    for role in published.prefetch_related("related_roles", "industries"):
        spec = specs[role.slug]
        assert role.responsibilities.count() == len(spec.responsibilities) >= 6
        assert role.evaluation_criteria.count() == len(spec.evaluation) >= 4
        assert role.interview_topics.count() == len(spec.interview_topics) >= 5
        assert role.salary_ranges.count() == len(spec.salaries) >= 1
        assert role.role_skills.count() == len(spec.skills) >= 8
        assert {r.slug for r in role.related_roles.all()} == set(spec.related_roles)
        assert len(role.industries.all()) == len(spec.industries)
    counts = (Skill.objects.count(), SkillAlias.objects.count(), RoleSkill.objects.count())
    rows = history_rows()

    out = StringIO()
    call_command("bootstrap", stdout=out)

    assert "0 created, 0 updated" in out.getvalue()
    assert dict(published.values_list("slug", "version")) == versions
    assert (Skill.objects.count(), SkillAlias.objects.count(), RoleSkill.objects.count()) == counts
    assert history_rows() == rows


def test_the_ml_engineer_role_resolves_aliases_topics_and_industries(
    taxonomy: Path, small_catalog: Path
) -> None:
    catalog_load(directory=small_catalog)
    role = Role.objects.get(slug=ML)
    weights = {rs.skill.name: rs.weight for rs in role.role_skills.select_related("skill")}
    assert weights["Python"] == 5
    assert weights["Kubernetes"] == 3
    python = role.role_skills.get(skill__name="Python")
    assert python.must_have
    assert python.min_years == 3
    topic = role.interview_topics.get(title="Deep learning frameworks")
    assert topic.skill is not None
    assert topic.skill.name == "PyTorch"
    assert len(topic.questions) == 3
    assert {"Technology", "Healthcare", "Fintech", "Automotive"} <= set(
        role.industries.values_list("name", flat=True)
    )
    assert role.salary_ranges.get(level="Entry").min_amount == 120_000
    assert "Python" in role.profile_text
    assert "feature stores" in role.profile_text


# --- Never clobber a curator -------------------------------------------------------------------


def test_an_untouched_role_is_refreshed_when_its_file_changes(
    taxonomy: Path, small_catalog: Path
) -> None:
    catalog_load(directory=small_catalog)
    path = small_catalog / f"{ML}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "{name: Kubernetes, weight: 3, must_have: false}",
            "{name: k8s, weight: 4, must_have: true}",
        ),
        encoding="utf-8",
    )

    report = catalog_load(directory=small_catalog)

    assert report.updated == [ML]
    assert sorted(report.unchanged) == ["data-scientist", "mlops-engineer"]
    role = Role.objects.get(slug=ML)
    assert role.version == 2
    kubernetes = role.role_skills.get(skill__name="Kubernetes")
    assert (kubernetes.weight, kubernetes.must_have) == (4, True)
    assert not role_changed_since_load(role)


def test_a_role_a_curator_edited_is_never_overwritten(taxonomy: Path, small_catalog: Path) -> None:
    catalog_load(directory=small_catalog)
    role = Role.objects.get(slug=ML)
    role.summary = "Our own summary, written by a curator."
    role.save()
    path = small_catalog / f"{ML}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Machine Learning Engineer", "title: MLE"),
        encoding="utf-8",
    )

    report = catalog_load(directory=small_catalog)

    assert report.skipped == [f"{ML} (changed by a curator since it was loaded)"]
    role.refresh_from_db()
    assert role.title == "Machine Learning Engineer"
    assert role.summary == "Our own summary, written by a curator."
    assert role.version == 1


def test_a_curator_edit_to_one_section_protects_the_whole_role(
    taxonomy: Path, small_catalog: Path
) -> None:
    catalog_load(directory=small_catalog)
    role = Role.objects.get(slug="data-scientist")
    first = role.responsibilities.first()
    assert first is not None
    first.text = "Curated responsibility"
    first.save()

    report = catalog_load(directory=small_catalog)

    assert "data-scientist (changed by a curator since it was loaded)" in report.skipped
    assert role.responsibilities.filter(text="Curated responsibility").exists()


def test_a_role_published_again_by_a_curator_is_left_alone(
    taxonomy: Path, small_catalog: Path, staff: User
) -> None:
    catalog_load(directory=small_catalog)
    role = role_publish(role=Role.objects.get(slug="mlops-engineer"), actor=staff)
    assert role.version == 2

    report = catalog_load(directory=small_catalog)

    assert [s.split(" ")[0] for s in report.skipped] == ["mlops-engineer"]
    role.refresh_from_db()
    assert role.version == 2


def test_an_organisations_role_with_the_same_address_is_not_taken_over(
    taxonomy: Path, small_catalog: Path, alice_org: Organisation
) -> None:
    Role.objects.create(title="Our ML Engineer", slug=ML, organisation=alice_org)

    report = catalog_load(directory=small_catalog)

    assert report.skipped == [f"{ML} (the address belongs to an organisation's own role)"]
    private = Role.objects.get(slug=ML)
    assert private.organisation == alice_org
    assert private.title == "Our ML Engineer"
    scientist = Role.objects.get(slug="data-scientist")
    assert [r.slug for r in scientist.related_roles.all()] == ["mlops-engineer"]


def test_every_write_of_the_loader_is_marked_in_history(
    taxonomy: Path, small_catalog: Path
) -> None:
    catalog_load(directory=small_catalog)
    role = Role.objects.get(slug=ML)
    reasons = set(
        RoleSkill.history.filter(role_id=role.pk).values_list("history_change_reason", flat=True)
    )
    assert reasons == {LOADER_REASON}


def test_a_bad_file_stops_the_load_before_anything_is_written(
    taxonomy: Path, small_catalog: Path
) -> None:
    path = small_catalog / "data-scientist.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("family: Data", "family: Astrology"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"data-scientist\.yaml: family: 'Astrology' is not one"):
        catalog_load(directory=small_catalog)
    assert not Role.objects.exists()


def test_the_roles_need_the_taxonomy_loaded_first(small_catalog: Path) -> None:
    with pytest.raises(CatalogError, match="run load_taxonomy first"):
        catalog_load(directory=small_catalog)


# --- Taxonomy ----------------------------------------------------------------------------------


def test_the_taxonomy_load_keeps_what_curators_changed(taxonomy: Path) -> None:
    kubernetes = Skill.objects.get(name="Kubernetes")
    kubernetes.category = "Containers"
    kubernetes.save()
    SkillAlias.objects.filter(alias="kube").update(skill=Skill.objects.get(name="OpenShift"))
    SkillAlias.objects.filter(alias="k8s").delete()
    curated = Skill.objects.create(name="Prompt Injection Testing", category="")

    report = taxonomy_load(directory=taxonomy)

    assert report.skills_created == 0
    assert Skill.objects.get(name="Kubernetes").category == "Containers"
    assert SkillAlias.objects.get(alias="kube").skill.name == "OpenShift"
    assert "alias 'kube' belongs to another skill" in report.conflicts
    assert SkillAlias.objects.get(alias="k8s").skill == kubernetes
    assert report.aliases_created == 1
    assert Skill.objects.filter(pk=curated.pk).exists()


def test_loading_the_taxonomy_feeds_the_skill_matcher(taxonomy: Path) -> None:
    hits = skill_matcher().find("Shipped C# services on k8s; prototyped in sklearn.")
    assert [h.name for h in hits] == ["C#", "Kubernetes", "scikit-learn"]


def test_skills_get_readable_distinct_slugs(taxonomy: Path) -> None:
    slugs = dict(
        Skill.objects.filter(name__in=["C", "C++", "C#", ".NET", "F#"]).values_list("name", "slug")
    )
    assert slugs == {
        "C": "c",
        "C++": "c-plus-plus",
        "C#": "c-sharp",
        ".NET": "dot-net",
        "F#": "f-sharp",
    }


def test_industries_are_shared_between_roles(taxonomy: Path, small_catalog: Path) -> None:
    catalog_load(directory=small_catalog)
    technology = Industry.objects.get(name="Technology")
    assert technology.roles.count() == 3


# --- The public page ---------------------------------------------------------------------------


def test_the_ml_engineer_page_shows_all_nine_sections_filled(
    client: Client, taxonomy: Path, small_catalog: Path
) -> None:
    catalog_load(directory=small_catalog)
    spec = next(s for s in read_catalog(small_catalog, read_taxonomy()) if s.slug == ML)

    response = client.get(f"/roles/{ML}/")

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    sections = {s["id"]: s for s in page.select("section.role-section")}
    assert list(sections) == [
        "overview",
        "responsibilities",
        "evaluate",
        "interview",
        "salary",
        "day",
        "skills",
        "industries",
        "related",
    ]
    for section in sections.values():
        assert not section.select("p.muted"), f"{section['id']} shows a placeholder"

    def text(section: str) -> str:
        return " ".join(sections[section].get_text(" ").split())

    def squash(value: str) -> str:
        return " ".join(value.split())

    assert squash(spec.description.split("\n\n")[0]) in text("overview")
    assert [li.get_text(strip=True) for li in sections["responsibilities"].select("li")] == list(
        spec.responsibilities
    )
    assert [h.get_text(strip=True) for h in sections["evaluate"].select("h3")] == [
        title for title, _ in spec.evaluation
    ]
    for topic in spec.interview_topics:
        assert topic.title in text("interview")
        assert all(squash(q) in text("interview") for q in topic.questions)
    assert "$120,000" in text("salary")
    assert len(sections["salary"].select("tbody tr")) == len(spec.salaries)
    assert squash(spec.day_in_the_life.split("\n\n")[0]) in text("day")
    skill_names = [s.get_text(strip=True) for s in sections["skills"].select(".skill-name")]
    assert sorted(skill_names) == sorted(s.name for s in spec.skills)
    for name in ("Technology", "Healthcare", "Fintech", "Automotive"):
        assert name in text("industries")
    related = {a["href"] for a in sections["related"].select("a")}
    assert related == {f"/roles/{slug}/" for slug in spec.related_roles}
    assert b"Start matching candidates for Machine Learning Engineer" in response.content
