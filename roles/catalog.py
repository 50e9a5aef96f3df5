"""Loads RoleMatch's default catalog: the skills taxonomy, then the public role pages.

Both loaders are `manage.py bootstrap` steps and are safe to run on every deploy:

- `load_taxonomy` adds the skills and aliases of `data/skills/*.tsv` that are missing. It never
  deletes, renames or moves anything, so curators' changes in the admin survive.
- `load_default_catalog` creates or refreshes every `data/catalog/*.yaml` role as a published
  public role. A role that anyone else has touched since the loader wrote it (a curator in the
  admin, a publish, a revert, the O*NET import) is left exactly as it is: the loader marks every
  history row it writes with `LOADER_REASON`, and any other history row on the role or its
  sections means someone else owns the page now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from roles.catalog_files import (
    CATALOG_DIR,
    SKILLS_DIR,
    CatalogError,
    RoleSpec,
    Taxonomy,
    check_related,
    parse_role,
    read_taxonomy,
)
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
from roles.selectors import role_cache_invalidate, skill_matcher_reset

LOADER_REASON = "Loaded from the default catalog"
ROLE_CREDIT = "Written by the RoleMatch editorial team."

# Any, not type[Model]: django-simple-history adds `history` to each model as it is created.
_SECTION_MODELS: tuple[Any, ...] = (
    Responsibility,
    EvaluationCriterion,
    InterviewTopic,
    SalaryRange,
    RoleSkill,
)

__all__ = [
    "LOADER_REASON",
    "CatalogError",
    "CatalogReport",
    "TaxonomyReport",
    "catalog_load",
    "load_default_catalog",
    "load_taxonomy",
    "role_changed_since_load",
    "taxonomy_load",
]


def load_taxonomy() -> str:
    """Bootstrap step: the skills taxonomy."""
    return str(taxonomy_load())


def load_default_catalog() -> str:
    """Bootstrap step: the public role pages (after `load_taxonomy`)."""
    return str(catalog_load())


# --- Taxonomy ----------------------------------------------------------------------------------


@dataclass
class TaxonomyReport:
    skills_created: int = 0
    skills_present: int = 0
    aliases_created: int = 0
    aliases_present: int = 0
    conflicts: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"skills: {self.skills_created} created, {self.skills_present} already present; "
            f"aliases: {self.aliases_created} created, {self.aliases_present} already present"
        )
        if self.conflicts:
            text += f"; {len(self.conflicts)} kept as curated ({'; '.join(self.conflicts[:5])})"
        return text


_SLUG_WORDS = (("++", " plus plus "), ("+", " plus "), ("#", " sharp "), ("&", " and "))


def skill_slug(name: str, taken: set[str]) -> str:
    """A readable slug that keeps C, C++ and C# apart ("c", "c-plus-plus", "c-sharp")."""
    text = name
    for symbol, word in _SLUG_WORDS:
        text = text.replace(symbol, word)
    text = re.sub(r"(^|\s)\.(?=\w)", r"\1dot ", text)  # ".NET" -> "dot net"
    base = slugify(text)[:200] or "skill"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def taxonomy_load(*, directory: Path = SKILLS_DIR) -> TaxonomyReport:
    """Adds the missing skills and aliases of every TSV file; idempotent."""
    taxonomy = read_taxonomy(directory)
    report = TaxonomyReport()
    with transaction.atomic():
        by_name: dict[str, int] = {}
        blank_category: set[int] = set()
        for pk, name, category in Skill.objects.values_list("id", "name", "category"):
            by_name[name.casefold()] = pk
            if not category:
                blank_category.add(pk)
        slugs = set(Skill.objects.values_list("slug", flat=True))

        new_skills = []
        for row in taxonomy.skills:
            if row.name.casefold() in by_name:
                report.skills_present += 1
                continue
            new_skills.append(
                Skill(name=row.name, slug=skill_slug(row.name, slugs), category=row.category)
            )
        if new_skills:
            bulk_create_with_history(new_skills, Skill, default_change_reason=LOADER_REASON)
            report.skills_created = len(new_skills)
            by_name = {n.casefold(): pk for pk, n in Skill.objects.values_list("id", "name")}

        # A category left empty (a skill a curator added by name only) is filled in; a category
        # someone chose is theirs.
        for row in taxonomy.skills:
            pk = by_name[row.name.casefold()]
            if pk in blank_category:
                skill = Skill.objects.get(pk=pk)
                skill.category = row.category
                skill._change_reason = LOADER_REASON
                skill.save(update_fields=["category", "updated_at"])

        alias_owner = {
            alias.casefold(): skill_id
            for alias, skill_id in SkillAlias.objects.values_list("alias", "skill_id")
        }
        new_aliases = []
        for row in taxonomy.skills:
            skill_id = by_name[row.name.casefold()]
            for alias in row.aliases:
                key = alias.casefold()
                owner = alias_owner.get(key)
                if owner == skill_id:
                    report.aliases_present += 1
                elif owner is not None:
                    report.conflicts.append(f"alias {alias!r} belongs to another skill")
                elif key in by_name:
                    report.conflicts.append(f"alias {alias!r} is the name of another skill")
                else:
                    alias_owner[key] = skill_id
                    new_aliases.append(SkillAlias(skill_id=skill_id, alias=alias))
        if new_aliases:
            bulk_create_with_history(new_aliases, SkillAlias, default_change_reason=LOADER_REASON)
            report.aliases_created = len(new_aliases)
        transaction.on_commit(_reset_matcher)
    return report


