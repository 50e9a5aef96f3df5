"""Workspace writes that are not scoring: blind review switches, audited unmasking, the
recruiter's decisions, and a reviewed skill profile kept on the organisation's own role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import audit_record
from candidates.models import Candidate
from matcher.models.matches import Decision, Match
from matcher.models.workspace import CandidateReveal, WorkspaceSettings
from matcher.services.matches import MatchError
from roles.models import Role
from roles.selectors import custom_role_list, listed_skill_key, role_listed_skill_keys
from roles.services import custom_role_update


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
    """Shortlist, hold or reject a candidate in a match. Each change is kept in the decision's
    history and in the organisation's audit log."""
    if decision not in Decision.Kind.values:
        raise MatchError("Choose shortlist, hold or reject.")
    if not match.candidates.filter(pk=candidate.pk).exists():
        raise MatchError("This candidate is not part of this match.")
    with transaction.atomic():
        made = Decision.objects.select_for_update().filter(match=match, candidate=candidate).first()
        if made is None:
            made = Decision(organisation_id=match.organisation_id, match=match, candidate=candidate)
        made.decision = decision
        made.note = note.strip()[:5000]
        made.decided_by = user
        made.decided_at = timezone.now()
        made._history_user = user
        made.save()
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


class RoleSaveRefused(ValueError):
    """The role is not one of the organisation's own: a catalog role, or another's."""


def role_profile_save(
    *,
    org: Organisation,
    user: User,
    role: Role,
    changes: Mapping[int, Mapping[str, Any]],
    listed: Mapping[str, Mapping[str, Any]] | None = None,
) -> Role:
    """Keeps a skill profile reviewed on the new-match page on the role, for later matches.

    Through the API's own edit (`custom_role_update`), so the role's history records who changed
    what, as a PATCH would. `changes` are by skill id (`SkillRowFormSet.role_skill_changes`); a
    skill the role stopped listing meanwhile is left alone rather than added back. `listed`:
    the skills its ad lists outside the taxonomy, by name (`listed_skill_changes`)."""
    if not custom_role_list(org=org).filter(pk=role.pk).exists():
        raise RoleSaveRefused(
            "Only your organisation's own roles keep weights for later matches; catalog roles "
            "are kept by our curators. Nothing was saved."
        )
    skills = {
        rs.skill_id: rs.skill
        for rs in role.role_skills.filter(skill_id__in=list(changes)).select_related("skill")
    }
    entries = [
        {"skill": skills[skill_id], **change}
        for skill_id, change in changes.items()
        if skill_id in skills
    ]
    names = role_listed_skill_keys(role=role)
    kept = {
        name: change for name, change in (listed or {}).items() if listed_skill_key(name) in names
    }
    return custom_role_update(role=role, actor=user, skills=entries, listed=kept)
