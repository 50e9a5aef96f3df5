"""Reads and validates the default catalog: the skills taxonomy (TSV) and the role pages (YAML).

Pure: no Django, so the data can be checked in isolation. `roles.catalog` writes the result to the
database. Every problem is reported with the file and the field (or line) at fault, in words a
curator editing the files can act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
SKILLS_DIR = DATA_DIR / "skills"
CATALOG_DIR = DATA_DIR / "catalog"

TSV_HEADER = ["name", "category", "aliases"]

FAMILIES = (
    "Technology",
    "Data",
    "Healthcare",
    "Finance",
    "Automotive & Engineering",
    "Sales & Marketing",
    "HR",
    "Legal",
    "Education",
    "Hospitality",
    "Design",
    "Operations",
)

MIN_SKILLS = 8
MIN_RESPONSIBILITIES = 6
MIN_EVALUATION = 4
MIN_TOPICS = 5
MIN_QUESTIONS = 2

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ONET = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

_TOP_LEVEL = {
    "title",
    "slug",
    "family",
    "alternate_titles",
    "onet_code",
    "summary",
    "description",
    "day_in_the_life",
    "salary_context",
    "salary",
    "responsibilities",
    "evaluation",
    "interview_topics",
    "skills",
    "industries",
    "related_roles",
}


class CatalogError(ValueError):
    """A file of the default catalog is malformed. `where` is "file: field" or "file:line"."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


# --- Taxonomy ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillRow:
    name: str
    category: str
    aliases: tuple[str, ...]
    source: str  # "file.tsv:line", for messages


@dataclass
class Taxonomy:
    skills: list[SkillRow]
    # Lower-cased name or alias -> canonical name.
    lookup: dict[str, str]

    def resolve(self, text: str) -> str | None:
        return self.lookup.get(text.strip().casefold())


def read_taxonomy(directory: Path = SKILLS_DIR) -> Taxonomy:
    """Every `*.tsv` in `directory`, checked: one skill per name, one skill per alias."""
    rows: list[SkillRow] = []
    names: dict[str, SkillRow] = {}
    aliases: dict[str, SkillRow] = {}
    files = sorted(directory.glob("*.tsv"))
    if not files:
        raise CatalogError(str(directory), "no skills files (*.tsv) found")
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or lines[0].split("\t") != TSV_HEADER:
            raise CatalogError(
                f"{path.name}:1", "the first line must be the header name<TAB>category<TAB>aliases"
            )
        for number, line in enumerate(lines[1:], start=2):
            where = f"{path.name}:{number}"
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise CatalogError(
                    where, f"expected 3 tab-separated columns, found {len(parts)}: {line!r}"
                )
            name, category, alias_text = (p.strip() for p in parts)
            if not name:
                raise CatalogError(where, "the skill name is empty")
            if not category:
                raise CatalogError(where, f"{name!r} has no category")
            row_aliases = tuple(a.strip() for a in alias_text.split("|") if a.strip())
            row = SkillRow(name=name, category=category, aliases=row_aliases, source=where)
            key = name.casefold()
            if key in names:
                raise CatalogError(where, f"{name!r} is already defined at {names[key].source}")
            if key in aliases:
                raise CatalogError(
                    where,
                    f"{name!r} is already an alias of {aliases[key].name!r} "
                    f"({aliases[key].source})",
                )
            names[key] = row
            for alias in row_aliases:
                akey = alias.casefold()
                if akey == key:
                    raise CatalogError(where, f"alias {alias!r} repeats the skill's own name")
                other = aliases.get(akey) or names.get(akey)
                if other is not None:
                    raise CatalogError(
                        where,
                        f"alias {alias!r} of {name!r} already belongs to {other.name!r} "
                        f"({other.source})",
                    )
                aliases[akey] = row
            rows.append(row)
    lookup = {key: row.name for key, row in names.items()}
    lookup.update({key: row.name for key, row in aliases.items()})
    return Taxonomy(skills=rows, lookup=lookup)


# --- Role pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalarySpec:
    level: str
    currency: str
    min_amount: int
    max_amount: int
    region: str
    source_note: str


@dataclass(frozen=True)
class TopicSpec:
    title: str
    questions: tuple[str, ...]
    skill: str | None  # canonical taxonomy name


