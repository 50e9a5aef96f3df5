from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roles.onet.files import CODE, OnetFormatError
from roles.onet.importer import onet_import


class Command(BaseCommand):
    help = (
        "Creates or updates draft roles from an O*NET 29.x database folder (tab-separated text "
        "files). Fields a curator has edited are never overwritten; a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="folder holding 'Occupation Data.txt'")
        parser.add_argument(
            "--codes",
            default="",
            help="comma-separated O*NET-SOC codes to import, e.g. 15-1252.00,15-2051.00",
        )
        parser.add_argument("--limit", type=int, default=None, help="import at most N occupations")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        codes = [c.strip() for c in options["codes"].split(",") if c.strip()]
        bad = [c for c in codes if not CODE.match(c)]
        if bad:
            raise CommandError(f"Not O*NET-SOC codes: {', '.join(bad)} (expected e.g. 15-1252.00).")
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        verbose = options["verbosity"] > 1
        try:
            report = onet_import(
                directory=directory,
                codes=codes or None,
                limit=options["limit"],
                log=self.stdout.write if verbose else None,
            )
        except OnetFormatError as exc:
            raise CommandError(f"Refusing a malformed O*NET file: {exc}") from exc
        self.stdout.write(report.summary())
        self.stdout.write(self.style.SUCCESS(f"O*NET import finished: {report.changes} change(s)."))
