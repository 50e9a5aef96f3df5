"""The recruiter workspace: start a match, follow it, read the ranking, decide, re-weight.

HTTP only: the engine's services score and charge (`matcher.services.matching`), intake's
service stores uploads, the selectors in `matcher.selectors.workspace` read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import organisation_required
from billing import selectors as billing
from candidates.selectors import candidate_list
from candidates.services import batch_create
from matcher import blind, charts, scoring
from matcher.models.matches import Decision, Match, MatchResult
from matcher.selectors import workspace as ws
from matcher.services import workspace as ws_services
from matcher.services.matching import match_create, match_resume
from matcher.services.matching import match_reweight as reweight
from roles.job_description import role_create_from_job_description
from roles.models import Role, RoleSkill
from roles.selectors import role_list_for_org, role_list_public

RESULTS_PER_PAGE = 50
POOL_PICKER_LIMIT = 300
# "Whole pool" takes up to this many candidates in one match, like the API's candidate list.
WHOLE_POOL_LIMIT = 10_000
HEATMAP_ROWS = 20
# What the re-weight form offers for the level step, in percent of the score per level.
LEVEL_CHOICES = (0, 5, 10, 15, 20, 30)


def _org(request: HttpRequest) -> Any:
    return request.organisation  # type: ignore[attr-defined]


def _match(request: HttpRequest, pk: int) -> Match:
    return get_object_or_404(ws.match_list(org=_org(request)), pk=pk)


# --- New match --------------------------------------------------------------------------------


def _role_for_new_match(request: HttpRequest) -> Role | None:
    org = _org(request)
    roles = role_list_for_org(org=org).prefetch_related(
        Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill"))
    )
    slug = request.GET.get("role", "").strip()
    role_id = request.GET.get("role_id", "").strip()
    if slug:
        role = roles.filter(slug=slug).first()
        if role is None:
            messages.error(request, "That role is not in the catalog any more. Pick another.")
        return role
    if role_id.isdigit():
        return roles.filter(pk=int(role_id)).first()
    return None


def _skill_rows(role: Role, data: Any | None = None) -> list[dict[str, Any]]:
    rows = []
    for rs in role.role_skills.all():
        row: dict[str, Any] = {
            "skill_id": rs.skill_id,
            "name": rs.skill.name,
            "weight": rs.weight,
            "must_have": rs.must_have,
            "min_years": rs.min_years,
        }
        if data is not None:
            row["weight"] = _int(data.get(f"weight_{rs.skill_id}"), rs.weight, 0, 5)
            row["must_have"] = data.get(f"must_{rs.skill_id}") == "on"
            years = _int(data.get(f"years_{rs.skill_id}"), 0, 0, 40)
            row["min_years"] = years or None
        rows.append(row)
    rows.sort(key=lambda r: (not r["must_have"], -int(r["weight"]), str(r["name"])))
    return rows


def _int(raw: Any, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(str(raw).strip())))
    except (TypeError, ValueError):
        return default


def _confirmed_cents(raw: str | None) -> int | None:
    """The cost the page showed when Run was clicked; absent without JavaScript."""
    return int(raw) if raw and raw.isdigit() else None


def _skill_overrides(role: Role, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Only what the recruiter changed from the role's own profile."""
    base = {rs.skill_id: rs for rs in role.role_skills.all()}
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        rs = base[row["skill_id"]]
        change: dict[str, Any] = {}
        if row["weight"] != rs.weight:
            change["weight"] = row["weight"]
        if row["must_have"] != rs.must_have:
            change["must_have"] = row["must_have"]
        if (row["min_years"] or None) != (rs.min_years or None):
            change["min_years"] = row["min_years"]
        if change:
            out[str(row["skill_id"])] = change
    return out


