"""The recruiter workspace, results: the ranked table with its charts and filters, re-weighting,
the candidate drawer with its evidence, decisions and unmasking, and the roles a candidate fits.

HTTP only: `matcher.services.workspace` writes (decisions, unmasking), `matcher.services.matches`
re-weights, the selectors in `matcher.selectors.workspace` read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import organisation_required
from accounts.http import AuthenticatedHttpRequest
from candidates.selectors import candidate_list
from matcher import blind, charts, scoring
from matcher.models.matches import Decision, Match, MatchResult
from matcher.selectors import workspace as ws
from matcher.services import workspace as ws_services
from matcher.services.matches import match_reweight as reweight

RESULTS_PER_PAGE = 50
HEATMAP_ROWS = 20
# What the re-weight form offers for the level step, in percent of the score per level.
LEVEL_CHOICES = (0, 5, 10, 15, 20, 30)
# How much each component counts, as a multiple of the learned ranker's own share of it
# (`scoring.DEFAULT_WEIGHTS`): the form's words for a multiple, and the multiples it offers.
COMPONENT_CHOICES = (
    ("0", "not at all"),
    ("0.5", "half"),
    ("1", "as learned"),
    ("2", "twice"),
    ("4", "4 times"),
)
COMPONENT_ORDER = ("semantic", "title", "lexical", "skills")


def _component_rows(match: Match) -> list[dict[str, Any]]:
    """The re-weight form's components, each with the multiple the match now applies."""
    weights = match.weights or {}
    rows = []
    for key in COMPONENT_ORDER:
        default = scoring.DEFAULT_WEIGHTS[key]
        value = float(weights.get(key, default))
        multiple = value / default if default else 1.0
        # A weight set over the API may sit between the form's steps: the nearest one shows.
        chosen = min(COMPONENT_CHOICES, key=lambda choice: abs(float(choice[0]) - multiple))[0]
        rows.append({"key": key, "label": scoring.PART_LABELS[key], "chosen": chosen})
    return rows


def _match(request: AuthenticatedHttpRequest, pk: int) -> Match:
    return get_object_or_404(ws.match_list(org=request.organisation), pk=pk)


def _int(raw: Any, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(str(raw).strip())))
    except (TypeError, ValueError):
        return default


# --- Results ----------------------------------------------------------------------------------


def match_result_context(
    request: AuthenticatedHttpRequest, match: Match, query: QueryDict | None = None
) -> dict[str, Any]:
    """`query` holds the filters, sort and page: the request's query string unless given."""
    query = request.GET if query is None else query
    filters = ws.ResultFilters.from_query(query)
    skills = ws.match_skills(match=match)
    skill_names = {int(s["skill_id"]): str(s["name"]) for s in skills if s.get("skill_id")}
    results = ws.result_list(match=match, filters=filters)
    page = Paginator(results, RESULTS_PER_PAGE).get_page(query.get("page"))
    aliases = ws.match_aliases(match=match) if match.blind else None
    rows = ws.result_rows(
        match=match,
        results=page.object_list,
        user=request.user,
        aliases=aliases,
        first_rank=page.start_index(),
    )
    # The heatmap shows the first rows of the ranking: on the first page, the rows just read.
    top_rows = (
        rows[:HEATMAP_ROWS]
        if page.number == 1
        else ws.result_rows(
            match=match,
            results=results[:HEATMAP_ROWS],
            user=request.user,
            aliases=aliases,
        )
    )
    bins = ws.match_score_bins(match=match)
    columns, heat_rows = ws.match_heatmap(match=match, rows=top_rows)
    # One reverse() a page rather than two a row (a tenth of the page's time): the candidate's
    # id is the last part of its drawer's address.
    candidate_url = reverse("matcher:match_candidate", args=[match.pk, 0]).removesuffix("0/")
    return {
        "candidate_url": candidate_url,
        "not_scored": ws.match_not_scored(match=match),
        "match": match,
        "filters": filters,
        "filter_text": filters.describe(skill_names),
        "query_string": urlencode(filters.as_query()),
        "page": page,
        "rows": rows,
        "skills": sorted(
            skills, key=lambda s: (not s.get("must_have"), -int(s.get("weight") or 0), s["name"])
        ),
        "skill_names": sorted(skill_names.items(), key=lambda kv: kv[1]),
        "level_percent": round(
            100 * float((match.weights or {}).get("level", scoring.DEFAULT_LEVEL_STEP))
        ),
        "level_choices": LEVEL_CHOICES,
        "components": _component_rows(match),
        "component_choices": COMPONENT_CHOICES,
        # Unfiltered, the paginator has just counted the same rows.
        "total": (
            MatchResult.objects.filter(match=match).count()
            if filters.active
            else page.paginator.count
        ),
        "bins": bins,
        "histogram": mark_safe(  # noqa: S308 - built by matcher.charts, every text escaped
            charts.histogram_svg(
                bins,
                title=f"Score distribution for {match.role_title}",
                marker=filters.min_score,
                marker_label=f"min {filters.min_score:g}" if filters.min_score else "",
            )
        ),
        "heatmap": mark_safe(  # noqa: S308 - built by matcher.charts, every text escaped
            charts.heatmap_svg(
                columns,
                heat_rows,
                title=f"Skill coverage of the top {len(heat_rows)} candidates",
            )
        )
        if columns and heat_rows
        else "",
        "coverage": charts.coverage_rows(columns, heat_rows),
        "decision_kinds": Decision.Kind.choices,
        "tiers": {"strong": scoring.STRONG_AT, "possible": scoring.POSSIBLE_AT},
    }


