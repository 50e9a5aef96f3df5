"""Writes for the role catalog. Public pages are cached, so every write here invalidates them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import F, Model, RestrictedError
from django.utils import timezone

from roles.models import (
    EvaluationCriterion,
    InterviewTopic,
    Responsibility,
    Role,
    RoleSkill,
    SalaryRange,
    Skill,
    unique_slug,
)
from roles.selectors import listed_skill_key, role_cache_invalidate, role_listed_skill_keys


def _invalidate(role: Role) -> None:
    # Imported lazily: the cache helpers live with the selectors that read through them.

    transaction.on_commit(lambda: role_cache_invalidate(slug=role.slug))


@transaction.atomic
def role_publish(*, role: Role, actor: Any = None) -> Role:
    """Publishes the current content as a new version; matches record the version they used."""
    Role.objects.filter(pk=role.pk).update(
        status=Role.Status.PUBLISHED, version=F("version") + 1, published_at=timezone.now()
    )
    role.refresh_from_db()
    _record_history(role, actor=actor, reason=f"Published as version {role.version}")
    _invalidate(role)
    return role


@transaction.atomic
def role_unpublish(*, role: Role, actor: Any = None) -> Role:
    Role.objects.filter(pk=role.pk).update(status=Role.Status.DRAFT)
    role.refresh_from_db()
    _record_history(role, actor=actor, reason="Unpublished")
    _invalidate(role)
    return role


@transaction.atomic
def role_duplicate(*, role: Role, actor: Any = None) -> Role:
    """A draft copy with every section, for a curator to start a similar role from."""
    source = Role.objects.get(pk=role.pk)
    copy = Role.objects.get(pk=role.pk)
    copy.pk = None
    copy.id = None
    copy.title = f"{source.title} (copy)"
    copy.slug = unique_slug(Role, copy.title)
    copy.status = Role.Status.DRAFT
    copy.version = 0
    copy.published_at = None
    copy.onet_code = ""
    copy.import_hashes = {}
    copy._history_user = actor
    copy.save()
    copy.industries.set(source.industries.all())
    copy.related_roles.set(source.related_roles.all())
    for relation in (
        "responsibilities",
        "evaluation_criteria",
        "interview_topics",
        "salary_ranges",
        "role_skills",
    ):
        for row in getattr(source, relation).all():
            row.pk = None
            row.id = None
            row.role = copy
            row.save()
    return copy


@transaction.atomic
def role_skill_set(
    *,
    role: Role,
    skill: Skill,
    weight: int = 3,
    must_have: bool = False,
    min_years: int | None = None,
) -> RoleSkill:
    if not 1 <= weight <= 5:
        raise ValueError("A skill's weight runs from 1 to 5.")
    role_skill, _ = RoleSkill.objects.update_or_create(
        role=role,
        skill=skill,
        defaults={"weight": weight, "must_have": must_have, "min_years": min_years},
    )
    _invalidate(role)
    return role_skill


def role_touch(*, role: Role) -> None:
    """Marks the role changed after its sections were edited, so cached pages are rebuilt."""
    Role.objects.filter(pk=role.pk).update(updated_at=timezone.now())
    _invalidate(role)


def _record_history(role: Role, *, actor: Any, reason: str) -> None:
    # The publish itself goes through queryset.update() for an atomic version bump, which
    # simple_history does not see; one explicit history row keeps who-published-when.
    role._history_user = actor
    role._change_reason = reason
    role.save(update_fields=["updated_at"])


# --- An organisation's custom roles ------------------------------------------------------------


class RoleInUse(ValueError):
    """A custom role that matches were scored against: they keep pointing at it."""


class ListedSkillRefused(ValueError):
    """A change to a skill the role's ad lists that cannot be kept, with the reason."""


