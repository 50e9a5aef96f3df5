"""`manage.py rank_resumes --resumes DIR --job FILE [--job FILE ...] [--json]`

Ranks every resume in DIR against each job description with the product's own parsing,
embedding and scoring. Nothing is stored and no credit is spent.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candidates.parsing import ParseError, extract
from candidates.parsing.document import written_date
from matcher import ranking
from matcher import reference as matcher_reference
from matcher.evaluation.taxonomy import best_skill_matcher
from matcher.scoring import ScoreResult


@dataclass
class JobRanking:
    job: str
    title: str
    results: list[tuple[str, ScoreResult]]


def read_resumes(folder: Path, stderr: Any) -> tuple[list[str], list[str], list[date | None]]:
    """(file names, texts, the days the files say they were saved) of the readable resumes;
    the others are reported on stderr."""
    names, texts, written = [], [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            parsed = extract(path.read_bytes(), path.name)
        except ParseError as exc:
            stderr.write(f"skipped {path.name}: {exc.message} ({exc.code})\n")
            continue
        except OSError as exc:
            stderr.write(f"skipped {path.name}: cannot be read ({exc.strerror})\n")
            continue
        names.append(path.name)
        texts.append(parsed.text)
        written.append(written_date(parsed.written))
    return names, texts, written


def rank_folder(resumes: Path, jobs: list[Path], stderr: Any = sys.stderr) -> list[JobRanking]:
    matcher, categories = best_skill_matcher()
    names, texts, written = read_resumes(resumes, stderr)
    features = ranking.resume_features(texts, matcher, written=written) if texts else []
    stats = ranking.pool_stats(features)
    out = []
    for job in jobs:
        text = job.read_text(encoding="utf-8", errors="replace")
        role = ranking.role_from_job_description(text, matcher, categories=categories)
        reference = matcher_reference.role_stats(role, matcher_reference.pool(matcher), stats)
        ranked = ranking.rank(role, features, stats, reference=reference) if features else []
        out.append(JobRanking(job.stem, role.title, [(names[i], r) for i, r in ranked]))
    return out


def as_json(rankings: list[JobRanking]) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "job": r.job,
                "ranking": [{"file": name, "score": result.score} for name, result in r.results],
            }
            for r in rankings
        ]
    }


def as_table(rankings: list[JobRanking]) -> str:
    lines: list[str] = []
    for r in rankings:
        lines.append(f"{r.job}  ({r.title})")
        if not r.results:
            lines.append("  no readable resume")
        width = max([len(name) for name, _ in r.results] + [6])
        lines.append(f"  {'#':>3}  {'score':>5}  {'tier':<8}  {'resume':<{width}}  matched skills")
        for rank, (name, result) in enumerate(r.results, start=1):
            found = sorted(
                (e for e in result.evidence if e.status == "found"),
                key=lambda e: (-e.must_have, -e.weight, e.name),
            )
            top = ", ".join(e.name for e in found[:5]) or "-"
            missing = result.missing_must_haves
            if missing:
                top += f"  | missing must-have: {', '.join(missing[:3])}"
            lines.append(
                f"  {rank:>3}  {result.score:>5.1f}  {result.tier:<8}  {name:<{width}}  {top}"
            )
        lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Rank every resume in a folder against one or more job descriptions (plain text), with "
        "RoleMatch's own parsing, embedding and scoring. Stores nothing, spends no credit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--resumes", required=True, help="folder of resumes (any format)")
        parser.add_argument(
            "--job",
            required=True,
            action="append",
            help="a job description as plain text; repeat for several jobs",
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["resumes"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder of resumes.")
        jobs = [Path(j) for j in options["job"]]
        for job in jobs:
            if not job.is_file():
                raise CommandError(f"The job description {job} does not exist.")
        rankings = rank_folder(folder, jobs, stderr=self.stderr)
        if options["json"]:
            self.stdout.write(json.dumps(as_json(rankings), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(as_table(rankings))
