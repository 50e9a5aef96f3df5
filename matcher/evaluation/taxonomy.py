"""The skills taxonomy read straight from `roles/data/skills/*.tsv`, for runs without a database.

`rank_resumes` and `evaluate_ranking` use the database's taxonomy when it is loaded and fall back
to these files, which are what `roles.catalog.load_taxonomy` loads. No Django import.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from roles.taxonomy import SkillMatcher

SKILLS_DIR = Path(__file__).resolve().parents[2] / "roles" / "data" / "skills"


def taxonomy_entries(folder: Path = SKILLS_DIR) -> list[tuple[int, str, list[str]]]:
    """(id, name, aliases), ids numbered in file order; a name seen twice keeps its first row."""
    entries: list[tuple[int, str, list[str]]] = []
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
                entries.append((len(entries) + 1, name, [a for a in aliases if a]))
    return entries


@cache
def file_skill_matcher() -> SkillMatcher:
    return SkillMatcher(taxonomy_entries())
