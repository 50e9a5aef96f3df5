"""Writes for accounts: organisations, members, invitations, API tokens, privacy and the audit log.

Other apps may write audit events through `audit_record`; nothing here imports a higher app.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import privacy, tokens
from accounts.emails import normalize_email, organisation_name_from_email
from accounts.exceptions import AccountsError
from accounts.models import ApiToken, AuditEvent, Invitation, Membership, Organisation, User
from api.links import site_url

# A token's last use is written at most this often, so that a busy API client does not turn
# every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


# --- Audit -----------------------------------------------------------------------------------


def audit_record(
    *,
    action: str,
    org: Organisation | None = None,
    actor: User | str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Records a sensitive action. `actor` is a user, an email address, or None for the system."""
    actor_email = actor if isinstance(actor, str) else (actor.email if actor else "")
    return AuditEvent.objects.create(
        organisation=org,
        organisation_name=org.name if org else "",
        organisation_ref=org.pk if org else None,
        actor_email=actor_email,
        action=action,
        detail=json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
    )


# --- Organisations and members -----------------------------------------------------------------


def _require_owner(*, org: Organisation, actor: User) -> Membership:
    membership = Membership.objects.filter(user=actor, organisation=org).first()
    if membership is None or not membership.is_owner:
        raise AccountsError("Only the organisation's owner can do that.")
    return membership


@transaction.atomic
def organisation_create(*, owner: User, name: str) -> Organisation:
    if Membership.objects.filter(user=owner).exists():
        raise AccountsError("You already belong to an organisation.")
    org = Organisation.objects.create(name=name.strip()[:200] or "My team")
    Membership.objects.create(user=owner, organisation=org, role=Membership.Role.OWNER)
    audit_record(action="organisation.created", org=org, actor=owner, detail={"name": org.name})
    return org


@transaction.atomic
def organisation_rename(*, org: Organisation, actor: User, name: str) -> Organisation:
    _require_owner(org=org, actor=actor)
    name = name.strip()
    if not name:
        raise AccountsError("The organisation needs a name.")
    old = org.name
    org.name = name[:200]
    org.save(update_fields=["name"])
    audit_record(
        action="organisation.renamed", org=org, actor=actor, detail={"from": old, "to": org.name}
    )
    return org


@transaction.atomic
def signup_complete(
    *, user: User, organisation_name: str = "", invitation_token: str = ""
) -> Membership:
    """Gives a new user their organisation: the one that invited them, or a new one they own."""
    if invitation_token:
        invitation = _invitation_for_token(invitation_token)
        if (
            invitation is not None
            and invitation.is_pending
            and normalize_email(invitation.email) == normalize_email(user.email)
        ):
            return invitation_accept(token=invitation_token, user=user)
    name = organisation_name.strip() or organisation_name_from_email(user.email)
    organisation_create(owner=user, name=name)
    return user.membership


@transaction.atomic
def member_remove(*, org: Organisation, actor: User, membership: Membership) -> None:
    _require_owner(org=org, actor=actor)
    if membership.organisation_id != org.pk:
        raise AccountsError("That person is not a member of your organisation.")
    if membership.user_id == actor.pk:
        raise AccountsError(
            "You cannot remove yourself while you own the organisation. Transfer ownership "
            "first, or delete the organisation."
        )
    removed = membership.user
    ApiToken.objects.filter(user=removed, organisation=org, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    membership.delete()
    audit_record(action="member.removed", org=org, actor=actor, detail={"email": removed.email})


@transaction.atomic
def ownership_transfer(*, org: Organisation, actor: User, to: Membership) -> Membership:
    """Makes `to` the owner and the current owner a recruiter; there is exactly one owner after.

    Both rows are locked in primary-key order, so two transfers at once cannot interleave.
    """
    members = {
        m.pk: m
        for m in Membership.objects.select_for_update().filter(organisation=org).order_by("pk")
    }
    current = next((m for m in members.values() if m.user_id == actor.pk), None)
    if current is None or not current.is_owner:
        raise AccountsError("Only the organisation's owner can transfer ownership.")
    target = members.get(to.pk)
    if target is None:
        raise AccountsError("That person is not a member of your organisation.")
    if target.pk == current.pk:
        raise AccountsError("You already own this organisation.")
    # Demote first: the database allows one owner per organisation at any moment.
    current.role = Membership.Role.RECRUITER
    current.save(update_fields=["role"])
    target.role = Membership.Role.OWNER
    target.save(update_fields=["role"])
    audit_record(
        action="organisation.ownership_transferred",
        org=org,
        actor=actor,
        detail={"from": actor.email, "to": target.user.email},
    )
    return target


# --- Invitations -------------------------------------------------------------------------------


def _invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=tokens.secret_hash(token))
        .first()
    )