@transaction.atomic
def custom_role_update(
    *,
    role: Role,
    actor: Any = None,
    title: str | None = None,
    skills: list[dict[str, Any]] | None = None,
    listed: Mapping[str, Mapping[str, Any]] | None = None,
) -> Role:
    """Edits an organisation's own role: its title and its skill profile.

    Each entry of `skills` names a `skill` (a Skill) and any of `weight`, `must_have`,
    `min_years`, or `remove=True`; what an entry leaves out keeps its current value. `listed`
    does the same for the skills its ad lists outside the taxonomy, by name (see
    `role_listed_skills`), a weight of 0 taking one off. Matches already run keep the profile
    they were scored with (their snapshot)."""
    if role.organisation_id is None:
        raise ValueError("Catalog roles are edited by curators, not through this service.")
    # One edit of a role at a time, each reading what the last one left: two recruiters saving
    # at once both keep their changes, and `save` below writes back no title, version or
    # listed changes read before the other's commit.
    role.refresh_from_db(from_queryset=Role.objects.select_for_update())
    before = _custom_profile(role)
    if listed:
        role.listed_skill_changes = _listed_merged(role, listed)
    if title is not None:
        title = title.strip()
        if not title:
            raise ValueError("A role needs a title.")
        role.title = title[:200]
    for change in skills or []:
        skill = change["skill"]
        if change.get("remove"):
            RoleSkill.objects.filter(role=role, skill=skill).delete()
            continue
        current = RoleSkill.objects.filter(role=role, skill=skill).first()
        role_skill_set(
            role=role,
            skill=skill,
            weight=change.get("weight", current.weight if current else 3),
            must_have=change.get("must_have", current.must_have if current else False),
            min_years=change.get("min_years", current.min_years if current else None),
        )
    role._history_user = actor
    role.save()
    if _custom_profile(role) != before:
        # Matches record the version they were scored with: two matches that read different
        # profiles must not both say "version 3". F() so two edits at once make two versions.
        Role.objects.filter(pk=role.pk).update(version=F("version") + 1)
        role.refresh_from_db(fields=["version"])
    _invalidate(role)
    return role


def _custom_profile(role: Role) -> tuple[Any, ...]:
    rows = RoleSkill.objects.filter(role=role).order_by("skill_id")
    # The role is read fresh under its lock and `_listed_merged` returns a new dict, so the
    # object's own fields are what is stored, before the edit and after.
    return (
        role.title,
        tuple(rows.values_list("skill_id", "weight", "must_have", "min_years")),
        role.listed_skill_changes,
    )


def _listed_merged(role: Role, listed: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """`role.listed_skill_changes` with `listed` written over it, each value checked as a
    role's own skill's is (ValueError with a reason): a name the ad does not list is refused
    rather than kept for a skill that is not there."""
    names = role_listed_skill_keys(role=role)
    merged = dict(role.listed_skill_changes or {})
    for name, change in listed.items():
        key = listed_skill_key(name)
        if key not in names:
            raise ListedSkillRefused(f"The role's job description does not list “{name}”.")
        entry = dict(merged.get(key, {}))
        if "weight" in change:
            weight = change["weight"]
            if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 5:
                raise ListedSkillRefused("A listed skill's weight is a whole number from 0 to 5.")
            entry["weight"] = weight
        if "must_have" in change:
            entry["must_have"] = bool(change["must_have"])
        if "min_years" in change:
            years = change["min_years"]
            if years is not None and (
                isinstance(years, bool)
                or not isinstance(years, int)
                or not 0 <= years <= RoleSkill.MAX_MIN_YEARS
            ):
                raise ListedSkillRefused(
                    f"Minimum years are a whole number from 0 to {RoleSkill.MAX_MIN_YEARS}."
                )
            entry["min_years"] = years or None
        merged[key] = entry
    return merged


@transaction.atomic
def custom_role_delete(*, role: Role, actor: Any = None) -> None:
    if role.organisation_id is None:
        raise ValueError("Catalog roles cannot be deleted through this service.")
    try:
        with transaction.atomic():
            role._history_user = actor
            role.delete()
    except RestrictedError as exc:
        raise RoleInUse(
            f"This role was used by {len(exc.restricted_objects)} match(es), which keep their "
            "results; it cannot be deleted."
        ) from exc


# --- Reverting a whole page to an earlier moment -------------------------------------------------

# What a revert restores: every field of the page's content. Publishing state (status, version,
# published_at) only moves forward, and the scope (organisation) is not content: moving a private
# role between organisations must never happen by a revert.
_REVERT_SKIPPED_FIELDS = {
    "id",
    "status",
    "version",
    "published_at",
    "organisation",
    "import_hashes",
    "created_at",
    "updated_at",
}

# The page's sections, as (label, related name, model); each keeps its own history.
# Any, not type[Model]: django-simple-history adds `history` to each model as it is created.
_REVERT_SECTIONS: list[tuple[str, str, Any]] = [
    ("Key skills", "role_skills", RoleSkill),
    ("Responsibilities", "responsibilities", Responsibility),
    ("Evaluation criteria", "evaluation_criteria", EvaluationCriterion),
    ("Interview topics", "interview_topics", InterviewTopic),
    ("Salary ranges", "salary_ranges", SalaryRange),
]


class RevertError(ValueError):
    """A revert that cannot be done, with a message a curator understands."""


@dataclass(frozen=True)
class FieldChange:
    label: str
    current: Any
    restored: Any


@dataclass(frozen=True)
class SectionChange:
    label: str
    current_count: int
    restored_count: int
    removed: int
    added: int

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.added)


