"""`manage.py train_ranker [--quick]`: chooses the ranker's design by leave-one-set-out
cross-validation over the four evaluation sets, fits it on all of them, calibrates it and writes
`matcher/data/ranker.json` (with the sets, sizes, seed and the cross-validation table).
Deterministic: the same caches and seed give the same file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matcher import ranker
from matcher.evaluation import harness, pipeline, sets
from matcher.evaluation.taxonomy import best_skill_matcher


class Command(BaseCommand):
    help = "Choose, fit and calibrate the ranker on the four evaluation sets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="the fixed samples only")
        parser.add_argument("--shared", default=str(sets.SHARED))
        parser.add_argument("--out", default=str(ranker.MODEL_PATH), help="where to write it")
        parser.add_argument("--livecareer-per-category", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        matcher, categories = best_skill_matcher()
        data, skipped = pipeline.load(
            pipeline.SET_NAMES,
            quick=options["quick"],
            matcher=matcher,
            categories=categories,
            shared=Path(options["shared"]),
            per_category=options["livecareer_per_category"],
            log=lambda m: self.stderr.write(m),
        )
        if skipped:
            raise CommandError(
                "The ranker is fitted on all four sets; missing: " + "; ".join(skipped)
            )
        self.stdout.write("Leave-one-set-out nDCG (mean, then each set held out):")
        try:
            model = harness.train(data, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        model.meta["quick"] = bool(options["quick"])
        model.meta["livecareer_per_category"] = options["livecareer_per_category"]
        Path(options["out"]).write_text(
            json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8"
        )
        self.stdout.write(f"Chose {model.meta['design']}; wrote {options['out']}")
