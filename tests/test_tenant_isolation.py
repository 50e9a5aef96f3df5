"""Tenant isolation sweep: one organisation never reaches another's objects.

The sweep walks EVERY URL pattern of the project (web pages and the API). Each one must be listed in
exactly one of the tables below, or `test_every_url_pattern_is_classified` fails:

- TENANT_OBJECT_ROUTES: the route takes an object's id or slug and the object belongs to an
  organisation. The value makes such an object in alice's organisation and returns the URL kwargs.
  charlie (another organisation) must get 404 for it, by GET and POST (a 405 is accepted for a
  method the view does not allow), and for API routes with his bearer token too.
- TENANT_PAGES: signed-in pages with no object in the URL; they show the requester's own
  organisation (each app's own tests check what they list).
- PUBLIC_ROUTES / PUBLIC_PREFIXES: not tenant-scoped, with the reason.

A new endpoint is one line in one table; see docs/accounts.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Membership, Organisation, User
from accounts.services import api_token_create, invitation_create
from tests.conftest import make_user

Kwargs = dict[str, Any]
Factory = Callable[[User, Organisation], Kwargs]
_serial = itertools.count(1)


# --- Objects in alice's organisation -------------------------------------------------------------


def _model(label: str) -> Any:
    return apps.get_model(label)


def teammate(alice: User, org: Organisation) -> Membership:
    user = make_user(f"teammate{next(_serial)}@example.com")
    return Membership.objects.create(user=user, organisation=org, role=Membership.Role.RECRUITER)


def candidate(alice: User, org: Organisation) -> Any:
    n = next(_serial)
    return _model("candidates.Candidate").objects.create(
        organisation=org, name=f"Ada Lovelace {n}", sha256=f"{n:064x}", text="Python, SQL"
    )


def upload_batch(alice: User, org: Organisation) -> Any:
    return _model("candidates.UploadBatch").objects.create(
        organisation=org, created_by=alice, file_count=1
    )


def document(alice: User, org: Organisation) -> Any:
    data = b"Ada Lovelace\nPython developer\n"
    return _model("candidates.Document").objects.create(
        organisation=org,
        batch=upload_batch(alice, org),
        original_name="ada.txt",
        file=ContentFile(data, name="ada.txt"),
        size=len(data),
        sha256=f"{next(_serial):064x}",
        detected_kind="text",
    )


def candidate_with_file(alice: User, org: Organisation) -> Any:
    source = document(alice, org)
    person = candidate(alice, org)
    person.source_document = source
    person.save(update_fields=["source_document"])
    source.candidate = person
    source.save(update_fields=["candidate"])
    return person


def purchase(alice: User, org: Organisation) -> Any:
    return _model("billing.Purchase").objects.create(
        organisation=org,
        pack_name="Starter",
        price_cents=1000,
        credits_cents=1000,
        checkout_session_id=f"cs_test_sweep_{next(_serial)}",
        created_by=alice,
        # Paid: only a purchase that took money has a receipt for its own organisation to read.
        status="paid",
        amount_paid_cents=1000,
    )


def private_role(alice: User, org: Organisation) -> Any:
    return _model("roles.Role").objects.create(
        title="Secret Platform Engineer",
        slug=f"secret-platform-engineer-{next(_serial)}",
        organisation=org,
        status="published",
    )


def public_role() -> Any:
    n = next(_serial)
    return _model("roles.Role").objects.create(
        title="Data Engineer", slug=f"data-engineer-sweep-{n}", status="published"
    )


def match(alice: User, org: Organisation) -> Any:
    role = public_role()
    return _model("matcher.Match").objects.create(
        organisation=org,
        role=role,
        role_version=role.version,
        role_title=role.title,
        status="done",
        price_cents=5,
        created_by=alice,
    )


def match_and_candidate(alice: User, org: Organisation) -> Kwargs:
    found = match(alice, org)
    person = candidate(alice, org)
    found.candidates.add(person)
    _model("matcher.MatchResult").objects.create(
        match=found,
        candidate=person,
        score=81.0,
        tier="strong",
        model_version="sweep",
        role_version=found.role_version,
    )
    return {"pk": found.pk, "candidate_id": person.pk}


@dataclass(frozen=True)
class Row:
    """A tenant object route. `owner_reaches=False` when the route never serves the object even to
    its own organisation (a public page that must not leak private objects); `post` is the form
    body sent with POST requests."""

    factory: Factory
    owner_reaches: bool = True
    # A valid form body for the POST, so that the owner's request is one the view accepts.
    post: tuple[tuple[str, str], ...] = ()


def row(factory: Factory, *, owner_reaches: bool = True, post: dict[str, str] | None = None) -> Row:
    return Row(factory, owner_reaches, tuple((post or {}).items()))


# --- The tables ----------------------------------------------------------------------------------

TENANT_OBJECT_ROUTES: dict[str, Row] = {
    # accounts
    "invitation_revoke": row(
        lambda a, o: {"pk": invitation_create(org=o, actor=a, email="x@example.com")[0].pk}
    ),
    "member_remove": row(lambda a, o: {"pk": teammate(a, o).pk}),
    "ownership_transfer": row(lambda a, o: {"pk": teammate(a, o).pk}),
    "api_token_revoke": row(lambda a, o: {"pk": api_token_create(user=a, org=o, name="t")[0].pk}),
    # billing
    "billing:receipt": row(lambda a, o: {"pk": purchase(a, o).pk}),
    # roles: the public page must never serve an organisation's private role, not even to it
    "roles:detail": row(lambda a, o: {"slug": private_role(a, o).slug}, owner_reaches=False),
    # matcher
    "candidates:batch_detail": row(lambda a, o: {"pk": upload_batch(a, o).pk}),
    "candidates:batch_status": row(lambda a, o: {"pk": upload_batch(a, o).pk}),
    "candidates:candidate_detail": row(lambda a, o: {"pk": candidate(a, o).pk}),
    "candidates:candidate_delete": row(lambda a, o: {"pk": candidate(a, o).pk}),
    "candidates:document_download": row(lambda a, o: {"pk": document(a, o).pk}),
    "matcher:candidate_roles": row(lambda a, o: {"pk": candidate(a, o).pk}),
    "matcher:match_detail": row(lambda a, o: {"pk": match(a, o).pk}),
    "matcher:match_status": row(lambda a, o: {"pk": match(a, o).pk}),
    "matcher:match_results": row(lambda a, o: {"pk": match(a, o).pk}),
    "matcher:match_resume": row(lambda a, o: {"pk": match(a, o).pk}),
    "matcher:match_blind": row(lambda a, o: {"pk": match(a, o).pk}),
    "matcher:match_reweight": row(lambda a, o: {"pk": match(a, o).pk}),
    "matcher:match_export_csv": row(lambda a, o: {"pk": match(a, o).pk}),
    "matcher:match_export_pdf": row(lambda a, o: {"pk": match(a, o).pk}),
    "matcher:match_candidate": row(match_and_candidate),
    "matcher:match_decide": row(match_and_candidate, post={"decision": "shortlist"}),
    "matcher:match_reveal": row(match_and_candidate),
    # API (each also tried with charlie's bearer token)
    "api:role_detail": row(lambda a, o: {"slug": private_role(a, o).slug}, owner_reaches=False),
    "api:custom_role_detail": row(lambda a, o: {"pk": private_role(a, o).pk}),
    "api:candidate_detail": row(lambda a, o: {"pk": candidate(a, o).pk}),
    "api:candidate_file": row(lambda a, o: {"pk": candidate_with_file(a, o).pk}),
    "api:upload_detail": row(lambda a, o: {"pk": upload_batch(a, o).pk}),
    "api:match_detail": row(lambda a, o: {"pk": match(a, o).pk}),
    "api:match_resume": row(lambda a, o: {"pk": match(a, o).pk}),
    "api:match_results": row(lambda a, o: {"pk": match(a, o).pk}),
    "api:match_reweight": row(lambda a, o: {"pk": match(a, o).pk}),
    "api:match_decisions": row(
        lambda a, o: {"pk": match_and_candidate(a, o)["pk"]},
        post={"candidate": "0", "decision": "shortlist"},
    ),
}

TENANT_PAGES: set[str] = {
    "dashboard",
    "organisation_start",
    "members",
    "organisation_rename",
    "invitation_create",
    "api_tokens",
    "privacy",
    "privacy_export",
    "privacy_account_delete",
    "privacy_organisation_delete",
    "billing:overview",
    "billing:history",
    "billing:success",
    "billing:cancel",
    "candidates:candidate_list",
    "candidates:candidate_upload",
    "matcher:match_list",
    "matcher:match_new",
    "matcher:match_from_job_description",
    "matcher:match_role_search",
    "matcher:blind_default",
    "api:member_list",
    "api:custom_role_list",
    "api:candidate_list",
    "api:upload_list",
    "api:match_list",
    "api:credit_balance",
    "api:credit_ledger",
    "api:credit_packs",
    "api:credit_checkout",
}

PUBLIC_ROUTES: dict[str, str] = {
    "home": "landing page",
    "healthz": "liveness probe",
    "readyz": "readiness probe",
    "robots_txt": "crawler rules",
    "favicon": "the site's icon",
    "sitemap": "public catalog sitemap",
    "roles:list": "public role catalog",
    "billing:pricing": "public price list",
    "billing:buy": "credit packs are global; the purchase is for the requester's own organisation",
    "billing:stripe_webhook": "called by Stripe, authenticated by signature",
    "invitation_accept": "the token in the URL is the secret, mailed to one person",
    "api-schema": "OpenAPI schema",
    "api-docs": "API documentation",
    "api-problem-type": "documentation of API error types",
    "api:index": "the list of the API's resources, the same for everyone",
    "api:auth_token": "trades an email and password for the person's own token",
    "api:role_list": "the public role catalog, as JSON",
}

# Matched against a pattern's name and its route.
PUBLIC_PREFIXES: dict[str, str] = {
    "admin:": "the staff-only admin, where curators work across organisations",
    "admin/": "the admin's unnamed redirects, staff-only",
    "^static/": "static files, served this way under DEBUG only",
    "account_": "allauth's flows on the person's own account; keys in URLs are mailed secrets",
}


# --- Walking the URL conf ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str
    route: str
    takes_kwargs: bool


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        else:
            route = prefix + str(entry.pattern)
            key = f"{namespace}{entry.name}" if entry.name else route
            regex = entry.pattern.regex
            takes_kwargs = bool(regex.groupindex) or regex.groups > 0 or "<" in route
            yield Pattern(key=key, route=route, takes_kwargs=takes_kwargs)


def project_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


def _is_public(pattern: Pattern) -> bool:
    return pattern.key in PUBLIC_ROUTES or any(
        pattern.key.startswith(prefix) or pattern.route.startswith(prefix)
        for prefix in PUBLIC_PREFIXES
    )


def test_every_url_pattern_is_classified() -> None:
    problems = []
    for pattern in project_patterns():
        if _is_public(pattern) or pattern.key in TENANT_OBJECT_ROUTES:
            continue
        if pattern.key in TENANT_PAGES:
            if pattern.takes_kwargs:
                problems.append(
                    f"{pattern.key} ({pattern.route}) takes an id or slug: move it to "
                    "TENANT_OBJECT_ROUTES with a factory"
                )
            continue
        problems.append(
            f"{pattern.key} ({pattern.route}) is not classified: add it to TENANT_OBJECT_ROUTES "
            "(with a factory), TENANT_PAGES or PUBLIC_ROUTES in tests/test_tenant_isolation.py"
        )
    assert not problems, "\n".join(problems)


def test_the_tables_name_only_routes_that_exist() -> None:
    keys = {pattern.key for pattern in project_patterns()}
    stale = (set(TENANT_OBJECT_ROUTES) | TENANT_PAGES | set(PUBLIC_ROUTES)) - keys
    assert not stale, f"routes listed in the sweep but no longer in the URL conf: {sorted(stale)}"


def test_the_sweep_sees_the_api_and_every_app() -> None:
    routes = [pattern.route for pattern in project_patterns()]
    for prefix in ("api/", "roles/", "billing/", "app/", "settings/", "organisation/"):
        assert any(route.startswith(prefix) for route in routes), prefix


# --- The sweep -----------------------------------------------------------------------------------


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TENANT_OBJECT_ROUTES))
def test_another_organisation_gets_404_on_every_tenant_object(
    name: str,
    alice: User,
    alice_org: Organisation,
    charlie: User,
    charlie_org: Organisation,
    media: Any,
) -> None:
    entry = TENANT_OBJECT_ROUTES[name]
    url = reverse(name, kwargs=entry.factory(alice, alice_org))
    intruder = Client(raise_request_exception=False)
    intruder.force_login(charlie)

    body = dict(entry.post)
    statuses = {"GET": intruder.get(url).status_code, "POST": intruder.post(url, body).status_code}
    if url.startswith("/api/"):
        _, secret = api_token_create(user=charlie, org=charlie_org, name="sweep")
        bearer = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
        statuses["GET bearer"] = bearer.get(url).status_code
        statuses["POST bearer"] = bearer.post(url, body).status_code

    assert set(statuses.values()) <= {404, 405}, f"{name} {url}: {statuses}"
    assert 404 in statuses.values(), f"{name} {url}: {statuses}"

    if entry.owner_reaches:
        # The object is real and reachable by its own organisation, so the 404 above is isolation,
        # not a broken factory.
        owner = Client(raise_request_exception=False)
        owner.force_login(alice)
        own = {owner.get(url).status_code, owner.post(url, body).status_code}
        assert own - {404, 405}, f"{name} {url}: alice herself gets {own}"