def _new_match_context(request: HttpRequest, role: Role | None, **extra: Any) -> dict[str, Any]:
    org = _org(request)
    query = request.GET.get("q", "").strip()[:100]
    balance = billing.balance_cents(org=org)
    price = billing.price_per_candidate_cents()
    pool = list(candidate_list(org=org)[:POOL_PICKER_LIMIT])
    context: dict[str, Any] = {
        "role": role,
        "query": query,
        "search_results": list(role_list_public(query=query)[:12]) if query else [],
        "custom_roles": list(
            role_list_for_org(org=org).filter(organisation=org).order_by("-updated_at")[:6]
        ),
        "skills": _skill_rows(role) if role else [],
        "pool": pool,
        "pool_total": candidate_list(org=org).count(),
        "whole_pool_limit": WHOLE_POOL_LIMIT,
        "balance_cents": balance,
        "price_cents": price,
        "affordable": balance // price if price else 0,
        "blind_default": ws.blind_default(org=org),
        "selected_ids": set(),
        "error": "",
        "shortfall": None,
    }
    context.update(extra)
    return context


@organisation_required
@require_http_methods(["GET", "POST"])
def match_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        role = _role_for_new_match(request)
        return render(
            request, "matcher/workspace/match_new.html", _new_match_context(request, role)
        )

    action = request.POST.get("action", "")
    org = _org(request)
    if action == "from_job_description":
        try:
            role = role_create_from_job_description(
                org=org,
                user=request.user,
                text=request.POST.get("job_description", ""),
                title=request.POST.get("title", "").strip()[:200],
            )
        except ValueError as exc:
            context = _new_match_context(
                request,
                None,
                jd_error=str(exc),
                job_description=request.POST.get("job_description", ""),
            )
            return render(request, "matcher/workspace/match_new.html", context, status=400)
        messages.success(
            request,
            f"We read {role.role_skills.count()} skills from the job description. Check them "
            "before you run the match.",
        )
        return redirect(f"{reverse('matcher:match_new')}?{urlencode({'role_id': role.pk})}")

    role = get_object_or_404(
        role_list_for_org(org=org), pk=_int(request.POST.get("role"), 0, 0, 2**62)
    )
    role = (
        role_list_for_org(org=org)
        .prefetch_related(
            Prefetch("role_skills", queryset=RoleSkill.objects.select_related("skill"))
        )
        .get(pk=role.pk)
    )
    skills = _skill_rows(role, request.POST)
    if request.POST.get("whole_pool") == "on":
        # More candidates than the picker lists: the whole pool, newest first.
        chosen = list(candidate_list(org=org)[:WHOLE_POOL_LIMIT])
    else:
        ids = [int(x) for x in request.POST.getlist("candidates") if x.isdigit()]
        chosen = list(candidate_list(org=org).filter(pk__in=ids))
    files = request.FILES.getlist("files")
    if not chosen and not files:
        context = _new_match_context(
            request,
            role,
            skills=skills,
            error="Choose at least one candidate from your pool, or upload resumes.",
        )
        return render(request, "matcher/workspace/match_new.html", context, status=400)

    documents = []
    if files:
        # Its own transaction: the uploads stay in the pool even if the match cannot start.
        batch = batch_create(org=org, user=request.user, files=files)  # type: ignore[arg-type]
        documents = list(batch.documents.exclude(status="failed"))
        if not documents and not chosen:
            messages.error(request, "None of the uploaded files could be read; see why below.")
            return redirect("candidates:batch_detail", pk=batch.pk)

    try:
        match = match_create(
            org=org,
            user=request.user,  # type: ignore[arg-type]
            role=role,
            candidates=chosen,
            documents=documents,
            weights={"skill_weights": _skill_overrides(role, skills)},
            blind=request.POST.get("blind") == "on",
            confirmed_cents=_confirmed_cents(request.POST.get("confirmed_cents")),
        )
    except ValueError as exc:
        context = _new_match_context(
            request, role, skills=skills, selected_ids={c.pk for c in chosen}, error=str(exc)
        )
        return render(request, "matcher/workspace/match_new.html", context, status=400)
    # A match waiting for credit says so on its own page, once.
    return redirect("matcher:match_detail", pk=match.pk)


