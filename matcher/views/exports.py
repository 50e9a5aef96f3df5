"""A match's exports: CSV for spreadsheets and ATSs, a printable PDF report.

Tenant scoped like every workspace view, and blind-aware: in a blind match a candidate this user
has not unmasked appears under their alias, with every evidence line masked.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify

from accounts.decorators import organisation_required
from accounts.http import AuthenticatedHttpRequest
from accounts.services import audit_record
from matcher import blind, reports, scoring
from matcher.models.matches import Decision, Match
from matcher.selectors import workspace as ws

CSV_HEADER = [
    "rank",
    "candidate",
    "file_name",
    "email",
    "score",
    "tier",
    "years_experience",
    "must_haves_met",
    "missing_must_haves",
    "matched_skills",
    "missing_skills",
    "decision",
    "decision_note",
    "decided_by",
    "decided_at",
    "evidence",
    # Where the score comes from, in points that add up to it (scoring.contributions).
    *(f"points_{part}" for part in ("base", *scoring.PARTS)),
    "explanation",
    # The same on every row: whether the recruiter re-weighted the ranking, and how.
    "ranking",
]


def _weighting(match: Match) -> str:
    return scoring.describe_weighting(
        weights=match.weights, skills=(match.role_snapshot or {}).get("skills", [])
    )


def _match(request: AuthenticatedHttpRequest, pk: int) -> Match:
    return get_object_or_404(ws.match_list(org=request.organisation), pk=pk)


def _decisions(match: Match) -> dict[int, Decision]:
    return {
        d.candidate_id: d for d in Decision.objects.filter(match=match).select_related("decided_by")
    }


def _identity(candidate: Any) -> blind.Identity:
    return blind.identity_from_profile(
        candidate.profile,
        name=candidate.name,
        email=candidate.email,
        phone=candidate.phone,
        links=candidate.links,
    )


def _evidence(row: ws.ResultRow) -> list[dict[str, Any]]:
    items = [dict(e) for e in row.result.evidence]
    if row.masked:
        identity = _identity(row.candidate)
        for e in items:
            if e.get("line"):
                e["line"] = blind.mask_text(str(e["line"]), identity)
    return items


def _filename(match: Match, ext: str) -> str:
    return f"rolematch-{slugify(match.role_title)[:40] or 'match'}-{match.pk}.{ext}"


def _rows(request: HttpRequest, match: Match) -> Iterator[ws.ResultRow]:
    filters = ws.ResultFilters.from_query(request.GET)
    aliases = ws.match_aliases(match=match) if match.blind else None
    results = ws.result_list(match=match, filters=filters, with_profile=True)
    # Chunks keep memory flat for a match of thousands.
    chunk = 500
    offset = 0
    while True:
        batch = list(results[offset : offset + chunk])
        if not batch:
            return
        yield from ws.result_rows(
            match=match,
            results=batch,
            user=request.user,
            aliases=aliases,
            first_rank=offset + 1,
        )
        offset += chunk


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(request: HttpRequest, match: Match) -> Iterator[str]:
    writer = csv.writer(_Echo())
    decisions = _decisions(match)
    weighting = _weighting(match)
    yield "\ufeff"  # so that Excel reads the file as UTF-8
    yield writer.writerow(CSV_HEADER)
    for rank, row in enumerate(_rows(request, match), start=1):
        r = row.result
        d = decisions.get(r.candidate_id)
        evidence = _evidence(row)
        counted = [e for e in evidence if int(e.get("weight") or 0) > 0]
        yield writer.writerow(
            _safe(value)
            for value in [
                rank,
                row.label,
                # A file name often carries the person's name: not in a blind export.
                "" if row.masked else row.candidate.file_name,
                "" if row.masked else row.candidate.email,
                f"{r.score:.1f}",
                r.tier,
                row.candidate.years_display,
                _must_haves_met(row),
                "; ".join(row.missing_must_haves),
                "; ".join(str(e["name"]) for e in counted if e.get("status") == "found"),
                "; ".join(str(e["name"]) for e in counted if e.get("status") != "found"),
                d.decision if d else "",
                d.note if d else "",
                (d.decided_by.email if d and d.decided_by else ""),
                d.decided_at.isoformat(timespec="seconds") if d else "",
                " | ".join(
                    f"{e['name']}: {e['line']}" for e in counted if e.get("status") == "found"
                ),
                *(
                    f"{row.points[part]:.1f}" if row.points else ""
                    for part in ("base", *scoring.PARTS)
                ),
                row.explanation,
                weighting,
            ]
        )


def _must_haves_met(row: ws.ResultRow) -> str:
    if not row.must_haves_set:
        # Not "yes": with nothing required, a spreadsheet filter on "yes" would pass everyone.
        return "none set"
    return "yes" if row.must_haves_met else "no"


def _safe(value: Any) -> str:
    # A cell starting with = + - @ runs as a formula in a spreadsheet: resume text is untrusted.
    text = str(value)
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@organisation_required
def match_export_csv(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
    match = _match(request, pk)
    audit_record(
        action="match.exported",
        org=match.organisation,
        actor=request.user,
        detail={"match": match.pk, "format": "csv", "blind": match.blind},
    )
    response = StreamingHttpResponse(
        _csv_lines(request, match), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(match, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def match_report(request: HttpRequest, match: Match) -> reports.MatchReport:
    """The report's content, already masked where this user may not see who is who."""
    filters = ws.ResultFilters.from_query(request.GET)
    skills = ws.match_skills(match=match)
    skill_names = {int(s["skill_id"]): str(s["name"]) for s in skills if s.get("skill_id")}
    decisions = _decisions(match)
    rows = []
    for rank, row in enumerate(_rows(request, match), start=1):
        r = row.result
        d = decisions.get(r.candidate_id)
        rows.append(
            reports.ReportRow(
                rank=rank,
                label=row.label,
                score=r.score,
                tier=r.tier,
                years=row.candidate.years_display,
                must_haves_met=r.must_haves_met,
                must_haves_set=row.must_haves_set,
                matched=row.matched,
                missing=row.missing,
                missing_must_haves=row.missing_must_haves,
                evidence=[
                    reports.ReportEvidence(
                        skill=str(e.get("name", "")),
                        status=str(e.get("status", "")),
                        # Weighted 0, a must-have counts for nothing, as in the table.
                        must_have=bool(e.get("must_have")) and int(e.get("weight") or 0) > 0,
                        line=str(e.get("line") or ""),
                        years=e.get("years"),
                        min_years=e.get("min_years"),
                    )
                    for e in _evidence(row)
                ],
                decision=d.decision if d else "",
                decision_note=d.note if d else "",
                decided_by=d.decided_by.email if d and d.decided_by else "",
                decided_at=timezone.localtime(d.decided_at).strftime("%d %b %Y %H:%M") if d else "",
                points=[
                    (scoring.PART_LABELS[part], value) for part, value in (row.points or {}).items()
                ],
                explanation=row.explanation,
            )
        )
    return reports.MatchReport(
        title=f"Match report: {match.role_title}",
        role_title=match.role_title,
        organisation=match.organisation.name,
        created_at=timezone.localtime(match.created_at).strftime("%d %b %Y"),
        generated_at=timezone.localtime().strftime("%d %b %Y %H:%M"),
        blind=match.blind,
        rows=rows,
        bins=ws.match_score_bins(match=match),
        skills=[s["name"] for s in skills],
        filters=filters.describe(skill_names),
        reproducibility=(
            f"Match of {timezone.localtime(match.created_at):%d %b %Y %H:%M}; "
            f"role version {match.role_version}; "
            f"model {match.model_version or 'n/a'}; scoring version {match.scoring_version}."
        ),
        weighting=_weighting(match),
    )


@organisation_required
def match_export_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = _match(request, pk)
    pdf = reports.match_report_pdf(match_report(request, match))
    audit_record(
        action="match.exported",
        org=match.organisation,
        actor=request.user,
        detail={"match": match.pk, "format": "pdf", "blind": match.blind},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(match, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response