def _reset_matcher() -> None:
    skill_matcher_reset()


def taxonomy_from_db() -> Taxonomy:
    """The taxonomy as the database holds it, curators' names and aliases included."""
    lookup = {name.casefold(): name for name in Skill.objects.values_list("name", flat=True)}
    for alias, name in SkillAlias.objects.values_list("alias", "skill__name"):
        lookup.setdefault(alias.casefold(), name)
    return Taxonomy(skills=[], lookup=lookup)


# --- Role pages --------------------------------------------------------------------------------


@dataclass
class CatalogReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "slug (why)"

    def __str__(self) -> str:
        text = (
            f"roles: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
        )
        if self.skipped:
            text += f" ({'; '.join(self.skipped)})"
        return text


def role_changed_since_load(role: Role) -> bool:
    """True when a history row on the role or its sections was written by anyone but the loader."""
    if Role.history.filter(id=role.pk).exclude(history_change_reason=LOADER_REASON).exists():
        return True
    return any(
        model.history.filter(role_id=role.pk).exclude(history_change_reason=LOADER_REASON).exists()
        for model in _SECTION_MODELS
    )


def catalog_load(*, directory: Path = CATALOG_DIR) -> CatalogReport:
    """Creates or refreshes every role file as a published public role; idempotent.

    Everything is validated before anything is written, so a bad file changes nothing. The whole
    load is one transaction: related roles are linked after every role exists.
    """
    taxonomy = taxonomy_from_db()
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise CatalogError(str(directory), "no role files (*.yaml) found")
    try:
        specs = [parse_role(path, taxonomy) for path in paths]
    except CatalogError as exc:
        if "is not a skill in the taxonomy" in exc.message and not taxonomy.lookup:
            raise CatalogError(
                exc.where, f"{exc.message} (the taxonomy is empty: run load_taxonomy first)"
            ) from exc
        raise
    public_slugs = set(
        Role.objects.filter(organisation__isnull=True).values_list("slug", flat=True)
    )
    check_related(specs, known=public_slugs)
    private_slugs = set(
        Role.objects.filter(organisation__isnull=False).values_list("slug", flat=True)
    )
    linkable = (public_slugs | {s.slug for s in specs}) - private_slugs

    report = CatalogReport()
    skill_ids = {name.casefold(): pk for pk, name in Skill.objects.values_list("id", "name")}
    changed: list[str] = []
    with transaction.atomic():
        loaded: list[tuple[RoleSpec, Role]] = []
        for spec in specs:
            role = _load_role(spec, skill_ids=skill_ids, linkable=linkable, report=report)
            if role is not None:
                loaded.append((spec, role))
        for spec, role in loaded:
            if spec.slug in report.unchanged:
                continue
            related = Role.objects.filter(
                organisation__isnull=True, slug__in=spec.related_roles
            ).exclude(pk=role.pk)
            role.related_roles.set(related)
            changed.append(role.slug)
        transaction.on_commit(lambda: _invalidate_pages(changed))
    return report


def _invalidate_pages(slugs: Iterable[str]) -> None:
    for slug in slugs:
        role_cache_invalidate(slug=slug)


def _load_role(
    spec: RoleSpec, *, skill_ids: dict[str, int], linkable: set[str], report: CatalogReport
) -> Role | None:
    role = Role.objects.select_for_update().filter(slug=spec.slug).first()
    if role is None:
        role = Role(slug=spec.slug, status=Role.Status.PUBLISHED, version=1)
        _write_role(role, spec, skill_ids=skill_ids)
        report.created.append(spec.slug)
        return role
    if role.organisation_id is not None:
        report.skipped.append(f"{spec.slug} (the address belongs to an organisation's own role)")
        return None
    if role_changed_since_load(role):
        report.skipped.append(f"{spec.slug} (changed by a curator since it was loaded)")
        return None
    if _snapshot_of_role(role) == _snapshot_of_spec(spec, linkable=linkable):
        report.unchanged.append(spec.slug)
        return role
    role.version += 1
    _write_role(role, spec, skill_ids=skill_ids)
    report.updated.append(spec.slug)
    return role