@dataclass
class RevertPlan:
    """What `role_revert` would do: shown to the curator before they confirm."""

    role: Role
    moment: datetime
    record_date: datetime
    fields: dict[str, Any]
    field_changes: list[FieldChange]
    sections: list[SectionChange]
    rows: dict[str, list[Model]] = field(repr=False, default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.field_changes) or any(s.changed for s in self.sections)


def _row_values(row: Model) -> tuple[Any, ...]:
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key)


def _revert_moment(*, role: Role, to: datetime | int) -> tuple[datetime, Any]:
    """The moment to restore and the role's historical record in force then.

    A history entry means "the page as that save left it". The admin saves the role first and
    its inline rows just after, so the moment is the instant before the role's next history entry
    (or now), which takes in the inline edits made by the same save."""
    history = Role.history.filter(id=role.pk)
    if isinstance(to, datetime):
        if timezone.is_naive(to):
            raise RevertError("Give the moment to revert to with its time zone.")
        record = history.filter(history_date__lte=to).order_by("-history_date").first()
        if record is None:
            raise RevertError("This role did not exist yet at that moment.")
        return to, record
    record = history.filter(history_id=to).first()
    if record is None:
        raise RevertError("That history entry does not belong to this role.")
    following = (
        history.filter(history_date__gt=record.history_date).order_by("history_date").first()
    )
    moment = following.history_date - timedelta(microseconds=1) if following else timezone.now()
    return moment, record


def _field_changes(*, past: Role, current: Role) -> tuple[dict[str, Any], list[FieldChange]]:
    fields: dict[str, Any] = {}
    field_changes = []
    for model_field in Role._meta.concrete_fields:
        if model_field.name in _REVERT_SKIPPED_FIELDS:
            continue
        old, now = getattr(past, model_field.attname), getattr(current, model_field.attname)
        fields[model_field.attname] = old
        if old != now:
            field_changes.append(FieldChange(str(model_field.verbose_name), now, old))
    return fields, field_changes


def _past_rows(model: Any, *, role_id: int, moment: datetime, notes: list[str]) -> list[Any]:
    """A section's rows at `moment`, less what can no longer be restored (said in `notes`)."""
    past_rows = list(model.history.as_of(moment).filter(role_id=role_id))
    if model is RoleSkill:
        known = set(
            Skill.objects.filter(pk__in=[r.skill_id for r in past_rows]).values_list(
                "pk", flat=True
            )
        )
        gone = [r for r in past_rows if r.skill_id not in known]
        if gone:
            notes.append(f"{len(gone)} skill(s) have since left the taxonomy; not restored.")
        past_rows = [r for r in past_rows if r.skill_id in known]
    if model is InterviewTopic:
        named = {r.skill_id for r in past_rows if r.skill_id is not None}
        known = set(Skill.objects.filter(pk__in=named).values_list("pk", flat=True))
        for r in past_rows:
            if r.skill_id is not None and r.skill_id not in known:
                r.skill_id = None
    return past_rows


