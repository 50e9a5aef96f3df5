"""Workspace preferences: blind review by default, and who unmasked which candidate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation

__all__ = ["CandidateReveal", "WorkspaceSettings"]


class WorkspaceSettings(models.Model):
    """One row per organisation, created on first change; absent means the defaults."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="workspace_settings"
    )
    # New matches start blind when set; each match can still be switched on its own.
    blind_review = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "workspace settings"

    def __str__(self) -> str:
        return f"Workspace settings of {self.organisation}"


class CandidateReveal(models.Model):
    """A recruiter chose to see who a masked candidate is. Kept, and audited, as a decision.

    Per person and candidate: a teammate who did not unmask still sees the masked profile."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="reveals"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "user"], name="reveal_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} unmasked candidate #{self.candidate_id}"
