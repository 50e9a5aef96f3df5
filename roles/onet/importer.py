"""Creates and updates draft roles from the O*NET database, keyed by O*NET-SOC code.

The import owns a field only while nobody else has touched it. For every field it writes, it
keeps a hash of what it wrote (`Role.import_hashes`); on the next run a field whose current value
no longer hashes the same was edited by a curator and is left alone. A field that the import never
wrote and that already holds text (a hand-written catalog page with the same code) is left alone
too. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower

from roles import services
from roles.models import Responsibility, Role, RoleSkill, Skill, SkillAlias, unique_slug
from roles.onet.files import Occupation, load

MAX_RESPONSIBILITIES = 15
MAX_SKILLS = 25
MAX_ALTERNATE_TITLES = 15

FAMILIES = {
    "11": "Management",
    "13": "Business & Finance",
    "15": "Technology",
    "17": "Engineering",
    "19": "Science",
    "21": "Community & Social Service",
    "23": "Legal",
    "25": "Education",
    "27": "Design & Media",
    "29": "Healthcare",
    "31": "Healthcare",
    "33": "Protective Service",
    "35": "Hospitality",
    "37": "Facilities",
    "39": "Personal Care & Service",
    "41": "Sales & Marketing",
    "43": "Operations & Administration",
    "45": "Agriculture",
    "47": "Construction",
    "49": "Installation & Repair",
    "51": "Production & Manufacturing",
    "53": "Transportation & Logistics",
    "55": "Military",
}


def credit_line(version: str) -> str:
    return (
        f"Includes information from O*NET {version} by the U.S. Department of Labor, Employment "
        "and Training Administration (USDOL/ETA), used under the CC BY 4.0 license. O*NET® is a "
        "trademark of USDOL/ETA. RoleMatch has modified some of the information; USDOL/ETA has "
        "not approved, endorsed or tested these modifications."
    )


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skills_added: int = 0
    curated_fields_kept: int = 0
    kept: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.skills_added

    def summary(self) -> str:
        lines = [
            f"Roles created: {self.created}",
            f"Roles updated: {self.updated}",
            f"Roles unchanged: {self.unchanged}",
            f"Skills added to the taxonomy: {self.skills_added}",
            f"Curator-edited fields kept: {self.curated_fields_kept}",
        ]
        lines += [f"  kept {item}" for item in self.kept[:50]]
        if self.missing_files:
            lines.append("Files not found (skipped): " + ", ".join(self.missing_files))
        return "\n".join(lines)


def _hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


class _SkillResolver:
    """Finds a technology in the taxonomy by name or alias, adding it when it is new."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.by_name = {
            name: pk for pk, name in Skill.objects.annotate(k=Lower("name")).values_list("pk", "k")
        }
        for skill_id, alias in SkillAlias.objects.annotate(k=Lower("alias")).values_list(
            "skill_id", "k"
        ):
            self.by_name.setdefault(alias, skill_id)

    def __call__(self, name: str, category: str) -> int:
        key = name.lower()
        if key not in self.by_name:
            skill = Skill.objects.create(
                name=name[:200], slug=unique_slug(Skill, name), category=category[:120]
            )
            self.by_name[key] = skill.pk
            self.report.skills_added += 1
        return self.by_name[key]


def onet_import(
    *,
    directory: Path,
    codes: Collection[str] | None = None,
    limit: int | None = None,
    log: Callable[[str], None] | None = None,
) -> ImportReport:
    """Reads every file first (a malformed one stops everything), then writes role by role."""
    database = load(directory, codes=codes, limit=limit)
    report = ImportReport(missing_files=database.missing_files)
    resolver = _SkillResolver(report)
    credit = credit_line(database.version)
    roles: dict[str, tuple[Role, str]] = {}
    for occupation in database.occupations.values():
        roles[occupation.code] = _import_one(
            occupation, credit=credit, resolve=resolver, report=report
        )
    # Related roles link occupations that both exist as public roles, so a second pass.
    by_code = {
        r.onet_code: r
        for r in Role.objects.filter(organisation__isnull=True, draft_of__isnull=True).exclude(
            onet_code=""
        )
    }
    for occupation in database.occupations.values():
        role, outcome = roles[occupation.code]
        related = [by_code[c] for c in occupation.related if c in by_code][:8]
        if _apply_related(role, related, report=report) and outcome == "unchanged":
            outcome = "updated"
        if outcome == "updated":
            _republish_if_live(role)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if log:
            log(f"{outcome:>9}  {occupation.code}  {role.title}")
    return report


