"""Admin curation: roles with their sections inline, preview, publish, duplicate and history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from roles import services
from roles.models import (
    EvaluationCriterion,
    Industry,
    InterviewTopic,
    Responsibility,
    Role,
    RoleSkill,
    SalaryRange,
    Skill,
    SkillAlias,
)
from roles.selectors import role_get_for_preview
from roles.views import render_role_preview


class LinesField(forms.CharField):
    """A JSON list of strings edited as a textarea, one item per line."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class TextareaLineEndingsForm(forms.ModelForm):
    """Browsers post a textarea's line breaks as CRLF (HTML spec). Kept as sent, every save would
    rewrite untouched prose, and history and the revert page would show edits nobody made."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if isinstance(value, str) and "\r" in value:
                cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        return cleaned


class RoleForm(TextareaLineEndingsForm):
    alternate_titles = LinesField(required=False, help_text="One title per line.")

    class Meta:
        model = Role
        exclude: list[str] = []


class InterviewTopicForm(TextareaLineEndingsForm):
    questions = LinesField(required=False, help_text="One question per line.")

    class Meta:
        model = InterviewTopic
        fields = ["title", "skill", "order", "questions"]


class RoleSkillInline(admin.TabularInline):
    model = RoleSkill
    extra = 0
    autocomplete_fields = ["skill"]
    fields = ["skill", "weight", "must_have", "min_years"]


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    form = TextareaLineEndingsForm
    extra = 0
    fields = ["order", "text"]
    formfield_overrides = {
        Responsibility._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 80})
        }
    }


class EvaluationCriterionInline(admin.StackedInline):
    model = EvaluationCriterion
    form = TextareaLineEndingsForm
    extra = 0
    fields = [("title", "order"), "guidance"]


class InterviewTopicInline(admin.StackedInline):
    model = InterviewTopic
    form = InterviewTopicForm
    extra = 0
    autocomplete_fields = ["skill"]
    fields = [("title", "skill", "order"), "questions"]


class SalaryRangeInline(admin.TabularInline):
    model = SalaryRange
    extra = 0
    fields = ["order", "level", "currency", "min_amount", "max_amount", "region", "source_note"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    form = RoleForm
    change_form_template = "admin/roles/role/change_form.html"
    list_display = [
        "title",
        "status",
        "version",
        "revision_of",
        "family",
        "scope",
        "onet_code",
        "updated_at",
    ]
    list_filter = ["status", "family", ("organisation", admin.EmptyFieldListFilter)]
    search_fields = ["title", "slug", "onet_code", "alternate_titles"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["related_roles", "organisation"]
    filter_horizontal = ["industries"]
    readonly_fields = ["status", "version", "published_at", "created_at", "updated_at"]
    inlines = [
        RoleSkillInline,
        ResponsibilityInline,
        EvaluationCriterionInline,
        InterviewTopicInline,
        SalaryRangeInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "family", "organisation", "alternate_titles"]}),
        ("Page", {"fields": ["summary", "description", "day_in_the_life", "salary_context"]}),
        ("Links", {"fields": ["industries", "related_roles"]}),
        ("Source", {"fields": ["onet_code", "job_zone", "source_note"]}),
        (
            "Publishing",
            {"fields": ["status", "version", "published_at", "created_at", "updated_at"]},
        ),
    ]
    actions = ["publish_selected", "unpublish_selected", "duplicate_selected"]
    history_list_display = ["status", "version"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Role]:
        return super().get_queryset(request).select_related("organisation", "draft_of")

    # --- Whole-page revert ----------------------------------------------------------------------

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Replaces simple_history's field-only revert form: a confirmation page listing what a
        revert changes across the whole page (fields and every section), then the revert."""
        if not (object_id.isdigit() and version_id.isdigit()):
            raise Http404
        role = get_object_or_404(Role, pk=int(object_id))
        if not self.has_view_history_or_change_history_permission(request, role):
            raise PermissionDenied
        can_revert = not self.revert_disabled(request, role)
        try:
            plan = services.role_revert_plan(role=role, to=int(version_id))
        except services.RevertError as exc:
            raise Http404(str(exc)) from exc
        if request.method == "POST":
            if not can_revert:
                raise PermissionDenied
            role = services.role_revert(role=role, to=int(version_id), actor=request.user)
            state = (
                f"live as version {role.version}"
                if role.status == Role.Status.PUBLISHED
                else "a draft; publish it when ready"
            )
            self.message_user(
                request,
                f"“{role.title}” is back to how it was on "
                f"{timezone.localtime(plan.record_date):%Y-%m-%d %H:%M}; it is {state}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:roles_role_change", args=[role.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revert “{role.title}”",
            "opts": self.model._meta,
            "original": role,
            "plan": plan,
            "can_revert": can_revert,
            "history_url": reverse("admin:roles_role_history", args=[role.pk]),
            "change_url": reverse("admin:roles_role_change", args=[role.pk]),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/roles/role/revert_confirm.html", context)

    @admin.display(description="Draft revision of", ordering="draft_of")
    def revision_of(self, obj: Role) -> str:
        return str(obj.draft_of) if obj.draft_of_id else ""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        role = Role.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        extra = {
            "live_role": role.draft_of if role is not None and role.draft_of_id else None,
            "draft_revision": role.revisions.first() if role is not None else None,
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @admin.display(description="Scope", ordering="organisation")
    def scope(self, obj: Role) -> str:
        return obj.organisation.name if obj.organisation else "Public catalog"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        role = form.instance
        if role.status == Role.Status.PUBLISHED:
            # An edit to a live page is a published change: matches must see a new version.
            services.role_publish(role=role, actor=request.user)
            self.message_user(
                request, f"“{role}” is live as version {role.version}.", messages.SUCCESS
            )
        else:
            services.role_touch(role=role)

    # --- Actions ------------------------------------------------------------------------------

    @admin.action(description="Publish selected roles", permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        for role in queryset:
            services.role_publish(role=role, actor=request.user)
        self.message_user(request, f"Published {queryset.count()} role(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected roles", permissions=["change"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        count = 0
        for role in queryset.filter(status=Role.Status.PUBLISHED):
            services.role_unpublish(role=role, actor=request.user)
            count += 1
        self.message_user(request, f"Unpublished {count} role(s).", messages.SUCCESS)

    @admin.action(description="Duplicate selected roles as drafts", permissions=["add"])
    def duplicate_selected(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        copies = [services.role_duplicate(role=role, actor=request.user) for role in queryset]
        self.message_user(
            request,
            "Created " + ", ".join(f"“{c.title}”" for c in copies) + " as drafts.",
            messages.SUCCESS,
        )

    # --- Preview and one-click publish ---------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="roles_role_preview",
            ),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(require_POST(self.publish_view)),
                name="roles_role_publish",
            ),
            path(
                "<int:pk>/unpublish/",
                self.admin_site.admin_view(require_POST(self.unpublish_view)),
                name="roles_role_unpublish",
            ),
            path(
                "<int:pk>/revision/",
                self.admin_site.admin_view(require_POST(self.revision_start_view)),
                name="roles_role_revision_start",
            ),
            path(
                "<int:pk>/discard/",
                self.admin_site.admin_view(require_POST(self.revision_discard_view)),
                name="roles_role_revision_discard",
            ),
        ]
        return own + super().get_urls()

    def _role_or_404(self, request: HttpRequest, pk: int, *, change: bool) -> Role:
        role = get_object_or_404(Role, pk=pk)
        allowed = (
            self.has_change_permission(request, role)
            if change
            else self.has_view_permission(request, role)
        )
        if not allowed:
            raise PermissionDenied
        return role

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._role_or_404(request, pk, change=False)
        return render_role_preview(request, role_get_for_preview(pk=pk))

    def revision_start_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        live = self._role_or_404(request, pk, change=True)
        try:
            draft = services.role_revision_start(role=live, actor=request.user)
        except services.RevisionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:roles_role_change", args=[live.pk]))
        self.message_user(
            request,
            f"This is a draft revision of “{live.title}”. The live page (version "
            f"{live.version}) stays as it is until you publish this revision.",
            messages.INFO,
        )
        return HttpResponseRedirect(reverse("admin:roles_role_change", args=[draft.pk]))

    def revision_discard_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        draft = self._role_or_404(request, pk, change=True)
        try:
            live = services.role_revision_discard(draft=draft, actor=request.user)
        except services.RevisionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:roles_role_change", args=[draft.pk]))
        self.message_user(
            request,
            f"The draft revision was discarded; “{live.title}” stays live as version "
            f"{live.version}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:roles_role_change", args=[live.pk]))

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        role = self._role_or_404(request, pk, change=True)
        if role.draft_of_id is not None:
            live = services.role_revision_publish(draft=role, actor=request.user)
            self.message_user(
                request,
                format_html(
                    "The draft revision is live: “{}” is published as version {}. "
                    "<a href='{}'>View the page</a>",
                    live.title,
                    live.version,
                    live.get_absolute_url(),
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:roles_role_change", args=[live.pk]))
        role = services.role_publish(role=role, actor=request.user)
        self.message_user(
            request,
            format_html(
                "“{}” is published as version {}. <a href='{}'>View the page</a>",
                role.title,
                role.version,
                role.get_absolute_url(),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:roles_role_change", args=[role.pk]))

    def unpublish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        role = services.role_unpublish(
            role=self._role_or_404(request, pk, change=True), actor=request.user
        )
        self.message_user(request, f"“{role.title}” is back to draft.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:roles_role_change", args=[role.pk]))


class SkillAliasInline(admin.TabularInline):
    model = SkillAlias
    extra = 1
    fields = ["alias"]


@admin.register(Skill)
class SkillAdmin(SimpleHistoryAdmin):
    list_display = ["name", "category", "alias_list", "role_count"]
    list_filter = ["category"]
    search_fields = ["name", "slug", "alias_set__alias", "category"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SkillAliasInline]
    # Stated here because the role count annotation (a GROUP BY) drops Meta.ordering.
    ordering = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Skill]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("alias_set")
            .annotate(n_roles=Count("role_skills", distinct=True))
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Skill], search_term: str
    ) -> tuple[QuerySet[Skill], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return queryset, may_have_duplicates
        # The role form's skill picker shows 20 at a time: a curator typing "Go" or "R" wants
        # that skill, not the first twenty names that merely contain the letters.
        alias_is_term = Exists(SkillAlias.objects.filter(skill=OuterRef("pk"), alias__iexact=term))
        rank = Case(
            When(name__iexact=term, then=Value(0)),
            When(alias_is_term, then=Value(1)),
            When(name__istartswith=term, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        ranked = queryset.annotate(search_rank=rank).order_by("search_rank", "name")
        return ranked, may_have_duplicates

    @admin.display(description="Aliases")
    def alias_list(self, obj: Skill) -> str:
        return ", ".join(a.alias for a in obj.alias_set.all())

    @admin.display(description="Roles", ordering="n_roles")
    def role_count(self, obj: Skill) -> int:
        # Annotated by get_queryset.
        return int(getattr(obj, "n_roles", 0))


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
