from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from roles.models import Skill, SkillAlias
from roles.selectors import skill_matcher, skill_matcher_reset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_matcher():
    skill_matcher_reset()
    yield
    skill_matcher_reset()


def test_it_builds_the_matcher_from_skills_and_aliases() -> None:
    kube = Skill.objects.create(name="Kubernetes", category="Cloud & DevOps")
    SkillAlias.objects.create(skill=kube, alias="k8s")
    hits = skill_matcher().find("Ran k8s in production")
    assert [(h.skill_id, h.name) for h in hits] == [(kube.pk, "Kubernetes")]


def test_it_reuses_the_matcher_while_the_taxonomy_is_unchanged() -> None:
    Skill.objects.create(name="Python")
    assert skill_matcher() is skill_matcher()


def test_a_new_alias_is_seen_without_a_restart() -> None:
    sk = Skill.objects.create(name="scikit-learn")
    assert skill_matcher().find("sklearn") == []
    SkillAlias.objects.create(skill=sk, alias="sklearn")
    assert [h.name for h in skill_matcher().find("sklearn")] == ["scikit-learn"]


def test_an_edit_or_delete_rebuilds_the_matcher() -> None:
    sk = Skill.objects.create(name="Postgres")
    first = skill_matcher()
    sk.name = "PostgreSQL"
    sk.save()
    assert [h.name for h in skill_matcher().find("PostgreSQL 16")] == ["PostgreSQL"]
    sk.delete()
    assert skill_matcher() is not first
    assert skill_matcher().find("PostgreSQL 16") == []


def test_aliases_are_unique_whatever_their_case() -> None:
    sk = Skill.objects.create(name="JavaScript")
    SkillAlias.objects.create(skill=sk, alias="JS")
    with pytest.raises(IntegrityError), transaction.atomic():
        SkillAlias.objects.create(skill=sk, alias="js")


def test_a_spoken_language_reads_its_category_from_the_database() -> None:
    Skill.objects.create(name="Japanese", category="Spoken Languages")
    assert skill_matcher().find("Implemented Japanese payroll systems") == []
    assert [h.name for h in skill_matcher().find("Fluent in Japanese")] == ["Japanese"]
