"""Reads for the recruiter workspace, always scoped by organisation."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Floor, Lower, NullIf

from accounts.models import Organisation
from candidates.models import Candidate, Document
from matcher import charts, scoring
from matcher.blind import alias_for
from matcher.models.matches import (
    CandidateEmbedding,
    Decision,
    Match,
    MatchFailure,
    MatchResult,
)
from matcher.models.workspace import CandidateReveal, WorkspaceSettings
from roles.models import InterviewTopic, Role, RoleSkill, Skill


@dataclass
class RoleFit:
    """How well one candidate's skills cover one role's profile (no credits, no embedding)."""

    role: Role
    score: float
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_must_haves: list[str] = field(default_factory=list)

    @property
    def tier(self) -> str:
        return scoring.tier_for(self.score, must_haves_met=not self.missing_must_haves)


def candidate_skill_ids(*, candidate: Candidate) -> set[int]:
    """The taxonomy ids of the candidate's skills, as corrected by the recruiter if they were."""
    names = set(candidate.skills or [])
    if not names:
        return set()
    return set(Skill.objects.filter(name__in=names).values_list("pk", flat=True))


def role_fit_for_candidate(
    *, org: Organisation, candidate: Candidate, limit: int = 10
) -> list[RoleFit]:
    """The catalog and custom roles whose skill profile the candidate covers best.

    Weighted skill coverage through the taxonomy, the same rule the match scorer uses for its
    skills component (must-haves count double), read from the skills already extracted at
    intake: one query for every role's profile, so it answers at once for any pool size."""
    if candidate.organisation_id != org.pk:
        raise Candidate.DoesNotExist
    have = candidate_skill_ids(candidate=candidate)
    roles = Role.objects.filter(
        Q(organisation__isnull=True, status=Role.Status.PUBLISHED) | Q(organisation=org)
    )
    profiles: dict[int, list[tuple[int, str, int, bool]]] = defaultdict(list)
    for role_id, skill_id, name, weight, must_have in (
        RoleSkill.objects.filter(role__in=roles)
        .values_list("role_id", "skill_id", "skill__name", "weight", "must_have")
        .order_by("role_id", "-must_have", "-weight", "skill__name")
    ):
        profiles[role_id].append((skill_id, name, weight, must_have))
    scored: list[tuple[float, int, list[str], list[str], list[str]]] = []
    for role_id, skills in profiles.items():
        evidence = [
            scoring.SkillEvidence(
                skill_id=skill_id,
                name=name,
                status=scoring.FOUND if skill_id in have else scoring.MISSING,
                weight=weight,
                must_have=must_have,
                credit=1.0 if skill_id in have else 0.0,
            )
            for skill_id, name, weight, must_have in skills
        ]
        coverage = scoring.skill_coverage(evidence)
        if not coverage:
            continue
        scored.append(
            (
                round(100 * coverage, 1),
                role_id,
                [e.name for e in evidence if e.status == scoring.FOUND],
                [e.name for e in evidence if e.status != scoring.FOUND],
                [e.name for e in evidence if e.missing_must_have],
            )
        )
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = scored[:limit]
    by_id = Role.objects.in_bulk([item[1] for item in top])
    return [
        RoleFit(role=by_id[role_id], score=score, matched=m, missing=x, missing_must_haves=mm)
        for score, role_id, m, x, mm in top
        if role_id in by_id
    ]


# --- Matches and their results ---------------------------------------------------------------


def match_list(*, org: Organisation) -> QuerySet[Match]:
    return Match.objects.filter(organisation=org).select_related(
        "role", "created_by", "reservation"
    )


def match_list_recent(*, org: Organisation, limit: int = 5) -> list[Match]:
    return list(match_list(org=org).order_by("-created_at", "-pk")[:limit])


def blind_default(*, org: Organisation) -> bool:
    row = WorkspaceSettings.objects.filter(organisation=org).only("blind_review").first()
    return bool(row and row.blind_review)


def revealed_candidate_ids(
    *, org: Organisation, user: Any, candidate_ids: Iterable[int]
) -> set[int]:
    """Which of these candidates this user chose to unmask (each an audited action)."""
    return set(
        CandidateReveal.objects.filter(
            organisation=org, user=user, candidate_id__in=list(candidate_ids)
        ).values_list("candidate_id", flat=True)
    )