@organisation_required
@vary_on_headers("HX-Request")
def match_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The ranked table alone (htmx): filters, sorting and pages without a full reload."""
    match = _match(request, pk)
    query = request.GET.copy()
    query["results"] = "1"
    page = f"{reverse('matcher:match_detail', args=[match.pk])}?{query.urlencode()}"
    if not request.htmx:
        # Opened on its own (a bookmark, a new tab), the bare table would have no page around it:
        # the match's page shows the same filters and page of the ranking.
        return redirect(page)
    response = render(
        request, "matcher/workspace/_results.html", match_result_context(request, match)
    )
    # The address bar follows the filters, sort and page, so that a reload, a shared link or the
    # back button from a candidate's page shows this ranking, not the unfiltered one.
    response["HX-Push-Url"] = page
    return response


@organisation_required
@require_POST
def match_reweight(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Re-ranks from the stored evidence: no embedding, no charge."""
    match = _match(request, pk)

    overrides: dict[str, dict[str, Any]] = {}
    for spec in (match.role_snapshot or {}).get("skills", []):
        sid = spec.get("skill_id")
        if f"weight_{sid}" not in request.POST:
            continue
        weight = _int(request.POST.get(f"weight_{sid}"), int(spec.get("weight") or 3), 0, 5)
        must_have = scoring.required(weight, request.POST.get(f"must_{sid}") == "on")
        overrides[str(sid)] = {"weight": weight, "must_have": must_have}
    components = {k: v for k, v in (match.weights or {}).items() if k != "skill_weights"}
    offered = {value: float(value) for value, _ in COMPONENT_CHOICES}
    shown = {row["key"]: row["chosen"] for row in _component_rows(match)}
    for key in COMPONENT_ORDER:
        posted = request.POST.get(f"component_{key}", "")
        # Left as shown, a weight set over the API between the form's steps stays exact.
        if posted in offered and posted != shown[key]:
            components[key] = round(scoring.DEFAULT_WEIGHTS[key] * offered[posted], 4)
    if "level" in request.POST:
        components["level"] = (
            _int(request.POST.get("level"), round(100 * scoring.DEFAULT_LEVEL_STEP), 0, 50) / 100
        )
    try:
        reweight(match=match, weights={**components, "skill_weights": overrides})
    except ValueError as exc:
        messages.error(request, str(exc))
    match.refresh_from_db()
    if request.htmx:
        # htmx posts the filters form with the weights (hx-include): the ranking that comes back
        # keeps the filters the recruiter sees beside it.
        return render(
            request,
            "matcher/workspace/_results.html",
            match_result_context(request, match, query=request.POST),
        )
    return redirect(f"{reverse('matcher:match_detail', args=[match.pk])}?results=1")


def _result(match: Match, candidate_id: int) -> MatchResult:
    return get_object_or_404(
        MatchResult.objects.filter(
            match=match, candidate__organisation_id=match.organisation_id
        ).select_related("candidate"),
        candidate_id=candidate_id,
    )


