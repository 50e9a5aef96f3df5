"""Public role catalog: the list with search, role pages, robots.txt. HTTP only."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from api.links import absolute_url
from roles import selectors
from roles.models import Role
from roles.services import role_revision_changes

PAGE_SIZE = 24
# A session or flashed messages make the page someone's own: such visitors are never served, nor
# fill, the shared copy.
VISITOR_STATE_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
CSRF_PLACEHOLDER = "rolematch-csrf-token-placeholder"
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@require_GET
def role_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    industry = request.GET.get("industry", "").strip()[:140]
    roles = selectors.role_list_public(query=query, industry=industry)
    page = Paginator(roles, PAGE_SIZE).get_page(request.GET.get("page"))
    industries = list(selectors.industry_list_public())
    keep = {k: v for k, v in (("q", query), ("industry", industry)) if v}
    context = {
        "page_obj": page,
        "roles": page.object_list,
        "query": query,
        "industry": industry,
        "industries": industries,
        "industry_name": next((i.name for i in industries if i.slug == industry), ""),
        "filter_qs": urlencode(keep),
        "canonical_url": absolute_url(request, reverse("roles:list")),
    }
    return render(request, "roles/role_list.html", context)


@require_GET
def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Most of the catalog's traffic is visitors and crawlers without a session: they all see the
    # same page, served whole from the cache with their own CSRF token put in.
    shared = not any(name in request.COOKIES for name in VISITOR_STATE_COOKIES)
    site = absolute_url(request, "/")
    cached, generation = (
        selectors.role_visitor_page_get(slug=slug, site=site) if shared else (None, 0)
    )
    if cached is not None:
        return HttpResponse(cached.replace(CSRF_PLACEHOLDER, get_token(request)))
    try:
        head = selectors.role_get_published_head(slug=slug)
    except Role.DoesNotExist:
        raise Http404("No published role with that address.") from None
    key = selectors.role_page_cache_key(role=head)
    parts = cache.get(key)
    if parts is None or "occupation" not in parts:
        role = selectors.role_get_published(slug=slug)
        parts = render_role_parts(role)
        cache.set(key, parts, selectors.PAGE_CACHE_TIMEOUT)
    context = role_page_context(head, parts, request=request)
    if not shared:
        return render(request, "roles/role_detail.html", context)
    html = render_to_string(
        "roles/role_detail.html", {**context, "csrf_token": CSRF_PLACEHOLDER}, request=request
    )
    selectors.role_visitor_page_set(slug=slug, site=site, generation=generation, html=html)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def render_role_preview(request: HttpRequest, role: Role) -> HttpResponse:
    """What staff see when they preview a draft from the admin: never cached."""
    context = role_page_context(role, render_role_parts(role), request=request, preview=True)
    if role.draft_of_id:
        context["live_role"] = role.draft_of
        context["revision_changes"] = role_revision_changes(draft=role)
    return render(request, "roles/role_detail.html", context)


def render_role_parts(role: Role) -> dict[str, Any]:
    """The parts of the page that are the same for every visitor, cached per role version.

    Nothing here holds the site's address: one cached copy serves every host and port."""
    return {
        "body": render_to_string("roles/_role_body.html", {"role": role}),
        "occupation": occupation_data(role),
    }


def role_page_context(
    role: Role, parts: dict[str, Any], *, request: HttpRequest, preview: bool = False
) -> dict[str, Any]:
    canonical = absolute_url(request, role.get_absolute_url())
    return {
        "role": role,
        # Rendered by our own templates with autoescaping (and escaped JSON); the cache only
        # stores the result.
        "body": mark_safe(parts["body"]),  # noqa: S308
        "json_ld": mark_safe(occupation_json_ld(parts["occupation"], url=canonical)),  # noqa: S308
        "preview": preview,
        "cta_url": cta_url(request, role),
        "canonical_url": canonical,
        "meta_description": (role.summary or role.description)[:300],
    }


def new_match_url(role: Role) -> str:
    try:
        base = reverse("matcher:match_new")
    except NoReverseMatch:
        base = "/app/matches/new/"
    return f"{base}?{urlencode({'role': role.slug})}"


def cta_url(request: HttpRequest, role: Role) -> str:
    if request.user.is_authenticated:
        return new_match_url(role)
    return f"{reverse('account_signup')}?{urlencode({'next': new_match_url(role)})}"


def occupation_data(role: Role) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": role.title,
        "description": role.summary or role.description,
    }
    if role.alternate_titles:
        data["alternateName"] = list(role.alternate_titles)
    if role.onet_code:
        data["occupationalCategory"] = role.onet_code
    skills = [rs.skill.name for rs in role.role_skills.all()]
    if skills:
        data["skills"] = ", ".join(skills)
    responsibilities = [r.text for r in role.responsibilities.all()]
    if responsibilities:
        data["responsibilities"] = responsibilities
    salaries = list(role.salary_ranges.all())
    if salaries:
        data["estimatedSalary"] = [
            {
                "@type": "MonetaryAmountDistribution",
                "name": s.level,
                "currency": s.currency,
                "duration": "P1Y",
                "minValue": s.min_amount,
                "maxValue": s.max_amount,
            }
            for s in salaries
        ]
        regions = sorted({s.region for s in salaries if s.region})
        if regions:
            data["occupationLocation"] = [
                {"@type": "AdministrativeArea", "name": r} for r in regions
            ]
    return data


def occupation_json_ld(data: dict[str, Any], *, url: str) -> str:
    # Escaped so that no value can close the <script> element it sits in.
    return json.dumps({**data, "url": url}, ensure_ascii=False).translate(_JSON_ESCAPES)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /app/",
        "Disallow: /accounts/",
        "Disallow: /billing/",
        "Disallow: /api/",
        "Allow: /roles/",
        "",
        f"Sitemap: {absolute_url(request, reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