def role_revert_plan(*, role: Role, to: datetime | int) -> RevertPlan:
    """Compares the page now with the page at `to` (a datetime or a Role history id)."""
    moment, record = _revert_moment(role=role, to=to)
    if record.history_type == "-":
        raise RevertError("The role had been deleted at that moment.")
    current = Role.objects.get(pk=role.pk)
    past = record.instance
    fields, field_changes = _field_changes(past=past, current=current)
    notes = []
    slug = fields.get("slug")
    if slug != current.slug and Role.objects.filter(slug=slug).exclude(pk=role.pk).exists():
        fields["slug"] = current.slug
        field_changes = [c for c in field_changes if c.label != "slug"]
        notes.append(f"The old address “{slug}” is now used by another role; it is kept as is.")

    sections = []
    rows: dict[str, list[Model]] = {}
    for label, relation, model in _REVERT_SECTIONS:
        past_rows = _past_rows(model, role_id=role.pk, moment=moment, notes=notes)
        current_rows = list(getattr(current, relation).all())
        # Rows written by a bulk insert (the O*NET import, job-description drafts) have no
        # history, so nobody can say when they appeared: keep them rather than guess and lose them.
        tracked = set(
            model.history.filter(id__in=[r.pk for r in current_rows]).values_list("id", flat=True)
        )
        untracked = [r for r in current_rows if r.pk not in tracked]
        if untracked:
            notes.append(
                f"{label}: {len(untracked)} row(s) were written without history (a bulk "
                "import) and are kept as they are."
            )
            past_rows += untracked
        now_rows = {r.pk: _row_values(r) for r in current_rows}
        past_values = {r.pk: _row_values(r) for r in past_rows}
        kept = {pk for pk, values in past_values.items() if now_rows.get(pk) == values}
        sections.append(
            SectionChange(
                label,
                current_count=len(now_rows),
                restored_count=len(past_rows),
                removed=len(now_rows) - len(kept),
                added=len(past_rows) - len(kept),
            )
        )
        rows[relation] = past_rows
    return RevertPlan(
        role=current,
        moment=moment,
        record_date=record.history_date,
        fields=fields,
        field_changes=field_changes,
        sections=sections,
        rows=rows,
        notes=notes,
    )


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "email", "") or str(actor)


@transaction.atomic
def role_revert(*, role: Role, to: datetime | int, actor: Any = None) -> Role:
    """Restores the whole page (fields and every section) as it was at `to`.

    `to` is a datetime or the id of one of the role's history entries. Industries and related
    roles are not history-tracked, so they stay as they are. The status is kept: a published role
    is republished at once as a new version (as saving a live page in the admin does); a draft
    stays a draft and gets its version on the next publish."""
    locked = Role.objects.select_for_update().get(pk=role.pk)
    plan = role_revert_plan(role=locked, to=to)
    when = timezone.localtime(plan.record_date if not isinstance(to, datetime) else plan.moment)
    reason = f"Reverted to {when:%Y-%m-%d %H:%M:%S} by {_actor_name(actor)}"[:100]
    old_slug = locked.slug

    for relation, past_rows in plan.rows.items():
        past_values = {r.pk: _row_values(r) for r in past_rows}
        kept = set()
        # Rows that differ are deleted and re-created with their old id, so each row's own
        # history reads as one continuous story; deleting first keeps unique constraints happy.
        for row in getattr(locked, relation).all():
            if past_values.get(row.pk) == _row_values(row):
                kept.add(row.pk)
                continue
            row._history_user = actor
            row._change_reason = reason
            row.delete()
        for past in past_rows:
            if past.pk in kept:
                continue
            model: Any = type(past)
            restored = model(
                **{f.attname: getattr(past, f.attname) for f in model._meta.concrete_fields}
            )
            if model._default_manager.filter(pk=past.pk).exists():
                restored.pk = None
            restored._history_user = actor
            restored._change_reason = reason
            restored.save(force_insert=True)

    for attname, value in plan.fields.items():
        setattr(locked, attname, value)
    locked._history_user = actor
    locked._change_reason = reason
    locked.save()
    if old_slug != locked.slug:
        transaction.on_commit(lambda: role_cache_invalidate(slug=old_slug))
    if locked.status == Role.Status.PUBLISHED:
        return role_publish(role=locked, actor=actor)
    _invalidate(locked)
    return locked


