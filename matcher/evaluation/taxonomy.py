"""The skills taxonomy read straight from `roles/data/skills/*.tsv`, for runs without a database.

`rank_resumes` and `evaluate_ranking` use the database's taxonomy when it is loaded and fall back
to these files, which are what `roles.catalog.load_taxonomy` loads. No Django import.
"""

from __future__ import annotations

import csv
import logging
from functools import cache
from pathlib import Path

from roles.taxonomy import SkillMatcher

logger = logging.getLogger(__name__)

SKILLS_DIR = Path(__file__).resolve().parents[2] / "roles" / "data" / "skills"


def taxonomy_entries(folder: Path = SKILLS_DIR) -> list[tuple[int, str, list[str]]]:
    """(id, name, aliases), ids numbered in file order; a name seen twice keeps its first row."""
    return [(i, name, aliases) for i, name, _, aliases in _rows(folder)]


@cache
def file_skill_categories() -> dict[int, str]:
    return {i: category for i, _, category, _ in _rows(SKILLS_DIR)}


def _rows(folder: Path) -> list[tuple[int, str, str, list[str]]]:
    entries: list[tuple[int, str, str, list[str]]] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows, None)
            for row in rows:
                if not row or not row[0].strip() or row[0].startswith("#"):
                    continue
                name = row[0].strip()
                if name.lower() in seen:
                    continue
                seen.add(name.lower())
                aliases = [a.strip() for a in (row[2] if len(row) > 2 else "").split("|")]
                category = row[1].strip() if len(row) > 1 else ""
                entries.append((len(entries) + 1, name, category, [a for a in aliases if a]))
    return entries


@cache
def file_skill_matcher() -> SkillMatcher:
    # With the categories, as `roles.selectors.skill_matcher` builds it: a spoken language's
    # name is read as the language only where it is not a nationality adjective.
    return SkillMatcher(taxonomy_entries(), categories=file_skill_categories())


def best_skill_matcher() -> tuple[SkillMatcher, dict[int, str]]:
    """The database's taxonomy when it is loaded (what the product uses), else the files',
    with each skill's category."""
    try:
        # Inside the try: without a configured database (an offline evaluation) this import fails.
        from roles.models import Skill  # noqa: PLC0415
        from roles.selectors import skill_matcher  # noqa: PLC0415

        if Skill.objects.exists():
            return skill_matcher(), dict(Skill.objects.values_list("id", "category"))
    except Exception:  # no database configured or migrated: the files will do
        logger.info("taxonomy read from roles/data/skills (no database taxonomy)")
    return file_skill_matcher(), file_skill_categories()
