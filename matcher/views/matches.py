"""The recruiter workspace, matches: start one (from a role or a pasted job ad), list them,
follow one's progress, resume it after a top-up, switch blind review. Results and decisions are
in `results.py`.

HTTP only: the engine's services score and charge (`matcher.services.matches`), intake's
service stores uploads, the selectors in `matcher.selectors.workspace` read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import organisation_required
from accounts.http import AuthenticatedHttpRequest
from billing import selectors as billing
from candidates.models import Document
from candidates.selectors import candidate_list
from candidates.services import batch_create
from matcher.forms import (
    BaseSkillRowFormSet,
    JobDescriptionForm,
    MatchStartForm,
    SkillRowFormSet,
)
from matcher.models.matches import Match
from matcher.selectors import workspace as ws
from matcher.selectors.matches import role_skill_profile
from matcher.services import workspace as ws_services
from matcher.services.matches import WHOLE_POOL_LIMIT, MatchError, match_resume, match_start
from matcher.views.results import match_result_context
from roles.job_description import role_create_from_job_description
from roles.models import Role
from roles.selectors import (
    custom_role_list,
    role_list_for_org,
    role_list_public,
    role_skill_notes,
)

POOL_PICKER_LIMIT = 300


def _match(request: AuthenticatedHttpRequest, pk: int) -> Match:
    return get_object_or_404(ws.match_list(org=request.organisation), pk=pk)


# --- New match --------------------------------------------------------------------------------


def _role_for_new_match(request: AuthenticatedHttpRequest) -> Role | None:
    org = request.organisation
    roles = role_list_for_org(org=org)
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


def _role_or_404(request: AuthenticatedHttpRequest, role_id: int) -> Role:
    return get_object_or_404(role_list_for_org(org=request.organisation), pk=role_id)


def _may_save_to(request: AuthenticatedHttpRequest, role: Role | None) -> bool:
    """Whether the page offers to keep the reviewed profile on the role: only on the
    organisation's own roles, which any of its members may edit, as over the API."""
    return (
        role is not None and custom_role_list(org=request.organisation).filter(pk=role.pk).exists()
    )


def _skill_rows(role: Role | None) -> list[dict[str, Any]]:
    return SkillRowFormSet(skills=role_skill_profile(role)).rows() if role else []


