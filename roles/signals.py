"""Any write to a role or one of its sections retires its cached page.

The cache key already carries the version and `updated_at`; this also covers writes that leave
both alone (a section edited outside the admin, a bulk loader), and rows deleted and re-created.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from roles.models import (
    EvaluationCriterion,
    InterviewTopic,
    Responsibility,
    Role,
    RoleSkill,
    SalaryRange,
)
from roles.selectors import role_cache_invalidate


def _invalidate_now_and_on_commit(slugs: list[str]) -> None:
    def invalidate() -> None:
        for slug in slugs:
            role_cache_invalidate(slug=slug)

    invalidate()
    transaction.on_commit(invalidate)


def _role_saving(sender: Any, instance: Role, **kwargs: Any) -> None:
    # A new slug leaves the page cached under the old address, which would go on serving it.
    if instance.pk is None:
        return
    old = Role.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old and old != instance.slug:
        _invalidate_now_and_on_commit([old])


def _role_saved(sender: Any, instance: Role, **kwargs: Any) -> None:
    # The pages that link this role as related show its title, and only while it is published:
    # a rename, an unpublish or a publish changes them too.
    linking = list(Role.objects.filter(related_roles=instance).values_list("slug", flat=True))
    _invalidate_now_and_on_commit([instance.slug, *linking])


def _role_deleting(sender: Any, instance: Role, **kwargs: Any) -> None:
    # Before the delete: afterwards the links to it, and so the pages holding them, are gone.
    linking = list(Role.objects.filter(related_roles=instance).values_list("slug", flat=True))
    _invalidate_now_and_on_commit([instance.slug, *linking])


def _section_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    slug = Role.objects.filter(pk=instance.role_id).values_list("slug", flat=True).first()
    if slug:
        role_cache_invalidate(slug=slug)


def _links_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Role) and kwargs.get("action", "").startswith("post_"):
        role_cache_invalidate(slug=instance.slug)


def connect() -> None:
    pre_save.connect(_role_saving, sender=Role, dispatch_uid="roles_page_role_saving")
    post_save.connect(_role_saved, sender=Role, dispatch_uid="roles_page_role_saved")
    pre_delete.connect(_role_deleting, sender=Role, dispatch_uid="roles_page_role_deleted")
    for model in (Responsibility, EvaluationCriterion, InterviewTopic, SalaryRange, RoleSkill):
        post_save.connect(_section_saved, sender=model, dispatch_uid=f"roles_page_{model.__name__}")
        post_delete.connect(
            _section_saved, sender=model, dispatch_uid=f"roles_page_del_{model.__name__}"
        )
    for through in (Role.industries.through, Role.related_roles.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"roles_page_{through}")
