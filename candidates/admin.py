from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from candidates.models import Candidate, Document, UploadBatch

# --- intake ---


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ("original_name", "status", "error_code", "detected_kind", "size", "attempts")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(UploadBatch)
class UploadBatchAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "organisation",
        "created_by",
        "created_at",
        "file_count",
        "rejected_count",
    )
    list_filter = ("created_at",)
    search_fields = ("organisation__name", "created_by__email")
    readonly_fields = (
        "organisation",
        "created_by",
        "created_at",
        "file_count",
        "rejected_count",
        "total_bytes",
    )
    inlines = [DocumentInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "organisation",
        "status",
        "error_code",
        "detected_kind",
        "attempts",
        "created_at",
    )
    list_filter = ("status", "detected_kind", "ocr_used", "error_code")
    search_fields = ("original_name", "sha256", "organisation__name")
    # Support reads why a file failed; the file itself stays behind the organisation's download.
    readonly_fields = (
        "organisation",
        "batch",
        "candidate",
        "original_name",
        "file",
        "size",
        "sha256",
        "detected_kind",
        "status",
        "error_code",
        "error_message",
        "warnings",
        "attempts",
        "ocr_used",
        "pages",
        "created_at",
        "updated_at",
        "parsed_at",
    )
    list_select_related = ("organisation",)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("display_name", "organisation", "headline", "years_experience", "created_at")
    search_fields = ("name", "email", "organisation__name", "sha256")
    list_filter = ("created_at",)
    readonly_fields = (
        "organisation",
        "sha256",
        "source_document",
        "created_at",
        "updated_at",
        "profile",
        "corrections",
    )
    list_select_related = ("organisation",)
