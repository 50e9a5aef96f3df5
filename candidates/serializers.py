"""API representations of candidates, upload batches and their documents."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from candidates.models import Candidate, Document, UploadBatch

# --- Candidates and uploads ------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    candidate: serializers.PrimaryKeyRelatedField[Candidate] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    progress_percent = serializers.IntegerField(read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "original_name",
            "status",
            "progress_percent",
            "error_code",
            "error_message",
            "warnings",
            "size",
            "detected_kind",
            "ocr_used",
            "pages",
            "candidate",
            "created_at",
            "parsed_at",
        ]
        read_only_fields = fields


class UploadProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    uploaded = serializers.IntegerField()
    reading = serializers.IntegerField()
    parsed = serializers.IntegerField()
    embedded = serializers.IntegerField()
    failed = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    percent = serializers.IntegerField()
    done = serializers.BooleanField(help_text="Every file has settled: ready, duplicate or failed.")


class UploadBatchSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = UploadBatch
        fields = ["id", "created_at", "file_count", "rejected_count", "total_bytes", "progress"]
        read_only_fields = fields

    @extend_schema_field(UploadProgressSerializer)
    def get_progress(self, batch: UploadBatch) -> dict[str, Any]:
        progress = self.context["progress"](batch)
        return {
            "total": progress.total,
            "uploaded": progress.uploaded,
            "reading": progress.reading,
            "parsed": progress.parsed,
            "embedded": progress.embedded,
            "failed": progress.failed,
            "duplicate": progress.duplicate,
            "percent": progress.percent,
            "done": progress.done,
        }


class UploadBatchDetailSerializer(UploadBatchSerializer):
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta(UploadBatchSerializer.Meta):
        fields = [*UploadBatchSerializer.Meta.fields, "documents"]
        read_only_fields = fields


class CandidateUploadInSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text="Resumes (PDF, DOCX, DOC, ODT, RTF, TXT, HTML, images) and ZIPs of them. "
        "Send the field once per file.",
    )


class CandidateSerializer(serializers.ModelSerializer):
    years_experience = serializers.FloatField(read_only=True, allow_null=True)
    skills = serializers.ListField(child=serializers.CharField(), read_only=True)
    status = serializers.CharField(
        source="source_document.status",
        read_only=True,
        allow_null=True,
        help_text="The stage of the file it was read from: parsed, then embedded (ready).",
    )

    class Meta:
        model = Candidate
        fields = [
            "id",
            "number",
            "name",
            "file_name",
            "email",
            "phone",
            "location",
            "headline",
            "years_experience",
            "skills",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class CandidateDetailSerializer(CandidateSerializer):
    links = serializers.ListField(child=serializers.CharField(), read_only=True)
    profile = serializers.DictField(
        child=serializers.JSONField(),
        read_only=True,
        help_text="Everything the parser read, each field with a confidence from 0 to 1: "
        "positions with dates, education, languages, skills with the lines naming them.",
    )
    corrections = serializers.DictField(
        child=serializers.JSONField(),
        read_only=True,
        help_text="Fields a recruiter corrected: value, by whom and when. They win over the "
        "parser.",
    )
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta(CandidateSerializer.Meta):
        fields = [
            *CandidateSerializer.Meta.fields,
            "links",
            "profile",
            "corrections",
            "text",
            "documents",
        ]
        read_only_fields = fields


class CandidateCorrectionInSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=60)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    headline = serializers.CharField(required=False, allow_blank=True, max_length=200)
    years_experience = serializers.DecimalField(
        required=False, allow_null=True, max_digits=4, decimal_places=1, min_value=0
    )
    links = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    skills = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