# --- Curators --------------------------------------------------------------------------------

CURATORS_GROUP = "Curators"


@transaction.atomic
def curator_grant(
    *, email: str, password: str | None = None, superuser: bool = False
) -> tuple[Any, bool]:
    """Lets `email` curate the role catalog in the admin; creates the account when it is new.

    Curators are staff in the "Curators" group, which may edit roles, their sections and the
    skills taxonomy and nothing else (no credits, no organisations). `superuser` makes the first
    operator, who may do everything. Returns the user and whether it was created."""
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        if not password:
            raise ValueError(f"{email} has no account yet: give it a password.")
        user = user_model.objects.create_user(email=email, password=password)
    elif password:
        user.set_password(password)
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="roles",
            content_type__model__in=[
                "role",
                "responsibility",
                "evaluationcriterion",
                "interviewtopic",
                "salaryrange",
                "roleskill",
                "skill",
                "skillalias",
                "industry",
            ],
        )
    )
    user.is_staff = True
    if superuser:
        user.is_superuser = True
    user.save()
    user.groups.add(group)
    return user, created


# --- Draft revisions of a live page ----------------------------------------------------------

# What a revision carries over: the page's content, never its address, state or scope.
_REVISION_SKIPPED_FIELDS = frozenset(
    {
        "id",
        "slug",
        "status",
        "version",
        "published_at",
        "created_at",
        "updated_at",
        "organisation",
        "draft_of",
        "import_hashes",
    }
)
_REVISION_SECTIONS = _REVERT_SECTIONS


class RevisionError(ValueError):
    """A revision step that cannot be done, with a message a curator understands."""


def _content_fields() -> list[Any]:
    return [f for f in Role._meta.concrete_fields if f.name not in _REVISION_SKIPPED_FIELDS]


def _section_values(row: Model) -> tuple[Any, ...]:
    return tuple(
        _comparable(getattr(row, f.attname))
        for f in row._meta.concrete_fields
        if not f.primary_key and f.name != "role"
    )


def _copy_sections(*, source: Role, target: Role, actor: Any, reason: str) -> None:
    for _, relation, _model in _REVISION_SECTIONS:
        for row in getattr(target, relation).all():
            row._history_user = actor
            row._change_reason = reason
            row.delete()
        for row in getattr(source, relation).all():
            row.pk = None
            row.id = None
            row.role = target
            row._history_user = actor
            row._change_reason = reason
            row.save(force_insert=True)
    target.industries.set(source.industries.all())
    target.related_roles.set(source.related_roles.all())


@transaction.atomic
def role_revision_start(*, role: Role, actor: Any = None) -> Role:
    """The draft revision of a live page: a copy to edit and preview while the page stays up.

    A role has at most one; asking again returns it."""
    live = Role.objects.select_for_update().get(pk=role.pk)
    if live.draft_of_id is not None:
        raise RevisionError("This is already a draft revision; edit it directly.")
    if live.status != Role.Status.PUBLISHED:
        raise RevisionError("Only a published page needs a draft revision; edit this draft.")
    existing = Role.objects.filter(draft_of=live).first()
    if existing is not None:
        return existing
    draft = Role(
        draft_of=live,
        status=Role.Status.DRAFT,
        organisation_id=live.organisation_id,
        slug=unique_slug(Role, f"{live.slug}-draft-revision"),
        **{f.attname: getattr(live, f.attname) for f in _content_fields()},
    )
    draft._history_user = actor
    draft._change_reason = f"Draft revision of version {live.version} started"
    draft.save()
    _copy_sections(source=live, target=draft, actor=actor, reason="Draft revision started")
    _record_history(
        live, actor=actor, reason=f"Draft revision started by {_actor_name(actor)}"[:100]
    )
    return draft