@dataclass(frozen=True)
class SkillSpec:
    name: str  # canonical taxonomy name
    weight: int
    must_have: bool
    min_years: int | None


@dataclass(frozen=True)
class RoleSpec:
    source: str
    title: str
    slug: str
    family: str
    alternate_titles: tuple[str, ...]
    onet_code: str
    summary: str
    description: str
    day_in_the_life: str
    salary_context: str
    salaries: tuple[SalarySpec, ...]
    responsibilities: tuple[str, ...]
    evaluation: tuple[tuple[str, str], ...]
    interview_topics: tuple[TopicSpec, ...]
    skills: tuple[SkillSpec, ...]
    industries: tuple[str, ...]
    related_roles: tuple[str, ...] = field(default=())


class _Reader:
    """Typed access to one YAML mapping, raising CatalogError that names the file and field."""

    def __init__(self, filename: str, data: Mapping[str, Any], prefix: str = "") -> None:
        self.filename = filename
        self.data = data
        self.prefix = prefix

    def where(self, key: str) -> str:
        return f"{self.filename}: {self.prefix}{key}"

    def fail(self, key: str, message: str) -> CatalogError:
        return CatalogError(self.where(key), message)

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(key, "is required and must not be empty")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, f"must be text, not {type(value).__name__}")
        return str(value).strip()

    def integer(self, key: str, *, low: int, high: int) -> int:
        value = self.optional_integer(key, low=low, high=high)
        if value is None:
            raise self.fail(key, "is required")
        return value

    def optional_integer(self, key: str, *, low: int, high: int) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"must be a whole number from {low} to {high}, not {value!r}")
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def items(self, key: str, *, minimum: int = 0) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            value = []
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list, not {type(value).__name__}")
        if len(value) < minimum:
            raise self.fail(key, f"needs at least {minimum} entries, found {len(value)}")
        return value

    def texts(self, key: str, *, minimum: int = 0) -> tuple[str, ...]:
        out = []
        for i, item in enumerate(self.items(key, minimum=minimum)):
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                raise self.fail(f"{key}[{i}]", "must be text")
            if not str(item).strip():
                raise self.fail(f"{key}[{i}]", "must not be empty")
            out.append(str(item).strip())
        return tuple(out)

    def mapping(self, key: str) -> _Reader:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "is required and must be a mapping of fields")
        return _Reader(self.filename, value, prefix=f"{self.prefix}{key}.")

    def entry(self, key: str, index: int, value: Any) -> _Reader:
        if not isinstance(value, dict):
            raise self.fail(f"{key}[{index}]", "must be a mapping of fields")
        return _Reader(self.filename, value, prefix=f"{self.prefix}{key}[{index}].")


def _load(path: Path) -> dict[str, Any]:
    filename = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct starts, which is where to look.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(f"{filename}{line}", f"is not valid YAML: {problem}") from exc
    if not isinstance(data, dict):
        raise CatalogError(filename, "must be a YAML mapping of fields")
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        raise CatalogError(
            f"{filename}: {unknown[0]}", "is not a field of the role schema (see README.md)"
        )
    return data


def _salaries(r: _Reader) -> list[SalarySpec]:
    salary = r.mapping("salary")
    currency = salary.text("currency")
    if not _CURRENCY.match(currency):
        raise salary.fail("currency", f'{currency!r} must be a three-letter ISO code like "USD"')
    region = salary.text("region")
    source_note = salary.text("source_note", required=False)
    salaries = []
    for i, item in enumerate(salary.items("ranges", minimum=1)):
        band = salary.entry("ranges", i, item)
        low = band.integer("min", low=0, high=10_000_000)
        high = band.integer("max", low=0, high=10_000_000)
        if low > high:
            raise band.fail("max", f"{high} is below the minimum {low}")
        salaries.append(
            SalarySpec(
                level=band.text("level"),
                currency=currency,
                min_amount=low,
                max_amount=high,
                region=region,
                source_note=source_note,
            )
        )
    return salaries


