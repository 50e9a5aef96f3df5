"""Writes for the role catalog. Public pages are cached, so every write here invalidates them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from roles.models import Role, RoleSkill, Skill, unique_slug


def _invalidate(role: Role) -> None:
    # Imported lazily: the cache helpers live with the selectors that read through them.
    from roles.selectors import role_cache_invalidate

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
    copy._history_user = actor  # type: ignore[attr-defined]
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
    role._history_user = actor  # type: ignore[attr-defined]
    role._change_reason = reason  # type: ignore[attr-defined]
    role.save(update_fields=["updated_at"])


# --- An organisation's custom roles ------------------------------------------------------------


class RoleInUse(ValueError):
    """A custom role that matches were scored against: they keep pointing at it."""


@transaction.atomic
def custom_role_update(
    *,
    role: Role,
    actor: Any = None,
    title: str | None = None,
    skills: list[dict[str, Any]] | None = None,
) -> Role:
    """Edits an organisation's own role: its title and its skill profile.

    Each entry of `skills` names a `skill` (a Skill) and any of `weight`, `must_have`,
    `min_years`, or `remove=True`; what an entry leaves out keeps its current value. Matches
    already run keep the profile they were scored with (their snapshot)."""
    if role.organisation_id is None:
        raise ValueError("Catalog roles are edited by curators, not through this service.")
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
    role._history_user = actor  # type: ignore[attr-defined]
    role.save()
    _invalidate(role)
    return role


@transaction.atomic
def custom_role_delete(*, role: Role, actor: Any = None) -> None:
    from django.db.models import ProtectedError

    if role.organisation_id is None:
        raise ValueError("Catalog roles cannot be deleted through this service.")
    try:
        with transaction.atomic():
            role._history_user = actor  # type: ignore[attr-defined]
            role.delete()
    except ProtectedError as exc:
        raise RoleInUse(
            f"This role was used by {len(exc.protected_objects)} match(es), which keep their "
            "results; it cannot be deleted."
        ) from exc
