"""Reads for matches, their results and decisions; always scoped by organisation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import Organisation
from candidates.models import Document
from matcher.models import Decision, Match, MatchResult
from matcher.scoring import RoleSkillSpec
from matcher.selectors.workspace import BEST_FIRST, WORST_FIRST, ranked
from roles.selectors import role_listed_skills, skill_matcher


def role_skill_profile(role: Any) -> list[dict[str, Any]]:
    """The role's skills as a match scores them: its own (`RoleSkill`, must-haves first), then
    those its description lists that the taxonomy does not know (negative ids), with what the
    organisation saved of them (`roles.selectors.role_listed_skills`)."""
    role_skills = role.role_skills.select_related("skill").order_by("-must_have", "-weight")
    listed = [
        RoleSkillSpec(s.skill_id, s.name, s.weight, s.must_have, s.min_years)
        for s in role_listed_skills(role=role, matcher=skill_matcher())
    ]
    return [
        *(
            {
                "skill_id": rs.skill_id,
                "name": rs.skill.name,
                "weight": rs.weight,
                "must_have": rs.must_have,
                "min_years": rs.min_years,
            }
            for rs in role_skills
        ),
        *(asdict(spec) for spec in listed),
    ]


def match_list(*, org: Organisation) -> QuerySet[Match]:
    return Match.objects.filter(organisation=org).select_related("role", "created_by")


def match_get(*, org: Organisation, pk: int) -> Match:
    """Raises Match.DoesNotExist for another organisation's match (views answer 404)."""
    return match_list(org=org).get(pk=pk)


def match_results(
    *,
    match: Match,
    min_score: float | None = None,
    tier: str | None = None,
    must_haves_met: bool | None = None,
    skill_id: int | None = None,
    decision: str | None = None,
    order: str = "-score",
) -> QuerySet[MatchResult]:
    """The ranking, best first, with optional filters. `skill_id` keeps candidates in whom that
    skill was found; `decision` is "shortlist", "hold", "reject" or "none" (undecided)."""
    results = MatchResult.objects.filter(match=match).select_related("candidate")
    if min_score is not None:
        results = results.filter(score__gte=min_score)
    if tier:
        results = results.filter(tier=tier)
    if must_haves_met is not None:
        results = results.filter(must_haves_met=must_haves_met)
    if skill_id is not None:
        ids = [
            r.pk
            for r in results.only("pk", "evidence")
            if any(e.get("skill_id") == skill_id and e.get("status") == "found" for e in r.evidence)
        ]
        results = results.filter(pk__in=ids)
    if decision == "none":
        decided = Decision.objects.filter(match=match).values("candidate_id")
        results = results.exclude(candidate_id__in=decided)
    elif decision:
        chosen = Decision.objects.filter(match=match, decision=decision).values("candidate_id")
        results = results.filter(candidate_id__in=chosen)
    if order == "score":
        return ranked(results).order_by(*WORST_FIRST)
    if order in ("candidate__name", "-candidate__years_experience"):
        return ranked(results).order_by(order, *BEST_FIRST)
    return ranked(results).order_by(*BEST_FIRST)


def match_result_get(*, match: Match, candidate_id: int) -> MatchResult:
    return MatchResult.objects.select_related("candidate").get(
        match=match, candidate_id=candidate_id
    )


def match_decisions(*, match: Match) -> dict[int, Decision]:
    """Current decision per candidate id."""
    return {d.candidate_id: d for d in Decision.objects.filter(match=match)}


def decision_history(*, match: Match, candidate_id: int) -> QuerySet[Any]:
    """Every version of the decision on one candidate, newest first, with who made it."""
    return Decision.history.filter(match_id=match.pk, candidate_id=candidate_id).order_by(
        "-history_date"
    )


@dataclass
class MatchProgress:
    status: str
    message: str
    percent: int
    candidates: int
    scored: int
    failed: int
    documents: dict[str, int]  # document status -> count, for uploads chosen for the match
    reserved_cents: int
    charged_cents: int
    finished: bool


def match_progress(*, match: Match) -> MatchProgress:
    match.refresh_from_db()
    documents = dict(
        Document.objects.filter(Q(matches=match) | Q(candidate__matches=match))
        .values_list("status")
        .annotate(n=Count("pk", distinct=True))
        .values_list("status", "n")
    )
    return MatchProgress(
        status=match.status,
        message=match.status_message,
        percent=match.progress_percent,
        candidates=match.candidate_count,
        scored=match.scored_count,
        failed=match.failed_count,
        documents=documents,
        reserved_cents=match.reserved_cents,
        charged_cents=match.charged_cents,
        finished=match.is_finished,
    )


def tier_counts(*, match: Match) -> dict[str, int]:
    return dict(
        MatchResult.objects.filter(match=match)
        .values_list("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