def _topics(r: _Reader, taxonomy: Taxonomy) -> list[TopicSpec]:
    topics = []
    for i, item in enumerate(r.items("interview_topics", minimum=MIN_TOPICS)):
        topic = r.entry("interview_topics", i, item)
        skill_text = topic.text("skill", required=False)
        skill = None
        if skill_text:
            skill = taxonomy.resolve(skill_text)
            if skill is None:
                raise topic.fail("skill", f"{skill_text!r} is not a skill in the taxonomy")
        topics.append(
            TopicSpec(
                title=topic.text("title"),
                questions=topic.texts("questions", minimum=MIN_QUESTIONS),
                skill=skill,
            )
        )
    return topics


def _skills(r: _Reader, taxonomy: Taxonomy) -> list[SkillSpec]:
    skills: list[SkillSpec] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(r.items("skills", minimum=MIN_SKILLS)):
        entry = r.entry("skills", i, item)
        written = entry.text("name")
        canonical = taxonomy.resolve(written)
        if canonical is None:
            raise entry.fail("name", f"{written!r} is not a skill in the taxonomy")
        if canonical in seen:
            raise entry.fail(
                "name", f"{written!r} is the same skill as skills[{seen[canonical]}] ({canonical})"
            )
        seen[canonical] = i
        weight = entry.integer("weight", low=1, high=5)
        skills.append(
            SkillSpec(
                name=canonical,
                weight=weight,
                must_have=entry.boolean("must_have", default=False),
                min_years=entry.optional_integer("min_years", low=0, high=40),
            )
        )
    return skills


def parse_role(path: Path, taxonomy: Taxonomy) -> RoleSpec:
    """One role file, validated against the schema in data/catalog/README.md."""
    filename = path.name
    r = _Reader(filename, _load(path))

    slug = r.text("slug")
    if not _SLUG.match(slug):
        raise r.fail("slug", f"{slug!r} must be lower-case words joined by hyphens")
    if slug != path.stem:
        raise r.fail("slug", f"{slug!r} must match the file name {path.stem!r}")
    family = r.text("family")
    if family not in FAMILIES:
        raise r.fail("family", f"{family!r} is not one of: {', '.join(FAMILIES)}")
    onet_code = r.text("onet_code", required=False)
    if onet_code and not _ONET.match(onet_code):
        raise r.fail("onet_code", f'{onet_code!r} must look like "15-2051.00" (quote it)')

    salaries = _salaries(r)
    evaluation = []
    for i, item in enumerate(r.items("evaluation", minimum=MIN_EVALUATION)):
        crit = r.entry("evaluation", i, item)
        evaluation.append((crit.text("title"), crit.text("guidance")))
    topics = _topics(r, taxonomy)
    skills = _skills(r, taxonomy)

    related = r.texts("related_roles")
    for i, other in enumerate(related):
        if other == slug:
            raise r.fail(f"related_roles[{i}]", "a role cannot be related to itself")

    return RoleSpec(
        source=filename,
        title=r.text("title"),
        slug=slug,
        family=family,
        alternate_titles=r.texts("alternate_titles"),
        onet_code=onet_code,
        summary=r.text("summary"),
        description=r.text("description"),
        day_in_the_life=r.text("day_in_the_life"),
        salary_context=r.text("salary_context"),
        salaries=tuple(salaries),
        responsibilities=r.texts("responsibilities", minimum=MIN_RESPONSIBILITIES),
        evaluation=tuple(evaluation),
        interview_topics=tuple(topics),
        skills=tuple(skills),
        industries=_unique(r.texts("industries")),
        related_roles=_unique(related),
    )


def read_catalog(directory: Path = CATALOG_DIR, taxonomy: Taxonomy | None = None) -> list[RoleSpec]:
    """Every role file, validated, with related-role slugs checked against the whole set."""
    taxonomy = taxonomy or read_taxonomy()
    specs = [parse_role(path, taxonomy) for path in sorted(directory.glob("*.yaml"))]
    check_related(specs)
    return specs


def check_related(specs: Iterable[RoleSpec], known: Iterable[str] = ()) -> None:
    specs = list(specs)
    slugs = {s.slug for s in specs} | set(known)
    for spec in specs:
        for i, other in enumerate(spec.related_roles):
            if other not in slugs:
                raise CatalogError(
                    f"{spec.source}: related_roles[{i}]",
                    f"{other!r} is not the slug of a role in the catalog",
                )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