def match_aliases(*, match: Match) -> dict[int, str]:
    """Stable labels for a blind match: "Candidate A" is the same person in every sort, filter,
    export and after re-weighting (ordered by result id, not by score)."""
    ids = (
        MatchResult.objects.filter(match=match)
        .order_by("pk")
        .values_list("candidate_id", flat=True)
    )
    return {cid: alias_for(i) for i, cid in enumerate(ids)}


# `scoring.rank_key` in SQL: the whole score shown (`shown_score`, annotated by `ranked`), then
# a candidate meeting every must-have, then the score itself.
BEST_FIRST = ("-shown_score", "-must_haves_met", "-score", "pk")
WORST_FIRST = ("shown_score", "must_haves_met", "score", "-pk")
SORTS = {
    "score": BEST_FIRST,
    "-score": WORST_FIRST,
    # The name the table shows: the person's, else the file's (annotated in result_list).
    "name": ("shown_name", "pk"),
    "years": ("-candidate__years_experience", *BEST_FIRST),
    "decision": ("decision_kind", *BEST_FIRST),
}
DECISION_FILTERS = ("shortlist", "hold", "reject", "none")


@dataclass
class ResultFilters:
    min_score: float | None = None
    must_haves: bool = False
    skill_id: int | None = None
    decision: str = ""
    sort: str = "score"

    @classmethod
    def from_query(cls, data: Mapping[str, str]) -> ResultFilters:
        def number(key: str) -> float | None:
            try:
                value = float(data.get(key, "") or "")
            except ValueError:
                return None
            return max(0.0, min(100.0, value))

        try:
            skill_id = int(data.get("skill", "") or 0) or None
        except ValueError:
            skill_id = None
        decision = data.get("decision", "")
        sort = data.get("sort", "score")
        return cls(
            min_score=number("min_score"),
            must_haves=data.get("must_haves") in ("1", "on", "true"),
            skill_id=skill_id,
            decision=decision if decision in DECISION_FILTERS else "",
            sort=sort if sort in SORTS else "score",
        )

    def as_query(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.min_score is not None:
            out["min_score"] = f"{self.min_score:g}"
        if self.must_haves:
            out["must_haves"] = "1"
        if self.skill_id:
            out["skill"] = str(self.skill_id)
        if self.decision:
            out["decision"] = self.decision
        if self.sort != "score":
            out["sort"] = self.sort
        return out

    @property
    def active(self) -> bool:
        return bool(self.min_score or self.must_haves or self.skill_id or self.decision)

    def describe(self, skill_names: Mapping[int, str]) -> str:
        parts = []
        if self.min_score:
            parts.append(f"score at least {self.min_score:g}")
        if self.must_haves:
            parts.append("every must-have met")
        if self.skill_id:
            parts.append(f"shows {skill_names.get(self.skill_id, 'the chosen skill')}")
        if self.decision:
            parts.append("no decision yet" if self.decision == "none" else f"{self.decision}ed")
        return ", ".join(parts)


def ranked(results: QuerySet[MatchResult]) -> QuerySet[MatchResult]:
    """`results` with the whole score each view shows (`shown_score`, half up as
    `scoring.whole_score` rounds), which every ordering by score sorts on first."""
    return results.annotate(shown_score=Floor(F("score") + Value(0.5)))


def result_list(
    *, match: Match, filters: ResultFilters | None = None, with_profile: bool = False
) -> QuerySet[MatchResult]:
    """The match's results, filtered and sorted, each with its decision (if any) annotated.

    The candidate's parsed profile and links are read only `with_profile` (exports mask with
    them): the results page and the API show neither, and would decode that JSON on every row
    for nothing."""
    filters = filters or ResultFilters()
    decision = Decision.objects.filter(match=match, candidate=OuterRef("candidate"))
    mine = MatchResult.objects.filter(match=match, match__organisation_id=match.organisation_id)
    qs = (
        ranked(mine)
        .select_related("candidate")
        # A resume's text, twice over (as read and as searched), is most of a candidate row and
        # no list shows it: fifty of them made a results page read a megabyte for nothing.
        .defer("candidate__text", "candidate__search_text")
        .annotate(
            decision_kind=Subquery(decision.values("decision")[:1]),
        )
    )
    if not with_profile:
        qs = qs.defer(
            "candidate__profile",
            "candidate__links",
            "candidate__skills",
            "candidate__corrections",
        )
    if filters.min_score is not None:
        # Against the whole score shown: "at least 30" keeps the 29.7 the table shows as 30.
        qs = qs.filter(score__gte=math.ceil(filters.min_score) - 0.5)
    if filters.must_haves:
        qs = qs.filter(must_haves_met=True)
    if filters.decision == "none":
        qs = qs.filter(decision_kind__isnull=True)
    elif filters.decision:
        qs = qs.filter(decision_kind=filters.decision)
    if filters.skill_id:
        qs = _with_skill(qs, filters.skill_id)
    if filters.sort == "name":
        if match.blind:
            # The table shows letters given in result order: sorting by the hidden names would
            # show their alphabetical order, and read as no order at all.
            return qs.order_by("pk")
        qs = qs.annotate(
            shown_name=Lower(Coalesce(NullIf("candidate__name", Value("")), "candidate__file_name"))
        )
    return qs.order_by(*SORTS[filters.sort])


def _with_skill(qs: Any, skill_id: int) -> Any:
    if connection.vendor == "postgresql":
        return qs.filter(evidence__contains=[{"skill_id": skill_id, "status": "found"}])
    # SQLite has no JSON containment: read the evidence once, keep the ids.
    keep = [
        pk
        for pk, evidence in qs.values_list("pk", "evidence")
        if any(e.get("skill_id") == skill_id and e.get("status") == "found" for e in evidence)
    ]
    return qs.filter(pk__in=keep)


def match_skills(*, match: Match) -> list[dict[str, Any]]:
    """The role's skill profile as this match scores it: the snapshot with the recruiter's
    re-weighting applied."""
    overrides = (match.weights or {}).get("skill_weights") or {}
    skills = []
    for spec in (match.role_snapshot or {}).get("skills", []):
        item = dict(spec)
        item.update(overrides.get(str(item.get("skill_id")), {}))
        item["must_have"] = scoring.required(item.get("weight"), item.get("must_have"))
        skills.append(item)
    return skills


def match_sets_must_haves(*, match: Match) -> bool:
    """Whether this match, as re-weighted, requires any skill: without one, "every must-have
    met" holds for everyone and says nothing about a candidate."""
    return any(s["must_have"] for s in match_skills(match=match))


@dataclass
class ResultRow:
    result: MatchResult
    label: str
    masked: bool
    decision: str | None
    matched: list[str]
    missing: list[str]
    missing_must_haves: list[str]
    # What the results table shows, read once here: one lookup a cell in the template instead
    # of a chain through the result and its candidate, each step of which Django's template
    # engine tries as a key before an attribute, fifty rows a page.
    rank: int = 0
    candidate_id: int = 0
    score: int = 0
    tier: str = ""
    headline: str = ""
    file_name: str = ""  # under the person's name, when the resume gave one
    years: str = ""
    must_haves_met: bool = True
    # False when the match requires no skill: `must_haves_met` is then true of everyone, and a
    # "✓ All met" would read as a requirement passed.
    must_haves_set: bool = True

    @property
    def candidate(self) -> Candidate:
        return self.result.candidate

    @property
    def points(self) -> dict[str, float] | None:
        """Each component's points, summing to the score (see scoring.contributions); None for
        a result the current scorer would not score the same (scored by an older version)."""
        if not hasattr(self, "_points"):
            points = scoring.contributions(self.result.components or {}, self.result.weights)
            same = abs(sum(points.values()) - float(self.result.score)) <= 0.15
            self._points = points if same else None
        return self._points

    @property
    def explanation(self) -> str:
        if self.points is None:
            return (
                "Scored by an earlier version of RoleMatch: re-weight the match to see the points."
            )
        return scoring.explain(self.points, self.result.evidence)


def _top(evidence: Sequence[Mapping[str, Any]], *, found: bool, limit: int = 3) -> list[str]:
    # A skill the recruiter weighted 0 counts for nothing, so it is neither a match nor a gap.
    items = [
        e
        for e in evidence
        if (e.get("status") == "found") == found and int(e.get("weight") or 0) > 0
    ]
    items.sort(
        key=lambda e: (not e.get("must_have"), -int(e.get("weight") or 0), e.get("name", ""))
    )
    return [str(e.get("name", "")) for e in items[:limit]]


def result_rows(
    *,
    match: Match,
    results: Iterable[MatchResult],
    user: Any,
    aliases: Mapping[int, str] | None = None,
    first_rank: int = 1,
) -> list[ResultRow]:
    results = list(results)
    revealed: set[int] = set()
    if match.blind:
        aliases = aliases if aliases is not None else match_aliases(match=match)
        revealed = revealed_candidate_ids(
            org=match.organisation, user=user, candidate_ids=[r.candidate_id for r in results]
        )
    must_haves_set = match_sets_must_haves(match=match)
    rows = []
    for rank, r in enumerate(results, start=first_rank):
        masked = match.blind and r.candidate_id not in revealed
        candidate = r.candidate
        label = (
            (aliases or {}).get(r.candidate_id, "Candidate") if masked else candidate.display_name
        )
        rows.append(
            ResultRow(
                result=r,
                label=label,
                masked=masked,
                decision=getattr(r, "decision_kind", None),
                matched=_top(r.evidence, found=True),
                missing=_top(r.evidence, found=False),
                missing_must_haves=[
                    str(e.get("name"))
                    for e in r.evidence
                    if e.get("missing_must_have") and int(e.get("weight") or 0) > 0
                ],
                rank=rank,
                candidate_id=r.candidate_id,
                # Half up, as floatformat rounds the score elsewhere (round() goes to even).
                score=math.floor(float(r.score) + 0.5),
                tier=r.tier,
                headline="" if masked else candidate.headline,
                file_name="" if masked or not candidate.name else candidate.file_name,
                years=candidate.years_display,
                must_haves_met=r.must_haves_met,
                must_haves_set=must_haves_set,
            )
        )
    return rows


def result_titles_read(*, match: Match, rows: Sequence[ResultRow]) -> dict[int, list[str] | None]:
    """By candidate id, the job titles the title component compared with the role's title: as
    read from the resume the result was scored from, in that order, each once whatever its
    case; [] when none could be read. None for a masked candidate, as a title can name the
    employer.

    The result keeps the titles it compared. A result scored before it kept them is read from
    the candidate's embedding row, and is None where that reading may not be the one scored: the
    row was stored after the result, or disagrees with the stored score."""
    out: dict[int, list[str] | None] = {row.candidate_id: None for row in rows}
    unkept: dict[int, MatchResult] = {}
    for row in rows:
        if row.masked:
            continue
        if row.result.titles is None:
            unkept[row.candidate_id] = row.result
        else:
            out[row.candidate_id] = _once_each(row.result.titles)
    if not unkept:
        return out
    readings = CandidateEmbedding.objects.filter(
        organisation_id=match.organisation_id,
        candidate_id__in=list(unkept),
        model_version__in={r.model_version for r in unkept.values()},
    ).values_list("candidate_id", "model_version", "titles", "created_at")
    for candidate_id, version, titles, read_at in readings:
        result = unkept[candidate_id]
        # A row stored after the result may be a later reading (a corrected text or headline
        # re-embeds it): with nothing kept on the result to tell, it is not shown.
        if version != result.model_version or read_at > result.created_at:
            continue
        # The stored score says whether the scorer had a title to compare: a reading that
        # disagrees is not the one it compared.
        compared = (result.components or {}).get("title_cosine") is not None
        if bool(titles) != compared:
            continue
        out[candidate_id] = _once_each(titles)
    return out


def _once_each(titles: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for title in titles:
        if title.casefold() not in seen:
            seen.add(title.casefold())
            unique.append(title)
    return unique


def match_score_bins(*, match: Match) -> list[charts.HistogramBin]:
    """The match's scores by band, each counted under the tier its result has: the tier the
    table prints, not one guessed from the band."""
    scored = MatchResult.objects.filter(match=match).values_list("score", "tier")
    # Binned as every view prints them: 29.6 reads 30 in the table, so it counts in the 30s.
    return charts.score_bins([(scoring.whole_score(s), tier) for s, tier in scored])


def match_heatmap(
    *, match: Match, rows: Sequence[ResultRow], max_skills: int = 18
) -> tuple[list[charts.HeatColumn], list[charts.HeatRow]]:
    """The heatmap's columns (the role's skills, must-haves and heavy ones first) and rows."""
    skills = sorted(
        match_skills(match=match),
        key=lambda s: (not s.get("must_have"), -int(s.get("weight") or 0), s.get("name", "")),
    )[:max_skills]
    columns = [
        charts.HeatColumn(
            label=str(s.get("name", "")),
            must_have=bool(s.get("must_have")),
            weight=int(s.get("weight") or 0),
        )
        for s in skills
    ]
    heat_rows = []
    for row in rows:
        by_skill = {e.get("skill_id"): e for e in row.result.evidence}
        cells = []
        for s in skills:
            e = by_skill.get(s.get("skill_id")) or {}
            status = charts.cell_status(str(e.get("status", "unknown")), e.get("credit"))
            note = ""
            if status == "partial" and e.get("min_years"):
                got = e.get("years")
                note = f"{got:g} of {e['min_years']} years" if got is not None else "years unclear"
            cells.append(charts.HeatCell(status=status, note=note))
        heat_rows.append(charts.HeatRow(label=row.label, score=row.result.score, cells=cells))
    return columns, heat_rows


def match_progress(*, match: Match) -> dict[str, Any]:
    """Where the match stands, with each chosen upload's stage, for the progress page."""
    documents = list(
        match.documents.filter(organisation_id=match.organisation_id)
        .select_related("candidate")
        .order_by("pk")
    )
    scored_ids = set(MatchResult.objects.filter(match=match).values_list("candidate_id", flat=True))
    failures = dict(MatchFailure.objects.filter(match=match).values_list("candidate_id", "message"))
    for document in documents:
        # Read fine, yet not scored in this match: the reason is the match's, not the file's,
        # so it rides on the row for this page only and is no field of Document.
        reason = failures.get(document.candidate_id or 0, "")
        document.not_scored_reason = reason  # type: ignore[attr-defined]
    return {
        "documents": documents,
        "scored_ids": scored_ids,
        "documents_working": sum(1 for d in documents if not d.is_final),
    }


def match_not_scored(*, match: Match) -> list[dict[str, str]]:
    """Every file of the match that was not scored, with the reason shown to the recruiter:
    uploads that could not be read, then candidates that failed in this match."""
    if match.status == Match.Status.DONE and not match.failed_count:
        # The count is settled with the match: most finished matches skip both queries.
        return []
    rows = [
        {"name": name, "reason": reason}
        for name, reason in match.documents.filter(
            organisation_id=match.organisation_id,
            candidate__isnull=True,
            status=Document.Status.FAILED,
        )
        .order_by("pk")
        .values_list("original_name", "error_message")
    ]
    for failure in (
        MatchFailure.objects.filter(match=match)
        .select_related("candidate__source_document")
        .only(
            "message",
            "candidate__name",
            "candidate__file_name",
            "candidate__number",
            "candidate__source_document__original_name",
        )
        .order_by("pk")
    ):
        source = failure.candidate.source_document
        name = source.original_name if source else failure.candidate.display_name
        rows.append({"name": name, "reason": failure.message})
    return rows


def interview_questions(*, match: Match, skill_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The role's interview topics that probe these skills (the candidate's gaps)."""
    wanted = set(skill_ids)
    if not wanted:
        return []
    topics = InterviewTopic.objects.filter(
        role_id=match.role_id, skill_id__in=wanted
    ).select_related("skill")
    return [
        {
            "title": t.title,
            "skill": t.skill.name if t.skill else "",
            "questions": list(t.questions or []),
        }
        for t in topics
    ]