def role_revision_changes(*, draft: Role) -> list[str]:
    """What the draft revision changes on the live page, one line per change, for the banner."""
    live = draft.draft_of
    if live is None:
        return []
    lines = []
    for model_field in _content_fields():
        if _comparable(getattr(draft, model_field.attname)) != _comparable(
            getattr(live, model_field.attname)
        ):
            lines.append(f"{str(model_field.verbose_name).capitalize()} changed")
    live_skills = {rs.skill.name: rs for rs in live.role_skills.select_related("skill")}
    draft_skills = {rs.skill.name: rs for rs in draft.role_skills.select_related("skill")}
    for name in sorted(draft_skills.keys() - live_skills.keys()):
        lines.append(f"Key skills: {name} added")
    for name in sorted(live_skills.keys() - draft_skills.keys()):
        lines.append(f"Key skills: {name} removed")
    for name in sorted(draft_skills.keys() & live_skills.keys()):
        old, new = live_skills[name], draft_skills[name]
        if (old.weight, old.must_have, old.min_years) != (new.weight, new.must_have, new.min_years):
            lines.append(
                f"Key skills: {name} {_skill_words(old)} \N{RIGHTWARDS ARROW} {_skill_words(new)}"
            )
    for label, relation, model in _REVISION_SECTIONS:
        if model is RoleSkill:
            continue
        before = sorted(map(repr, map(_section_values, getattr(live, relation).all())))
        after = sorted(map(repr, map(_section_values, getattr(draft, relation).all())))
        if before != after:
            lines.append(f"{label} changed")
    if set(draft.industries.all()) != set(live.industries.all()):
        lines.append("Industries changed")
    if set(draft.related_roles.all()) != set(live.related_roles.all()):
        lines.append("Related roles changed")
    return lines


def _comparable(value: Any) -> Any:
    # A browser sends a textarea's line breaks as CRLF: the same words, not a change.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _skill_words(rs: RoleSkill) -> str:
    words = f"weight {rs.weight}" + (", must-have" if rs.must_have else "")
    return words + (f", {rs.min_years}+ yrs" if rs.min_years else "")


@transaction.atomic
def role_revision_publish(*, draft: Role, actor: Any = None) -> Role:
    """Puts the draft revision's content on the live page as a new version, then removes the
    draft. The live role keeps its id, address and history; matches see the new version."""
    draft = Role.objects.select_for_update().get(pk=draft.pk)
    if draft.draft_of_id is None:
        raise RevisionError("This role is not a draft revision.")
    live = Role.objects.select_for_update().get(pk=draft.draft_of_id)
    reason = f"Draft revision published by {_actor_name(actor)}"[:100]
    _copy_sections(source=draft, target=live, actor=actor, reason=reason)
    for model_field in _content_fields():
        setattr(live, model_field.attname, getattr(draft, model_field.attname))
    live._history_user = actor
    live._change_reason = reason
    live.save()
    draft._history_user = actor
    draft._change_reason = "Published onto the live page"
    draft.delete()
    return role_publish(role=live, actor=actor)


@transaction.atomic
def role_revision_discard(*, draft: Role, actor: Any = None) -> Role:
    """Drops the draft revision; the live page is left exactly as it was. Returns the live role."""
    draft = Role.objects.select_for_update().get(pk=draft.pk)
    if draft.draft_of_id is None:
        raise RevisionError("This role is not a draft revision.")
    live = Role.objects.get(pk=draft.draft_of_id)
    draft._history_user = actor
    draft._change_reason = "Discarded"
    draft.delete()
    _record_history(
        live, actor=actor, reason=f"Draft revision discarded by {_actor_name(actor)}"[:100]
    )
    return live
