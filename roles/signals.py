"""Any write to a role or one of its sections retires its cached page.

The cache key already carries the version and `updated_at`; this also covers writes that leave
both alone (a section edited outside the admin, a bulk loader), and rows deleted and re-created.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from roles.models import (
    EvaluationCriterion,
    InterviewTopic,
    Responsibility,
    Role,
    RoleSkill,
    SalaryRange,
)
from roles.selectors import role_cache_invalidate


def _role_saved(sender: Any, instance: Role, **kwargs: Any) -> None:
    slug = instance.slug
    role_cache_invalidate(slug=slug)
    transaction.on_commit(lambda: role_cache_invalidate(slug=slug))


def _section_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    slug = Role.objects.filter(pk=instance.role_id).values_list("slug", flat=True).first()
    if slug:
        role_cache_invalidate(slug=slug)


def _links_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Role) and kwargs.get("action", "").startswith("post_"):
        role_cache_invalidate(slug=instance.slug)


def connect() -> None:
    post_save.connect(_role_saved, sender=Role, dispatch_uid="roles_page_role_saved")
    post_delete.connect(_role_saved, sender=Role, dispatch_uid="roles_page_role_deleted")
    for model in (Responsibility, EvaluationCriterion, InterviewTopic, SalaryRange, RoleSkill):
        post_save.connect(_section_saved, sender=model, dispatch_uid=f"roles_page_{model.__name__}")
        post_delete.connect(
            _section_saved, sender=model, dispatch_uid=f"roles_page_del_{model.__name__}"
        )
    for through in (Role.industries.through, Role.related_roles.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"roles_page_{through}")