def _invitation_send(*, invitation: Invitation, token: str, site: str) -> None:
    link = site + reverse("invitation_accept", kwargs={"token": token})
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "inviter": invitation.invited_by,
        "link": link,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invitation_create(
    *, org: Organisation, actor: User, email: str, site: str = ""
) -> tuple[Invitation, str]:
    """Invites `email` as a recruiter and emails the link. Returns the invitation and its secret.

    Inviting the same address again replaces the earlier, still pending invitation. `site` is
    the scheme and host the link points at (the inviting request's own).
    """
    _require_owner(org=org, actor=actor)
    email = User.objects.normalize_email(email.strip())
    if not email or "@" not in email:
        raise AccountsError("Enter the email address of the person to invite.")
    if Membership.objects.filter(organisation=org, user__email__iexact=email).exists():
        raise AccountsError(f"{email} is already a member of {org.name}.")
    now = timezone.now()
    Invitation.objects.filter(
        organisation=org, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = tokens.invitation_token_generate()
    invitation = Invitation.objects.create(
        organisation=org,
        email=email,
        role=Membership.Role.RECRUITER,
        token_hash=tokens.secret_hash(token),
        invited_by=actor,
        expires_at=now + settings.INVITATION_TTL,
    )
    audit_record(action="invitation.created", org=org, actor=actor, detail={"email": email})
    site = site or site_url()
    transaction.on_commit(lambda: _invitation_send(invitation=invitation, token=token, site=site))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    _require_owner(org=invitation.organisation, actor=actor)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action="invitation.revoked",
            org=invitation.organisation,
            actor=actor,
            detail={"email": invitation.email},
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Joins `user` to the inviting organisation.

    A person belongs to one organisation only. Someone who already has one is refused with a
    message that says how to leave it; their data is never moved between organisations.
    """
    invitation = _invitation_for_token(token)
    if invitation is None or invitation.revoked_at is not None:
        raise AccountsError("This invitation link is not valid. Ask for a new invitation.")
    if invitation.accepted_at is not None:
        raise AccountsError("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        raise AccountsError(
            "This invitation has expired. Ask the owner of "
            f"{invitation.organisation.name} to invite you again."
        )
    if normalize_email(invitation.email) != normalize_email(user.email):
        raise AccountsError(
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign in with the invited address to accept it."
        )
    existing = Membership.objects.select_related("organisation").filter(user=user).first()
    if existing is not None:
        if existing.organisation_id == invitation.organisation_id:
            raise AccountsError(f"You are already a member of {existing.organisation.name}.")
        raise AccountsError(
            f"You already belong to {existing.organisation.name}, and a RoleMatch account "
            "belongs to one organisation only. To join "
            f"{invitation.organisation.name}, first leave {existing.organisation.name} "
            "(ask its owner to remove you, or delete your account on the Privacy page), "
            "then open this invitation again."
        )
    membership = Membership.objects.create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="invitation.accepted",
        org=invitation.organisation,
        actor=user,
        detail={"email": invitation.email},
    )
    return membership


# --- API tokens --------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user: User, org: Organisation, name: str) -> tuple[ApiToken, str]:
    """Creates a token and returns it with its secret, which is never retrievable again."""
    if not Membership.objects.filter(user=user, organisation=org).exists():
        raise AccountsError("You are not a member of this organisation.")
    name = name.strip()
    if not name:
        raise AccountsError("Give the token a name, such as the script or tool that will use it.")
    secret = tokens.api_token_generate()
    token = ApiToken.objects.create(
        user=user,
        organisation=org,
        name=name[:100],
        prefix=tokens.display_prefix(secret),
        token_hash=tokens.secret_hash(secret),
    )
    audit_record(action="api_token.created", org=org, actor=user, detail={"name": token.name})
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="api_token.revoked",
            org=token.organisation,
            actor=actor,
            detail={"name": token.name, "prefix": token.prefix},
        )
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret, if its user is still an active member of its org."""
    if not secret.startswith(tokens.API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(token_hash=tokens.secret_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not tokens.secrets_match(secret, token.token_hash):
        return None
    if not token.user.is_active:
        return None
    if not Membership.objects.filter(user=token.user, organisation=token.organisation).exists():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Privacy -----------------------------------------------------------------------------------


def _csv_bytes(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8")


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode("utf-8")


def _members_csv(org: Organisation) -> bytes:
    members = Membership.objects.filter(organisation=org).select_related("user")
    return _csv_bytes(
        ["email", "first_name", "last_name", "role", "joined_at", "last_login"],
        (
            [
                m.user.email,
                m.user.first_name,
                m.user.last_name,
                m.role,
                m.created_at.isoformat(),
                m.user.last_login.isoformat() if m.user.last_login else None,
            ]
            for m in members
        ),
    )


def _invitations_csv(org: Organisation) -> bytes:
    return _csv_bytes(
        ["email", "role", "invited_by", "created_at", "expires_at", "accepted_at"],
        (
            [
                i.email,
                i.role,
                i.invited_by.email if i.invited_by else None,
                i.created_at.isoformat(),
                i.expires_at.isoformat(),
                i.accepted_at.isoformat() if i.accepted_at else None,
            ]
            for i in Invitation.objects.filter(organisation=org).select_related("invited_by")
        ),
    )


def _api_tokens_csv(org: Organisation) -> bytes:
    # Names and prefixes only: the secrets were never stored.
    return _csv_bytes(
        ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"],
        (
            [
                t.user.email,
                t.name,
                t.prefix,
                t.created_at.isoformat(),
                t.last_used_at.isoformat() if t.last_used_at else None,
                t.revoked_at.isoformat() if t.revoked_at else None,
            ]
            for t in ApiToken.objects.filter(organisation=org).select_related("user")
        ),
    )


def _accounts_export(org: Organisation) -> Iterable[tuple[str, bytes]]:
    yield (
        "organisation.json",
        _json_bytes(
            {"id": org.pk, "name": org.name, "slug": org.slug, "created_at": org.created_at}
        ),
    )
    yield "members.csv", _members_csv(org)
    yield "invitations.csv", _invitations_csv(org)
    yield "api_tokens.csv", _api_tokens_csv(org)
    yield (
        "audit_events.json",
        _json_bytes(
            list(
                AuditEvent.objects.filter(organisation=org)
                .order_by("created_at", "id")
                .values("action", "actor_email", "detail", "created_at")
            )
        ),
    )


# An export holds every original resume: past this size the archive is written to a temporary
# file instead of memory, so one large organisation cannot take a web worker's RAM.
EXPORT_IN_MEMORY_BYTES = 16 * 1024 * 1024


def organisation_export(*, org: Organisation, actor: User) -> IO[bytes]:
    """A ZIP of everything the organisation holds: accounts' files, then each exporter's folder.

    Returned as an open file positioned at its start; the caller closes it (a `FileResponse`
    does once it has streamed it)."""
    _require_owner(org=org, actor=actor)
    buffer: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=EXPORT_IN_MEMORY_BYTES)  # noqa: SIM115
    manifest: dict[str, list[str]] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        sources = {"accounts": _accounts_export, **privacy.exporters()}
        for name, exporter in sources.items():
            manifest[name] = []
            for path, data in exporter(org):
                member = f"{name}/{path.lstrip('/')}"
                archive.writestr(member, data)
                manifest[name].append(member)
        archive.writestr(
            "README.txt",
            (
                f"RoleMatch export of {org.name}, made {timezone.now():%Y-%m-%d %H:%M} UTC "
                f"by {actor.email}.\nEach folder holds one part of the product's data; CSV "
                "files are UTF-8 with a header row.\n"
            ).encode(),
        )
        archive.writestr("manifest.json", _json_bytes(manifest))
    audit_record(
        action="organisation.exported",
        org=org,
        actor=actor,
        detail={"files": sum(len(files) for files in manifest.values())},
    )
    buffer.seek(0)
    return buffer


def organisation_delete(*, org: Organisation, actor: User) -> None:
    """Runs every registered eraser, then deletes the organisation and all it owns.

    Members keep their sign-in but no longer belong anywhere; they may start a new organisation
    or accept an invitation. The audit event outlives the organisation.
    """
    _require_owner(org=org, actor=actor)
    ran = []
    # Erasers delete files and other things outside the database; they run first so that a
    # failure leaves the organisation in place to try again, never files without an owner row.
    for name, eraser in privacy.erasers().items():
        eraser(org)
        ran.append(name)
    with transaction.atomic():
        members = list(
            Membership.objects.filter(organisation=org).values_list("user__email", flat=True)
        )
        audit_record(
            action="organisation.deleted",
            org=org,
            actor=actor,
            detail={"name": org.name, "members": members, "erasers": ran},
        )
        org.delete()


def account_delete(*, user: User) -> None:
    """Deletes a person's account.

    A recruiter simply leaves. An owner who is the last member takes the organisation with them
    (every eraser runs). An owner with teammates must transfer ownership first, so that an
    organisation is never left without an owner.
    """
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    email = user.email
    if membership is not None and membership.is_owner:
        org = membership.organisation
        if Membership.objects.filter(organisation=org).exclude(pk=membership.pk).exists():
            raise AccountsError(
                f"You own {org.name} and it has other members. Transfer ownership to one of "
                "them first (on the Team page), or delete the whole organisation."
            )
        organisation_delete(org=org, actor=user)
        membership = None
    with transaction.atomic():
        audit_record(
            action="account.deleted",
            org=membership.organisation if membership else None,
            actor=email,
            detail={"email": email},
        )
        user.delete()
