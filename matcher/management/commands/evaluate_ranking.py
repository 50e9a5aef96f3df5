"""`manage.py evaluate_ranking`: nDCG@10 and MAP of RoleMatch's scorer beside a TF-IDF baseline
and plain MiniLM cosine, on RoleMatch's labelled set and on the shared real-resume set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from candidates.parsing import extract
from matcher.evaluation import runner
from matcher.evaluation.taxonomy import best_skill_matcher

DEFAULT_SHARED = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "vacancy-resume-matching"


def read_docx(path: Path) -> str:
    return extract(path.read_bytes(), path.name).text


class Command(BaseCommand):
    help = "Compare RoleMatch's ranking with TF-IDF and MiniLM cosine (nDCG@10 and MAP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--shared",
            default=str(DEFAULT_SHARED),
            help="the vacancy-resume-matching folder (skipped with a message when absent)",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        matcher, categories = best_skill_matcher()
        reports = runner.evaluate_labelled(matcher, categories)
        shared = Path(options["shared"])
        skipped = ""
        if (shared / "5_vacancies.csv").is_file():
            reports.append(runner.evaluate_vacancies(shared, matcher, read_docx, categories))
        else:
            skipped = f"Skipped the real-resume set: {shared} is absent."
        if options["json"]:
            data = {"reports": [runner.as_dict(r) for r in reports], "skipped": skipped}
            self.stdout.write(json.dumps(data, indent=2))
            return
        for report in reports:
            self.stdout.write(runner.format_report(report) + "\n")
        if skipped:
            self.stdout.write(skipped)