def _new_match_context(
    request: AuthenticatedHttpRequest, role: Role | None, **extra: Any
) -> dict[str, Any]:
    org = request.organisation
    query = request.GET.get("q", "").strip()[:100]
    balance = billing.balance_cents(org=org)
    price = billing.price_per_candidate_cents()
    pool = list(candidate_list(org=org)[:POOL_PICKER_LIMIT])
    context: dict[str, Any] = {
        "role": role,
        "query": query,
        "search_results": list(role_list_public(query=query)[:12]) if query else [],
        "custom_roles": list(custom_role_list(org=org).order_by("-updated_at")[:6]),
        "skills": _skill_rows(role),
        "may_save_to_role": _may_save_to(request, role),
        "save_to_role": False,
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
    if role is not None:
        notes = role_skill_notes(role=role)
        context["skills"] = [
            {**row, "note": notes.get(row["skill_id"], "")} for row in context["skills"]
        ]
    return context


def _new_match_refused(
    request: AuthenticatedHttpRequest, role: Role | None, **extra: Any
) -> HttpResponse:
    context = _new_match_context(request, role, **extra)
    return render(request, "matcher/workspace/match_new.html", context, status=400)


@organisation_required
@require_http_methods(["GET", "POST"])
def match_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        role = _role_for_new_match(request)
        return render(
            request, "matcher/workspace/match_new.html", _new_match_context(request, role)
        )

    form = MatchStartForm(request.POST, request.FILES)
    valid = form.is_valid()
    role = _role_or_404(request, form.cleaned_data["role"])
    skills = SkillRowFormSet(request.POST, skills=role_skill_profile(role))
    save_to_role = form.cleaned_data["save_to_role"]
    if save_to_role and not _may_save_to(request, role):
        # Only a forged form gets here: the page offers no such box for this role. Refused
        # before anything is uploaded, started or charged.
        return _new_match_refused(
            request,
            role,
            skills=skills.rows(),
            selected_ids=set(form.cleaned_data["candidates"]),
            error=f"{role.title} is a catalog role: its skill profile is kept by our curators "
            "and cannot be saved from here. Nothing was started or saved; run the match "
            "without saving the weights, or paste the job ad to make a role of your own.",
        )
    if not valid:
        return _new_match_refused(
            request,
            role,
            skills=skills.rows(),
            save_to_role=save_to_role,
            error=form.non_field_errors()[0],
        )
    data = form.cleaned_data
    batches = []
    if data["uploads"]:
        # Its own transaction: the uploads stay in the pool even if the match cannot start.
        batch = batch_create(org=request.organisation, user=request.user, files=data["uploads"])
        batches.append(batch)
        readable = batch.documents.exclude(status=Document.Status.FAILED).exists()
        if not readable and not (data["candidates"] or data["whole_pool"]):
            unsaved = (
                f" Your weights were not saved to {role.title} either." if save_to_role else ""
            )
            messages.error(
                request, f"None of the uploaded files could be read; see why below.{unsaved}"
            )
            return redirect("candidates:batch_detail", pk=batch.pk)
    try:
        match = match_start(
            org=request.organisation,
            user=request.user,
            role=role,
            candidate_ids=data["candidates"],
            whole_pool=data["whole_pool"],
            batches=batches,
            weights={"skill_weights": skills.skill_weights()},
            blind=data["blind"],
            confirmed_cents=data["confirmed_cents"],
        )
    except MatchError as exc:
        selected = set(data["candidates"])
        return _new_match_refused(
            request,
            role,
            skills=skills.rows(),
            selected_ids=selected,
            save_to_role=save_to_role,
            error=str(exc),
        )
    if save_to_role:
        # After the start: the match has taken its snapshot of the role as it was, with this
        # page's changes on top, which a skill the save takes off the role (weight 0) needs.
        _save_to_role(request, role, skills)
    # A match waiting for credit says so on its own page, once.
    return redirect("matcher:match_detail", pk=match.pk)


def _save_to_role(
    request: AuthenticatedHttpRequest, role: Role, skills: BaseSkillRowFormSet
) -> None:
    changes = skills.role_skill_changes()
    listed = skills.listed_skill_changes()
    if not (changes or listed):
        messages.success(request, f"{role.title} already has these weights: nothing to save.")
        return
    try:
        ws_services.role_profile_save(
            org=request.organisation, user=request.user, role=role, changes=changes, listed=listed
        )
    except ValueError as exc:
        messages.error(
            request,
            f"The match started, but your weights were not saved to {role.title}: {exc}",
        )
        return
    names = {row["skill_id"]: row["name"] for row in skills.rows()}
    removed = [names[pk] for pk, change in changes.items() if change.get("remove")]
    removed += [name for name, change in listed.items() if change.get("weight") == 0]
    said = [f"Saved your weights to {role.title}: its next matches start from them."]
    if removed:
        said.append(
            f"{_in_words(removed)}, weighted 0, {'is' if len(removed) == 1 else 'are'} "
            "no longer on the role."
        )
    messages.success(request, " ".join(said))


def _in_words(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@organisation_required
@require_POST
def match_from_job_description(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A pasted job ad becomes a draft role of the organisation, opened on the new-match page
    for the recruiter to check before running the match."""
    form = JobDescriptionForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("job_description", "")
    try:
        role = role_create_from_job_description(
            org=request.organisation,
            user=request.user,
            text=text,
            title=form.cleaned_data.get("title", "").strip(),
        )
    except ValueError as exc:
        return _new_match_refused(request, None, jd_error=str(exc), job_description=text)
    # The profile shown next lists the taxonomy's skills and those listed in the ad alike.
    count = len(role_skill_profile(role))
    messages.success(
        request,
        f"We read {count} skill{'' if count == 1 else 's'} from the job description. Check "
        f"{'it' if count == 1 else 'them'} before you run the match.",
    )
    return redirect(f"{reverse('matcher:match_new')}?{urlencode({'role_id': role.pk})}")


@organisation_required
@vary_on_headers("HX-Request")
def match_role_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The role picker's live results (htmx)."""
    query = request.GET.get("q", "").strip()[:100]
    if not request.htmx:
        # The new-match page lists the same results for the same `q`, around its search box.
        page = reverse("matcher:match_new")
        return redirect(f"{page}?{urlencode({'q': query})}" if query else page)
    results = list(role_list_public(query=query)[:12]) if query else []
    return render(
        request,
        "matcher/workspace/_role_results.html",
        {"search_results": results, "query": query},
    )


# --- Matches ----------------------------------------------------------------------------------


@organisation_required
def match_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = request.organisation
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
def workspace_blind_default(request: AuthenticatedHttpRequest) -> HttpResponse:
    blind_on = request.POST.get("blind") == "on"
    ws_services.workspace_blind_default_set(
        org=request.organisation, user=request.user, blind=blind_on
    )
    messages.success(
        request,
        "New matches now start in blind review."
        if blind_on
        else "New matches now show candidates' names.",
    )
    return redirect("matcher:match_list")


def _progress_context(request: AuthenticatedHttpRequest, match: Match) -> dict[str, Any]:
    progress = ws.match_progress(match=match)
    org = request.organisation
    return {
        "match": match,
        **progress,
        "balance_cents": billing.balance_cents(org=org),
        "price_cents": match.price_cents,
        "remaining": max(match.candidate_count - match.scored_count - match.failed_count, 0),
    }


@organisation_required
def match_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = _match(request, pk)
    if match.status != Match.Status.DONE and not request.GET.get("results"):
        return render(
            request, "matcher/workspace/match_progress.html", _progress_context(request, match)
        )
    return render(
        request, "matcher/workspace/match_results.html", match_result_context(request, match)
    )


@organisation_required
@vary_on_headers("HX-Request")
def match_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The live part of the progress page, polled by htmx until the match is done."""
    match = _match(request, pk)
    if not request.htmx:
        # The match's page: its progress while it runs, its results once it is done.
        return redirect("matcher:match_detail", pk=match.pk)
    response = render(
        request, "matcher/workspace/_match_status.html", _progress_context(request, match)
    )
    if match.status == Match.Status.DONE:
        # The results are ready: take the recruiter there instead of swapping a fragment.
        response["HX-Redirect"] = reverse("matcher:match_detail", args=[match.pk])
    return response


@organisation_required
@require_POST
def match_resume_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = _match(request, pk)

    try:
        match = match_resume(match=match, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        if match.status != Match.Status.WAITING_FOR_CREDIT:
            messages.success(request, "The match is running again.")
    return redirect("matcher:match_detail", pk=match.pk)


@organisation_required
@require_POST
def match_blind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = _match(request, pk)
    blind_on = request.POST.get("blind") == "on"
    ws_services.match_blind_set(match=match, user=request.user, blind=blind_on)
    messages.success(
        request, "Blind review is on for this match." if blind_on else "Blind review is off."
    )
    return redirect(f"{reverse('matcher:match_detail', args=[match.pk])}?results=1")
