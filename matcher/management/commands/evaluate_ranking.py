"""`manage.py evaluate_ranking [--quick] [--sets ...] [--json]`: RoleMatch beside BM25, TF-IDF,
MiniLM and a TF-IDF+MiniLM fusion on four sets, read through the product's intake (see
docs/scoring.md). Parsed texts and embeddings are cached under var/eval-cache/."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from matcher import ranker
from matcher.evaluation import pipeline, sets
from matcher.evaluation.taxonomy import best_skill_matcher


class Command(BaseCommand):
    help = "Compare RoleMatch's ranking with four baselines on four sets (nDCG@10, MAP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quick",
            action="store_true",
            help="a fixed stratified sample of the large sets (what CI runs)",
        )
        parser.add_argument(
            "--sets",
            nargs="+",
            choices=pipeline.SET_NAMES,
            default=list(pipeline.SET_NAMES),
            help="which sets (default: all four)",
        )
        parser.add_argument(
            "--shared",
            default=str(sets.SHARED),
            help="the shared datasets folder (sets there are skipped with a message when absent)",
        )
        parser.add_argument(
            "--livecareer-per-category",
            type=int,
            default=None,
            help="a fixed stratified sample of N resumes per livecareer category (default: all)",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        matcher, categories = best_skill_matcher()
        log = (lambda _m: None) if options["json"] else (lambda m: self.stderr.write(m))
        data, skipped = pipeline.load(
            options["sets"],
            quick=options["quick"],
            matcher=matcher,
            categories=categories,
            shared=Path(options["shared"]),
            per_category=options["livecareer_per_category"],
            log=log,
        )
        results = pipeline.evaluate(data, ranker.default(), log=log)
        seconds = time.monotonic() - started
        if options["json"]:
            self.stdout.write(json.dumps(pipeline.as_json(results, skipped, seconds), indent=2))
            return
        self.stdout.write(pipeline.format_results(results))
        for line in skipped:
            self.stdout.write(f"Skipped {line}.")
        self.stdout.write(
            f"{'Quick sample' if options['quick'] else 'Full sets'}, {seconds:.0f} s."
        )
