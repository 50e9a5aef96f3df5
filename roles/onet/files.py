"""Reads the O*NET database's tab-separated text files. Pure: no Django.

Every row is checked as it is read; a malformed file stops the import with the file name and the
line at fault, before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")

OCCUPATIONS = "Occupation Data.txt"
TASKS = "Task Statements.txt"
TECHNOLOGY = "Technology Skills.txt"
ALTERNATE_TITLES = "Alternate Titles.txt"
RELATED = "Related Occupations.txt"
JOB_ZONES = "Job Zones.txt"

COLUMNS = {
    OCCUPATIONS: ["O*NET-SOC Code", "Title", "Description"],
    TASKS: ["O*NET-SOC Code", "Task ID", "Task", "Task Type"],
    TECHNOLOGY: ["O*NET-SOC Code", "Example", "Commodity Title", "Hot Technology", "In Demand"],
    ALTERNATE_TITLES: ["O*NET-SOC Code", "Alternate Title", "Short Title"],
    RELATED: ["O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index"],
    JOB_ZONES: ["O*NET-SOC Code", "Job Zone"],
}


class OnetFormatError(Exception):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}, line {line}: {message}")
        self.file = file
        self.line = line


@dataclass(frozen=True)
class Task:
    text: str
    kind: str  # "Core", "Supplemental" or "n/a"


@dataclass(frozen=True)
class Technology:
    name: str
    category: str
    hot: bool
    in_demand: bool


@dataclass
class Occupation:
    code: str
    title: str
    description: str
    tasks: list[Task] = field(default_factory=list)
    technologies: list[Technology] = field(default_factory=list)
    alternate_titles: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    job_zone: int | None = None


@dataclass
class OnetDatabase:
    version: str
    occupations: dict[str, Occupation]
    missing_files: list[str]


def read_rows(path: Path, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data line; raises OnetFormatError on the first bad line."""
    name = path.name
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise OnetFormatError(name, 0, f"cannot be read ({exc.strerror})") from exc
    with handle:
        try:
            header_line = handle.readline()
        except UnicodeDecodeError as exc:
            raise OnetFormatError(name, 1, "is not UTF-8 text") from exc
        header = header_line.rstrip("\r\n").split("\t")
        missing = [c for c in required if c not in header]
        if missing:
            raise OnetFormatError(name, 1, f"the header lacks the column(s) {', '.join(missing)}")
        index = {column: header.index(column) for column in required}
        line_no = 1
        while True:
            line_no += 1
            try:
                raw = handle.readline()
            except UnicodeDecodeError as exc:
                raise OnetFormatError(name, line_no, "is not UTF-8 text") from exc
            if not raw:
                break
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            cells = line.split("\t")
            if len(cells) != len(header):
                raise OnetFormatError(
                    name,
                    line_no,
                    f"expected {len(header)} tab-separated columns, found {len(cells)}",
                )
            row = {column: cells[i].strip() for column, i in index.items()}
            if not CODE.match(row["O*NET-SOC Code"]):
                raise OnetFormatError(
                    name,
                    line_no,
                    f"“{row['O*NET-SOC Code']}” is not an O*NET-SOC code such as 15-1252.00",
                )
            yield line_no, row


def read_version(directory: Path) -> str:
    readme = directory / "Read Me.txt"
    if readme.is_file():
        match = re.search(
            r"O\*NET\s+(\d+\.\d+)", readme.read_text(encoding="utf-8", errors="replace")
        )
        if match:
            return match.group(1)
    match = re.search(r"(\d+\.\d+)", directory.name)
    return match.group(1) if match else ""


def _occupations(
    directory: Path, *, codes: Collection[str] | None, limit: int | None
) -> dict[str, Occupation]:
    if not (directory / OCCUPATIONS).is_file():
        raise OnetFormatError(OCCUPATIONS, 0, f"is missing from {directory}")
    wanted = set(codes) if codes else None
    occupations: dict[str, Occupation] = {}
    for line_no, row in read_rows(directory / OCCUPATIONS, COLUMNS[OCCUPATIONS]):
        code = row["O*NET-SOC Code"]
        if not row["Title"]:
            raise OnetFormatError(OCCUPATIONS, line_no, "the title is empty")
        if wanted is not None and code not in wanted:
            continue
        if limit is not None and len(occupations) >= limit:
            continue
        occupations[code] = Occupation(code, row["Title"], row["Description"])
    return occupations


def load(
    directory: Path, *, codes: Collection[str] | None = None, limit: int | None = None
) -> OnetDatabase:
    """The occupations in `directory`, optionally only `codes` or the first `limit` of them."""
    occupations = _occupations(directory, codes=codes, limit=limit)

    missing: list[str] = []

    def rows(name: str) -> Iterator[tuple[int, dict[str, str], Occupation]]:
        path = directory / name
        if not path.is_file():
            missing.append(name)
            return
        for line_no, row in read_rows(path, COLUMNS[name]):
            occupation = occupations.get(row["O*NET-SOC Code"])
            if occupation is not None:
                yield line_no, row, occupation

    for _, row, occ in rows(TASKS):
        if row["Task"]:
            occ.tasks.append(Task(row["Task"], row["Task Type"] or "n/a"))
    for line_no, row, occ in rows(TECHNOLOGY):
        flags = (row["Hot Technology"], row["In Demand"])
        if any(flag not in ("Y", "N") for flag in flags):
            raise OnetFormatError(
                TECHNOLOGY, line_no, "Hot Technology and In Demand must be Y or N"
            )
        if row["Example"]:
            occ.technologies.append(
                Technology(row["Example"], row["Commodity Title"], flags[0] == "Y", flags[1] == "Y")
            )
    for _, row, occ in rows(ALTERNATE_TITLES):
        for title in (row["Alternate Title"], row["Short Title"]):
            if title and title != "n/a" and title not in occ.alternate_titles:
                occ.alternate_titles.append(title)
    related: dict[str, list[tuple[int, str]]] = {}
    for line_no, row, _occ in rows(RELATED):
        other = row["Related O*NET-SOC Code"]
        if not CODE.match(other):
            raise OnetFormatError(RELATED, line_no, f"“{other}” is not an O*NET-SOC code")
        try:
            rank = int(row["Index"])
        except ValueError:
            raise OnetFormatError(RELATED, line_no, "the Index column must be a number") from None
        related.setdefault(row["O*NET-SOC Code"], []).append((rank, other))
    for code, pairs in related.items():
        occupations[code].related = [other for _, other in sorted(pairs)]
    for line_no, row, occ in rows(JOB_ZONES):
        try:
            zone = int(row["Job Zone"])
        except ValueError:
            zone = 0
        if not 1 <= zone <= 5:
            raise OnetFormatError(JOB_ZONES, line_no, "the Job Zone must be a number from 1 to 5")
        occ.job_zone = zone
    return OnetDatabase(read_version(directory), occupations, missing)