def _write_role(role: Role, spec: RoleSpec, *, skill_ids: dict[str, int]) -> None:
    role.title = spec.title
    role.family = spec.family
    role.alternate_titles = list(spec.alternate_titles)
    role.onet_code = spec.onet_code
    role.summary = spec.summary
    role.description = spec.description
    role.day_in_the_life = spec.day_in_the_life
    role.salary_context = spec.salary_context
    role.source_note = ROLE_CREDIT
    role.status = Role.Status.PUBLISHED
    role.published_at = timezone.now()
    role._change_reason = LOADER_REASON
    role.save()

    for model in _SECTION_MODELS:
        # One by one, so each deletion's history row carries the loader's reason.
        for row in model._default_manager.filter(role=role):
            row._change_reason = LOADER_REASON
            row.delete()

    sections = _sections(role, spec, skill_ids=skill_ids)
    for model, rows in sections:
        bulk_create_with_history(rows, model, default_change_reason=LOADER_REASON)

    role.industries.set([_industry(name) for name in spec.industries])


def _topic_rows(role: Role, spec: RoleSpec, *, skill_ids: dict[str, int]) -> list[Any]:
    return [
        InterviewTopic(
            role=role,
            title=t.title,
            questions=list(t.questions),
            skill_id=skill_ids[t.skill.casefold()] if t.skill else None,
            order=i,
        )
        for i, t in enumerate(spec.interview_topics)
    ]


def _salary_rows(role: Role, spec: RoleSpec) -> list[Any]:
    return [
        SalaryRange(
            role=role,
            level=s.level,
            currency=s.currency,
            min_amount=s.min_amount,
            max_amount=s.max_amount,
            region=s.region,
            source_note=s.source_note,
            order=i,
        )
        for i, s in enumerate(spec.salaries)
    ]


def _sections(
    role: Role, spec: RoleSpec, *, skill_ids: dict[str, int]
) -> list[tuple[type[models.Model], list[Any]]]:
    """The role's sections as the file gives them, as rows not yet saved, model by model."""
    return [
        (
            Responsibility,
            [
                Responsibility(role=role, text=text, order=i)
                for i, text in enumerate(spec.responsibilities)
            ],
        ),
        (
            EvaluationCriterion,
            [
                EvaluationCriterion(role=role, title=title, guidance=guidance, order=i)
                for i, (title, guidance) in enumerate(spec.evaluation)
            ],
        ),
        (InterviewTopic, _topic_rows(role, spec, skill_ids=skill_ids)),
        (SalaryRange, _salary_rows(role, spec)),
        (
            RoleSkill,
            [
                RoleSkill(
                    role=role,
                    skill_id=skill_ids[s.name.casefold()],
                    weight=s.weight,
                    must_have=s.must_have,
                    min_years=s.min_years,
                )
                for s in spec.skills
            ],
        ),
    ]


def _industry(name: str) -> Industry:
    existing = Industry.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    industry = Industry(name=name)
    industry.save()
    return industry


def _snapshot_of_role(role: Role) -> dict[str, Any]:
    return {
        "title": role.title,
        "family": role.family,
        "alternate_titles": list(role.alternate_titles or []),
        "onet_code": role.onet_code,
        "summary": role.summary,
        "description": role.description,
        "day_in_the_life": role.day_in_the_life,
        "salary_context": role.salary_context,
        "source_note": role.source_note,
        "status": role.status,
        "responsibilities": [r.text for r in role.responsibilities.all()],
        "evaluation": [(c.title, c.guidance) for c in role.evaluation_criteria.all()],
        "topics": [
            (t.title, list(t.questions), t.skill.name if t.skill else None)
            for t in role.interview_topics.select_related("skill")
        ],
        "salaries": [
            (s.level, s.currency, s.min_amount, s.max_amount, s.region, s.source_note)
            for s in role.salary_ranges.all()
        ],
        "skills": sorted(
            (rs.skill.name, rs.weight, rs.must_have, rs.min_years)
            for rs in role.role_skills.select_related("skill")
        ),
        "industries": sorted(i.name.casefold() for i in role.industries.all()),
        "related": sorted(role.related_roles.values_list("slug", flat=True)),
    }


def _snapshot_of_spec(spec: RoleSpec, *, linkable: set[str]) -> dict[str, Any]:
    return {
        "title": spec.title,
        "family": spec.family,
        "alternate_titles": list(spec.alternate_titles),
        "onet_code": spec.onet_code,
        "summary": spec.summary,
        "description": spec.description,
        "day_in_the_life": spec.day_in_the_life,
        "salary_context": spec.salary_context,
        "source_note": ROLE_CREDIT,
        "status": Role.Status.PUBLISHED,
        "responsibilities": list(spec.responsibilities),
        "evaluation": list(spec.evaluation),
        "topics": [(t.title, list(t.questions), t.skill) for t in spec.interview_topics],
        "salaries": [
            (s.level, s.currency, s.min_amount, s.max_amount, s.region, s.source_note)
            for s in spec.salaries
        ],
        "skills": sorted((s.name, s.weight, s.must_have, s.min_years) for s in spec.skills),
        "industries": sorted(name.casefold() for name in spec.industries),
        "related": sorted(slug for slug in spec.related_roles if slug in linkable),
    }