def _import_sections(
    role: Role,
    occ: Occupation,
    *,
    owned: Callable[[str, Any, bool], bool],
    hashes: dict[str, str],
    resolve: _SkillResolver,
) -> bool:
    """Writes the tasks and skills the import owns; True when either changed."""
    changed = False
    tasks = _ordered_tasks(occ)
    current_tasks = [r.text for r in role.responsibilities.all()]
    if owned("responsibilities", current_tasks, not current_tasks):
        hashes["responsibilities"] = _hash(tasks)
        if current_tasks != tasks:
            role.responsibilities.all().delete()
            Responsibility.objects.bulk_create(
                Responsibility(role=role, text=text, order=i) for i, text in enumerate(tasks)
            )
            changed = True

    current_skills = _current_skills(role)
    if owned("skills", current_skills, not current_skills):
        wanted_skills = _skill_rows(occ, resolve)
        hashes["skills"] = _hash(wanted_skills)
        if current_skills != wanted_skills:
            role.role_skills.all().delete()
            RoleSkill.objects.bulk_create(
                RoleSkill(role=role, skill_id=skill_id, weight=weight, must_have=False)
                for skill_id, weight in wanted_skills
            )
            changed = True
    return changed


@transaction.atomic
def _import_one(
    occ: Occupation, *, credit: str, resolve: _SkillResolver, report: ImportReport
) -> tuple[Role, str]:
    role = Role.objects.filter(
        organisation__isnull=True, draft_of__isnull=True, onet_code=occ.code
    ).first()
    created = role is None
    if role is None:
        role = Role(
            title=occ.title,
            slug=unique_slug(Role, occ.title),
            onet_code=occ.code,
            status=Role.Status.DRAFT,
        )
        role._change_reason = "Created by the O*NET import"
        role.save()
    hashes: dict[str, str] = dict(role.import_hashes)

    def owned(name: str, current: Any, empty: bool) -> bool:
        """May the import write this field? Only if it wrote it last, or the field is empty."""
        last = hashes.get(name)
        if last is None:
            return created or empty
        if _hash(current) == last:
            return True
        report.curated_fields_kept += 1
        report.kept.append(f"{occ.code} {name}")
        return False

    plain: dict[str, Any] = {
        "description": occ.description,
        "summary": _first_sentence(occ.description),
        "alternate_titles": occ.alternate_titles[:MAX_ALTERNATE_TITLES],
        "job_zone": occ.job_zone,
        "family": FAMILIES.get(occ.code[:2], ""),
        "source_note": credit,
    }
    dirty_fields = []
    for name, value in plain.items():
        current = getattr(role, name)
        if not owned(name, current, empty=current in ("", None, [])):
            continue
        hashes[name] = _hash(value)
        if current != value:
            setattr(role, name, value)
            dirty_fields.append(name)

    changed = _import_sections(role, occ, owned=owned, hashes=hashes, resolve=resolve)

    if dirty_fields or hashes != role.import_hashes:
        role.import_hashes = hashes
        role._change_reason = "Updated by the O*NET import"
        role.save()
    if created:
        return role, "created"
    return role, "updated" if changed or dirty_fields else "unchanged"


def _apply_related(role: Role, related: list[Role], *, report: ImportReport) -> bool:
    """Sets the related roles unless a curator chose them; True when the links changed."""
    wanted = sorted(r.onet_code for r in related)
    current = sorted(r.onet_code or r.slug for r in role.related_roles.all())
    hashes = dict(role.import_hashes)
    last = hashes.get("related_roles")
    if (last is None and current) or (last is not None and _hash(current) != last):
        report.curated_fields_kept += 1
        report.kept.append(f"{role.onet_code} related_roles")
        return False
    changed = current != wanted
    if changed:
        role.related_roles.set(related)
    if last != _hash(wanted):
        hashes["related_roles"] = _hash(wanted)
        Role.objects.filter(pk=role.pk).update(import_hashes=hashes)
        role.import_hashes = hashes
    return changed


def _republish_if_live(role: Role) -> None:
    if role.status == Role.Status.PUBLISHED:
        services.role_publish(role=role, actor=None)


def _ordered_tasks(occ: Occupation) -> list[str]:
    rank = {"Core": 0, "Supplemental": 1}
    ordered = sorted(occ.tasks, key=lambda t: rank.get(t.kind, 2))  # stable: file order kept
    return [t.text for t in ordered][:MAX_RESPONSIBILITIES]


def _skill_rows(occ: Occupation, resolve: _SkillResolver) -> list[list[int]]:
    """(skill id, weight) pairs: in-demand hot technologies first, then hot, then the rest."""

    def weight(hot: bool, in_demand: bool) -> int:
        return 5 if hot and in_demand else 4 if hot else 3 if in_demand else 2

    techs = sorted(occ.technologies, key=lambda t: -weight(t.hot, t.in_demand))
    rows: dict[int, int] = {}
    for tech in techs:
        if len(rows) >= MAX_SKILLS:
            break
        skill_id = resolve(tech.name, tech.category)
        rows.setdefault(skill_id, weight(tech.hot, tech.in_demand))
    return sorted([skill_id, w] for skill_id, w in rows.items())


def _current_skills(role: Role) -> list[list[int]]:
    return sorted([rs.skill_id, rs.weight] for rs in role.role_skills.all())
