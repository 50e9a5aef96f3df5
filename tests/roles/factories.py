"""Builds complete role pages for tests, independent of the default catalog's data files."""

from __future__ import annotations

from typing import Any

from roles.models import (
    EvaluationCriterion,
    Industry,
    InterviewTopic,
    Responsibility,
    Role,
    RoleSkill,
    SalaryRange,
    Skill,
    SkillAlias,
)


def skill(name: str, *aliases: str, category: str = "Technology") -> Skill:
    obj, _ = Skill.objects.get_or_create(name=name, defaults={"category": category})
    for alias in aliases:
        SkillAlias.objects.get_or_create(skill=obj, alias=alias)
    return obj


def industry(name: str) -> Industry:
    obj, _ = Industry.objects.get_or_create(name=name)
    return obj


def make_role(
    title: str = "Machine Learning Engineer",
    *,
    status: str = Role.Status.PUBLISHED,
    organisation: Any = None,
    skills: list[tuple[str, int, bool]] | None = None,
    industries: list[str] | None = None,
    **fields: Any,
) -> Role:
    defaults: dict[str, Any] = {
        "family": "Technology",
        "summary": f"{title}s design, build and run the systems their teams depend on.",
        "description": f"The {title} turns research into production software.\n\n"
        "They care about reliability as much as accuracy.",
        "day_in_the_life": "Mornings start with dashboards; afternoons with pipeline tests.",
        "salary_context": "Pay is high because supply is scarce.",
        "alternate_titles": ["MLE", "ML Platform Engineer"],
    }
    defaults.update(fields)
    role = Role.objects.create(title=title, status=status, organisation=organisation, **defaults)
    for i, text in enumerate(["Deploy models behind APIs", "Monitor drift in production"]):
        Responsibility.objects.create(role=role, text=text, order=i)
    EvaluationCriterion.objects.create(
        role=role, title="Production engineering", guidance="Ask about a model they shipped."
    )
    topic_skill = skill("Python", "py", category="Programming Languages")
    InterviewTopic.objects.create(
        role=role,
        title="Model serving",
        questions=["How would you cut p99 latency of a model endpoint?"],
        skill=topic_skill,
    )
    SalaryRange.objects.create(
        role=role,
        level="Entry",
        currency="USD",
        min_amount=120000,
        max_amount=150000,
        region="United States",
        source_note="RoleMatch estimate",
        order=0,
    )
    SalaryRange.objects.create(
        role=role,
        level="Senior",
        currency="USD",
        min_amount=180000,
        max_amount=250000,
        region="United States",
        order=1,
    )
    for name, weight, must in skills or [("Python", 5, True), ("Kubernetes", 3, False)]:
        RoleSkill.objects.create(role=role, skill=skill(name), weight=weight, must_have=must)
    for name in industries or ["Technology", "Healthcare"]:
        role.industries.add(industry(name))
    return role
