from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.adapter import PENDING_INVITATION_SESSION_KEY
from accounts.decorators import organisation_required, owner_required
from accounts.exceptions import AccountsError
from accounts.forms import ApiTokenForm, ConfirmDeleteForm, InvitationForm, OrganisationForm
from accounts.http import AuthenticatedHttpRequest, SignedInHttpRequest
from accounts.models import Invitation, Membership
from accounts.tokens import secret_hash
from api.links import site_url


def _membership(request: HttpRequest) -> Membership:
    membership = selectors.membership_for_user(user=request.user)
    assert membership is not None  # organisation_required guarantees it
    return membership


# --- Dashboard -------------------------------------------------------------------------------


@organisation_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = _membership(request)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "panels": list(settings.DASHBOARD_PANELS),
        },
    )


# --- Organisation and team -------------------------------------------------------------------


@login_required
def organisation_start(request: SignedInHttpRequest) -> HttpResponse:
    if selectors.membership_for_user(user=request.user) is not None:
        return redirect("dashboard")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_create(owner=request.user, name=form.cleaned_data["name"])
        except AccountsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Your organisation is ready.")
            return redirect("dashboard")
    return render(request, "accounts/organisation_start.html", {"form": form})


@organisation_required
def members(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = _membership(request)
    org = membership.organisation
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": org,
            "membership": membership,
            "members": selectors.member_list(org=org),
            "invitations": selectors.invitation_list_pending(org=org),
            "invite_form": InvitationForm(),
            "rename_form": OrganisationForm(initial={"name": org.name}),
            "settings_tab": "team",
        },
    )


@require_POST
@owner_required
def organisation_rename(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_rename(
                org=request.organisation,
                actor=request.user,
                name=form.cleaned_data["name"],
            )
        except AccountsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Organisation renamed.")
    else:
        messages.error(request, "The organisation needs a name.")
    return redirect("members")


@require_POST
@owner_required
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a valid email address to invite.")
        return redirect("members")
    try:
        invitation, _ = services.invitation_create(
            org=request.organisation,
            actor=request.user,
            email=form.cleaned_data["email"],
            site=site_url(request),
        )
    except AccountsError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Invitation sent to {invitation.email}. The link works for "
            f"{settings.INVITATION_TTL.days} days.",
        )
    return redirect("members")


@require_POST
@owner_required
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        selectors.invitation_list(org=request.organisation),
        pk=pk,
    )
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    return redirect("members")


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. Public: the token itself is the secret."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=secret_hash(token))
        .first()
    )
    if not request.user.is_authenticated:
        if invitation is not None and invitation.is_pending:
            # Kept until sign-up, where the new account joins this organisation.
            request.session[PENDING_INVITATION_SESSION_KEY] = token
        return render(
            request, "accounts/invitation_accept.html", {"invitation": invitation, "token": token}
        )
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except AccountsError as error:
            messages.error(request, error.message)
        else:
            request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
            messages.success(request, f"Welcome to {membership.organisation.name}.")
            return redirect("dashboard")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "token": token,
            "current_membership": selectors.membership_for_user(user=request.user),
        },
    )


@require_POST
@owner_required
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(
        selectors.member_list(org=request.organisation),
        pk=pk,
    )
    try:
        services.member_remove(
            org=request.organisation,
            actor=request.user,
            membership=target,
        )
    except AccountsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{target.user.email} no longer has access.")
    return redirect("members")


@require_POST
@owner_required
def ownership_transfer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(
        selectors.member_list(org=request.organisation),
        pk=pk,
    )
    try:
        services.ownership_transfer(
            org=request.organisation,
            actor=request.user,
            to=target,
        )
    except AccountsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{target.user.email} now owns the organisation.")
    return redirect("members")


# --- API tokens ------------------------------------------------------------------------------


@never_cache
@organisation_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = request.organisation
    form = ApiTokenForm(request.POST or None)
    created: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_create(
                user=request.user,
                org=org,
                name=form.cleaned_data["name"],
            )
        except AccountsError as error:
            messages.error(request, error.message)
        else:
            # Rendered, not redirected: the secret must not be kept anywhere to show it later.
            created = {"token": token, "secret": secret}
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": selectors.api_token_list(org=org, user=request.user),
            "settings_tab": "tokens",
        },
    )


@require_POST
@organisation_required
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(
        selectors.api_token_list(org=request.organisation, user=request.user),
        pk=pk,
    )
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token “{token.name}” revoked. Requests using it now fail.")
    return redirect("api_tokens")


# --- Privacy ---------------------------------------------------------------------------------


def _delete_phrases(membership: Membership) -> dict[str, str]:
    return {"account": "delete my account", "organisation": membership.organisation.name}


@organisation_required
def privacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = _membership(request)
    phrases = _delete_phrases(membership)
    return render(
        request,
        "accounts/privacy.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "phrases": phrases,
            "account_form": ConfirmDeleteForm(phrase=phrases["account"]),
            "organisation_form": ConfirmDeleteForm(phrase=phrases["organisation"]),
            "audit_events": selectors.audit_event_list(org=membership.organisation)[:20]
            if membership.is_owner
            else [],
            "settings_tab": "privacy",
        },
    )


@require_GET
@owner_required
def privacy_export(request: AuthenticatedHttpRequest) -> FileResponse:
    org = request.organisation
    archive = services.organisation_export(org=org, actor=request.user)
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"rolematch-{org.slug}-{timezone.now():%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@organisation_required
def privacy_account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = ConfirmDeleteForm(request.POST, phrase=_delete_phrases(membership)["account"])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("confirm", [])))
        return redirect("privacy")
    user = request.user
    try:
        services.account_delete(user=user)
    except AccountsError as error:
        messages.error(request, error.message)
        return redirect("privacy")
    logout(request)
    messages.success(request, "Your account has been deleted.")
    return redirect("home")


@require_POST
@owner_required
def privacy_organisation_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = ConfirmDeleteForm(request.POST, phrase=_delete_phrases(membership)["organisation"])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("confirm", [])))
        return redirect("privacy")
    name = membership.organisation.name
    services.organisation_delete(org=membership.organisation, actor=request.user)
    messages.success(request, f"{name} and all its data have been deleted.")
    return redirect("organisation_start")