def _highlighted_lines(text: str, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    marked: dict[int, list[str]] = {}
    for e in evidence:
        if e.get("status") == "found" and e.get("line_no"):
            marked.setdefault(int(e["line_no"]), []).append(str(e.get("name", "")))
    return [
        {"no": i, "text": line, "skills": marked.get(i, [])}
        for i, line in enumerate(text.split("\n"), start=1)
    ]


def _drawer_context(
    request: AuthenticatedHttpRequest, match: Match, candidate_id: int
) -> dict[str, Any]:
    result = _result(match, candidate_id)
    row = ws.result_rows(match=match, results=[result], user=request.user)[0]
    candidate = result.candidate
    text = candidate.text or ""
    evidence = [dict(e) for e in result.evidence]
    if row.masked:
        identity = blind.identity_from_profile(
            candidate.profile,
            name=candidate.name,
            email=candidate.email,
            phone=candidate.phone,
            links=candidate.links,
        )
        text = blind.mask_text(text, identity)
        for e in evidence:
            if e.get("line"):
                e["line"] = blind.mask_text(str(e["line"]), identity)
    evidence.sort(
        key=lambda e: (
            e.get("status") == "found",
            not e.get("must_have"),
            -int(e.get("weight") or 0),
        )
    )
    # A skill weighted 0 counts for nothing: not a gap to probe, as it is no gap in the table.
    gaps = [e for e in evidence if e.get("status") != "found" and int(e.get("weight") or 0) > 0]
    level_lowered = round(-(row.points or {}).get("level", 0.0))
    decision = (
        Decision.objects.filter(match=match, candidate=candidate)
        .select_related("decided_by")
        .first()
    )
    return {
        "match": match,
        "result": result,
        "row": row,
        "candidate": candidate,
        "evidence": evidence,
        "gaps": gaps,
        "level_lowered": level_lowered,
        "points": [
            (scoring.PART_LABELS[part], value) for part, value in (row.points or {}).items()
        ],
        "titles_read": ws.result_titles_read(match=match, rows=[row])[row.candidate_id],
        "lines": _highlighted_lines(text, evidence),
        "questions": ws.interview_questions(
            match=match, skill_ids=[int(e["skill_id"]) for e in gaps if e.get("skill_id")]
        ),
        "decision": decision,
        "history": list(decision.history.all()[:10]) if decision else [],
        "decision_kinds": Decision.Kind.choices,
    }


@organisation_required
@vary_on_headers("HX-Request")
def match_candidate(request: AuthenticatedHttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    """The candidate drawer: evidence for every skill, the resume with those lines marked, the
    gaps and the interview questions that probe them."""
    match = _match(request, pk)
    context = _drawer_context(request, match, candidate_id)
    template = (
        "matcher/workspace/_drawer.html"
        if request.htmx
        else "matcher/workspace/candidate_page.html"
    )
    return render(request, template, context)


@organisation_required
@require_POST
def match_decide(request: AuthenticatedHttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    match = _match(request, pk)
    result = _result(match, candidate_id)
    kind = request.POST.get("decision", "")
    if kind not in Decision.Kind.values:
        raise Http404("Unknown decision.")
    ws_services.decision_make(
        match=match,
        candidate=result.candidate,
        user=request.user,
        decision=kind,
        note=request.POST.get("note", "").strip()[:2000],
    )
    if request.htmx:
        response = render(
            request, "matcher/workspace/_drawer.html", _drawer_context(request, match, candidate_id)
        )
        response["HX-Trigger"] = "decision-recorded"
        return response
    messages.success(request, "Decision saved.")
    return redirect(reverse("matcher:match_candidate", args=[match.pk, candidate_id]))


@organisation_required
@require_POST
def match_reveal(request: AuthenticatedHttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    match = _match(request, pk)
    result = _result(match, candidate_id)
    ws_services.candidate_reveal(
        org=request.organisation,
        candidate=result.candidate,
        user=request.user,
        match=match,
        reason=request.POST.get("reason", ""),
    )
    if request.htmx:
        return render(
            request, "matcher/workspace/_drawer.html", _drawer_context(request, match, candidate_id)
        )
    return redirect(reverse("matcher:match_candidate", args=[match.pk, candidate_id]))


# --- Pool -------------------------------------------------------------------------------------


@organisation_required
def candidate_roles(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The catalog and custom roles this candidate's skills fit best."""
    org = request.organisation
    candidate = get_object_or_404(candidate_list(org=org), pk=pk)
    fits = ws.role_fit_for_candidate(org=org, candidate=candidate, limit=12)
    return render(
        request,
        "matcher/workspace/candidate_roles.html",
        {"candidate": candidate, "fits": fits},
    )
