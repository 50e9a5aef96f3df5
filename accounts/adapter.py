"""allauth's hooks: a new account gets its organisation, and lockouts say how long they last."""

from __future__ import annotations

import math
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm
from django.http import HttpRequest

from accounts.emails import normalize_email
from accounts.models import User
from accounts.ratelimits import ratelimit_hit
from accounts.services import signup_complete
from accounts.signals import account_email_context

# The session key under which an invitation link waits for its visitor to sign up or sign in.
PENDING_INVITATION_SESSION_KEY = "accounts_pending_invitation"


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.LOGIN_FAILED_LOCKOUT_SECONDS / 60))
    return (
        "Too many failed sign-in attempts for this account from your network. To protect "
        f"the account, signing in is paused for up to {minutes} minutes. Try again later, or "
        "reset your password if you have forgotten it."
    )


class AccountAdapter(DefaultAccountAdapter):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.error_messages: dict[str, Any] = {
            **DefaultAccountAdapter.error_messages,
            "too_many_login_attempts": lockout_message(),
            "email_password_mismatch": "That email address and password do not match.",
            "rate_limited": "Too many requests in a short time. Wait a minute and try again.",
        }

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed sign-ins per this key. Per account alone, anyone could lock the
        # owner out with five wrong passwords; with the client's address, only that client is.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        for _, extra in account_email_context.send(
            sender=type(self), template_prefix=template_prefix, email=email, context=context
        ):
            if isinstance(extra, dict):
                context.update(extra)
        super().send_mail(template_prefix, email, context)

    def save_user(
        self,
        request: HttpRequest,
        user: AbstractBaseUser,
        form: BaseForm,
        commit: bool = True,
    ) -> AbstractBaseUser:
        user = super().save_user(request, user, form, commit=commit)
        assert isinstance(user, User)
        if commit:
            data: dict[str, Any] = form.cleaned_data
            ratelimit_hit(action="signup_email", key=normalize_email(user.email))
            token = ""
            if hasattr(request, "session"):
                token = request.session.pop(PENDING_INVITATION_SESSION_KEY, "") or ""
            signup_complete(
                user=user,
                organisation_name=data.get("organisation_name") or "",
                invitation_token=token,
            )
        return user