@organisation_required
def match_role_search(request: HttpRequest) -> HttpResponse:
    """The role picker's live results (htmx)."""
    query = request.GET.get("q", "").strip()[:100]
    results = list(role_list_public(query=query)[:12]) if query else []
    return render(
        request,
        "matcher/workspace/_role_results.html",
        {"search_results": results, "query": query},
    )


# --- Matches ----------------------------------------------------------------------------------


@organisation_required
def match_index(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    page = Paginator(ws.match_list(org=org).order_by("-created_at", "-pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "matcher/workspace/match_list.html",
        {"page": page, "blind_default": ws.blind_default(org=org)},
    )


@organisation_required
@require_POST
def workspace_blind_default(request: HttpRequest) -> HttpResponse:
    blind_on = request.POST.get("blind") == "on"
    ws_services.workspace_blind_default_set(org=_org(request), user=request.user, blind=blind_on)  # type: ignore[arg-type]
    messages.success(
        request,
        "New matches now start in blind review."
        if blind_on
        else "New matches now show candidates' names.",
    )
    return redirect("matcher:match_list")


def _progress_context(request: HttpRequest, match: Match) -> dict[str, Any]:
    progress = ws.match_progress(match=match)
    org = _org(request)
    return {
        "match": match,
        **progress,
        "balance_cents": billing.balance_cents(org=org),
        "price_cents": match.price_cents,
        "remaining": max(match.candidate_count - match.scored_count - match.failed_count, 0),
    }


@organisation_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = _match(request, pk)
    if match.status != Match.Status.DONE and not request.GET.get("results"):
        return render(
            request, "matcher/workspace/match_progress.html", _progress_context(request, match)
        )
    return render(request, "matcher/workspace/match_results.html", _results_context(request, match))


@organisation_required
def match_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The live part of the progress page, polled by htmx until the match is done."""
    match = _match(request, pk)
    response = render(
        request, "matcher/workspace/_match_status.html", _progress_context(request, match)
    )
    if match.status == Match.Status.DONE and request.htmx:  # type: ignore[attr-defined]
        # The results are ready: take the recruiter there instead of swapping a fragment.
        response["HX-Redirect"] = reverse("matcher:match_detail", args=[match.pk])
    return response


@organisation_required
@require_POST
def match_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = _match(request, pk)

    try:
        match = match_resume(match=match, user=request.user)  # type: ignore[arg-type]
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        if match.status != Match.Status.WAITING_FOR_CREDIT:
            messages.success(request, "The match is running again.")
    return redirect("matcher:match_detail", pk=match.pk)


@organisation_required
@require_POST
def match_blind(request: HttpRequest, pk: int) -> HttpResponse:
    match = _match(request, pk)
    blind_on = request.POST.get("blind") == "on"
    ws_services.match_blind_set(match=match, user=request.user, blind=blind_on)  # type: ignore[arg-type]
    messages.success(
        request, "Blind review is on for this match." if blind_on else "Blind review is off."
    )
    return redirect(f"{reverse('matcher:match_detail', args=[match.pk])}?results=1")


# --- Results ----------------------------------------------------------------------------------


def _results_context(request: HttpRequest, match: Match) -> dict[str, Any]:
    filters = ws.ResultFilters.from_query(request.GET)
    skills = ws.match_skills(match=match)
    skill_names = {int(s["skill_id"]): str(s["name"]) for s in skills if s.get("skill_id")}
    results = ws.result_list(match=match, filters=filters)
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    aliases = ws.match_aliases(match=match) if match.blind else None
    rows = ws.result_rows(match=match, results=page.object_list, user=request.user, aliases=aliases)
    top_rows = ws.result_rows(
        match=match,
        results=ws.result_list(match=match, filters=filters)[:HEATMAP_ROWS],
        user=request.user,
        aliases=aliases,
    )
    bins = ws.match_score_bins(match=match)
    columns, heat_rows = ws.match_heatmap(match=match, rows=top_rows)
    query = filters.as_query()
    return {
        "not_scored": ws.match_not_scored(match=match),
        "match": match,
        "filters": filters,
        "filter_text": filters.describe(skill_names),
        "query_string": urlencode(query),
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
        "total": MatchResult.objects.filter(match=match).count(),
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
def match_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranked table alone (htmx): filters, sorting and pages without a full reload."""
    match = _match(request, pk)
    return render(request, "matcher/workspace/_results.html", _results_context(request, match))


@organisation_required
@require_POST
def match_reweight(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-ranks from the stored evidence: no embedding, no charge."""
    match = _match(request, pk)

    overrides: dict[str, dict[str, Any]] = {}
    for spec in (match.role_snapshot or {}).get("skills", []):
        sid = spec.get("skill_id")
        if f"weight_{sid}" not in request.POST:
            continue
        overrides[str(sid)] = {
            "weight": _int(request.POST.get(f"weight_{sid}"), int(spec.get("weight") or 3), 0, 5),
            "must_have": request.POST.get(f"must_{sid}") == "on",
        }
    components = {k: v for k, v in (match.weights or {}).items() if k != "skill_weights"}
    if "level" in request.POST:
        components["level"] = (
            _int(request.POST.get("level"), round(100 * scoring.DEFAULT_LEVEL_STEP), 0, 50) / 100
        )
    try:
        reweight(match=match, weights={**components, "skill_weights": overrides})
    except ValueError as exc:
        messages.error(request, str(exc))
    match.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "matcher/workspace/_results.html", _results_context(request, match))
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


def _drawer_context(request: HttpRequest, match: Match, candidate_id: int) -> dict[str, Any]:
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
    gaps = [e for e in evidence if e.get("status") != "found"]
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
        "lines": _highlighted_lines(text, evidence),
        "questions": ws.interview_questions(
            match=match, skill_ids=[int(e["skill_id"]) for e in gaps if e.get("skill_id")]
        ),
        "decision": decision,
        "history": list(decision.history.all()[:10]) if decision else [],
        "decision_kinds": Decision.Kind.choices,
    }


@organisation_required
def match_candidate(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    """The candidate drawer: evidence for every skill, the resume with those lines marked, the
    gaps and the interview questions that probe them."""
    match = _match(request, pk)
    context = _drawer_context(request, match, candidate_id)
    template = (
        "matcher/workspace/_drawer.html"
        if request.htmx  # type: ignore[attr-defined]
        else "matcher/workspace/candidate_page.html"
    )
    return render(request, template, context)


@organisation_required
@require_POST
def match_decide(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    match = _match(request, pk)
    result = _result(match, candidate_id)
    kind = request.POST.get("decision", "")
    if kind not in Decision.Kind.values:
        raise Http404("Unknown decision.")
    ws_services.decision_make(
        match=match,
        candidate=result.candidate,
        user=request.user,  # type: ignore[arg-type]
        decision=kind,
        note=request.POST.get("note", "").strip()[:2000],
    )
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request, "matcher/workspace/_drawer.html", _drawer_context(request, match, candidate_id)
        )
        response["HX-Trigger"] = "decision-recorded"
        return response
    messages.success(request, "Decision saved.")
    return redirect(reverse("matcher:match_candidate", args=[match.pk, candidate_id]))


@organisation_required
@require_POST
def match_reveal(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    match = _match(request, pk)
    result = _result(match, candidate_id)
    ws_services.candidate_reveal(
        org=_org(request),
        candidate=result.candidate,
        user=request.user,  # type: ignore[arg-type]
        match=match,
        reason=request.POST.get("reason", ""),
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request, "matcher/workspace/_drawer.html", _drawer_context(request, match, candidate_id)
        )
    return redirect(reverse("matcher:match_candidate", args=[match.pk, candidate_id]))


# --- Pool -------------------------------------------------------------------------------------


@organisation_required
def candidate_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """The catalog and custom roles this candidate's skills fit best."""
    org = _org(request)
    candidate = get_object_or_404(candidate_list(org=org), pk=pk)
    fits = ws.role_fit_for_candidate(org=org, candidate=candidate, limit=12)
    return render(
        request,
        "matcher/workspace/candidate_roles.html",
        {"candidate": candidate, "fits": fits},
    )
