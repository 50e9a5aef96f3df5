"""Workspace writes that are not scoring: blind review switches and audited unmasking."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import Organisation, User
from accounts.services import audit_record
from candidates.models import Candidate
from matcher.models.matches import Decision, Match
from matcher.models.workspace import CandidateReveal, WorkspaceSettings
from matcher.services.matching import decision_record


@transaction.atomic
def workspace_blind_default_set(*, org: Organisation, user: User, blind: bool) -> WorkspaceSettings:
    row, _ = WorkspaceSettings.objects.select_for_update().get_or_create(organisation=org)
    if row.blind_review != blind:
        row.blind_review = blind
        row.updated_by = user
        row.save(update_fields=["blind_review", "updated_by", "updated_at"])
        audit_record(
            action="workspace.blind_default_changed", org=org, actor=user, detail={"blind": blind}
        )
    return row


@transaction.atomic
def match_blind_set(*, match: Match, user: User, blind: bool) -> Match:
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.blind != blind:
        match.blind = blind
        match.save(update_fields=["blind", "updated_at"])
        audit_record(
            action="match.blind_changed",
            org=match.organisation,
            actor=user,
            detail={"match": match.pk, "blind": blind},
        )
    return match


@transaction.atomic
def candidate_reveal(
    *,
    org: Organisation,
    candidate: Candidate,
    user: User,
    match: Match | None = None,
    reason: str = "",
) -> CandidateReveal:
    """Unmasks a candidate for this user, once; every call is audited, repeats included,
    since each one shows the identity again."""
    if candidate.organisation_id != org.pk or (
        match is not None and match.organisation_id != org.pk
    ):
        raise Candidate.DoesNotExist
    reason = reason.strip()[:300]
    try:
        with transaction.atomic():
            reveal = CandidateReveal.objects.create(
                organisation=org, candidate=candidate, user=user, reason=reason
            )
    except IntegrityError:
        reveal = CandidateReveal.objects.get(candidate=candidate, user=user)
    audit_record(
        action="candidate.unmasked",
        org=org,
        actor=user,
        detail={
            "candidate": candidate.pk,
            "match": match.pk if match is not None else None,
            "reason": reason,
        },
    )
    return reveal


def decision_make(
    *, match: Match, candidate: Candidate, user: User, decision: str, note: str = ""
) -> Decision:
    """The recruiter's call, through the engine's `decision_record` (which keeps the history),
    and in the organisation's audit log."""
    with transaction.atomic():
        made = decision_record(
            match=match, candidate=candidate, user=user, decision=decision, note=note
        )
        audit_record(
            action="match.decision",
            org=match.organisation,
            actor=user,
            detail={
                "match": match.pk,
                "candidate": candidate.pk,
                "decision": decision,
                "note": made.note[:200],
            },
        )
    return made
