"""Intake pages: upload, live batch progress, the pool, one candidate, download, delete."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import organisation_required
from accounts.http import AuthenticatedHttpRequest
from candidates.models import Candidate
from candidates.selectors import (
    batch_documents,
    batch_list,
    batch_progress,
    candidate_list,
    candidate_source_document,
    document_list,
)
from candidates.services import (
    CorrectionError,
    batch_create,
    candidate_correct,
    candidate_delete,
)

PAGE_SIZE = 25


def _limits() -> dict[str, int]:
    return {
        "max_file_mb": settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024),
        "max_files": settings.UPLOAD_MAX_BATCH_FILES,
        "max_batch_mb": settings.UPLOAD_MAX_BATCH_BYTES // (1024 * 1024),
        "max_file_bytes": settings.UPLOAD_MAX_FILE_BYTES,
        "max_batch_bytes": settings.UPLOAD_MAX_BATCH_BYTES,
    }


@organisation_required
@require_http_methods(["GET", "POST"])
def candidate_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if files:
            batch = batch_create(
                org=request.organisation,
                user=request.user,
                files=files,
            )
            return redirect("candidates:batch_detail", pk=batch.pk)
        error = "Choose at least one resume or a ZIP of resumes to upload."
    return render(
        request,
        "candidates/upload.html",
        {"limits": _limits(), "error": error},
        status=400 if error else 200,
    )


def _batch_context(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    batch = get_object_or_404(batch_list(org=request.organisation), pk=pk)
    return {
        "batch": batch,
        "documents": batch_documents(batch=batch),
        "progress": batch_progress(batch=batch),
    }


@organisation_required
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "candidates/batch_detail.html", _batch_context(request, pk))


@organisation_required
@vary_on_headers("HX-Request")
def batch_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The live part of the batch page; htmx polls it until every file has settled."""
    if not request.htmx:
        # Opened on its own, the list would have no page around it: the upload's page holds it.
        batch = get_object_or_404(batch_list(org=request.organisation), pk=pk)
        return redirect("candidates:batch_detail", pk=batch.pk)
    return render(request, "candidates/_batch_status.html", _batch_context(request, pk))


@organisation_required
def candidate_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    candidates = candidate_list(org=request.organisation, query=query)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "candidates/candidate_list.html",
        {"page": page, "query": query},
    )


class CandidateCorrectionForm(forms.Form):
    name = forms.CharField(required=False, max_length=200)
    email = forms.CharField(required=False, max_length=254)
    phone = forms.CharField(required=False, max_length=60)
    location = forms.CharField(required=False, max_length=200)
    headline = forms.CharField(required=False, max_length=200, label="Current title")
    years_experience = forms.CharField(required=False, max_length=10, label="Years of experience")
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One web address a line.",
    )
    skills = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Separated by commas.",
    )

    @classmethod
    def for_candidate(cls, candidate: Candidate) -> CandidateCorrectionForm:
        return cls(
            initial={
                "name": candidate.name,
                "email": candidate.email,
                "phone": candidate.phone,
                "location": candidate.location,
                "headline": candidate.headline,
                "years_experience": candidate.years_display,
                "links": "\n".join(candidate.links),
                "skills": ", ".join(candidate.skills),
            }
        )


def _candidate(request: AuthenticatedHttpRequest, pk: int) -> Candidate:
    return get_object_or_404(candidate_list(org=request.organisation), pk=pk)


def _render_candidate(
    request: HttpRequest, candidate: Candidate, form: CandidateCorrectionForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "candidates/candidate_detail.html",
        {
            "candidate": candidate,
            "form": form,
            "source": candidate_source_document(candidate=candidate),
            "documents": candidate.documents.order_by("pk"),
        },
        status=status,
    )


@organisation_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    if request.method == "POST":
        form = CandidateCorrectionForm(request.POST)
        if form.is_valid():
            try:
                candidate_correct(
                    candidate=candidate,
                    user=request.user,
                    data=form.cleaned_data,
                )
            except CorrectionError as exc:
                for field, message in exc.errors.items():
                    form.add_error(field, message)
            else:
                messages.success(request, "Your corrections are saved.")
                return redirect("candidates:candidate_detail", pk=candidate.pk)
        return _render_candidate(request, candidate, form, status=400)
    return _render_candidate(request, candidate, CandidateCorrectionForm.for_candidate(candidate))


@organisation_required
@require_http_methods(["GET", "POST"])
def candidate_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    if request.method == "POST":
        name = candidate.display_name
        candidate_delete(candidate=candidate)
        messages.success(request, f"{name} was deleted, with the resume file and its text.")
        return redirect("candidates:candidate_list")
    return render(request, "candidates/candidate_delete.html", {"candidate": candidate})


@organisation_required
def document_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The original file, only to members of its organisation, never from a public URL."""
    document = get_object_or_404(document_list(org=request.organisation), pk=pk)
    if not document.file:
        raise Http404("This file was not kept.")
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("This file is no longer stored.") from None
    response = FileResponse(handle, as_attachment=True, filename=document.file_name)
    response["Cache-Control"] = "private, no-store"
    return response
