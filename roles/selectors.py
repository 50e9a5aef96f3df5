"""Reads for the role catalog.

Public catalog roles (organisation NULL, published) are visible to everyone; a custom role only to
its own organisation. Nothing here returns another organisation's role.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast

from roles.job_description import ListedSkill, listed_skills, soft_skill_note
from roles.models import Industry, Role, RoleSkill, Skill, SkillAlias
from roles.release import release_stamp
from roles.taxonomy import SkillMatcher

# --- Skills taxonomy ---------------------------------------------------------------------------

_matcher_lock = threading.Lock()
_matcher: tuple[tuple[Any, ...], SkillMatcher] | None = None


def _taxonomy_fingerprint() -> tuple[Any, ...]:
    # Count and latest change of both tables: any add, edit or delete (even a bulk one made by
    # another process) changes it, and it costs two indexed aggregates instead of a rebuild.
    skills = Skill.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    aliases = SkillAlias.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (
        skills["n"],
        skills["last"],
        skills["top"],
        aliases["n"],
        aliases["last"],
        aliases["top"],
    )


def skill_matcher() -> SkillMatcher:
    """The taxonomy's matcher, built once per process and rebuilt when skills or aliases change."""
    global _matcher
    fingerprint = _taxonomy_fingerprint()
    current = _matcher
    if current is not None and current[0] == fingerprint:
        return current[1]
    with _matcher_lock:
        if _matcher is not None and _matcher[0] == fingerprint:
            return _matcher[1]
        aliases: dict[int, list[str]] = {}
        for skill_id, alias in SkillAlias.objects.values_list("skill_id", "alias"):
            aliases.setdefault(skill_id, []).append(alias)
        entries = []
        categories = {}
        for skill_id, name, category in Skill.objects.order_by("id").values_list(
            "id", "name", "category"
        ):
            entries.append((skill_id, name, aliases.get(skill_id, [])))
            categories[skill_id] = category
        matcher = SkillMatcher(entries, categories=categories)
        _matcher = (fingerprint, matcher)
        return matcher


def role_listed_skills(*, role: Role, matcher: SkillMatcher | None = None) -> list[ListedSkill]:
    """The skills the role's description lists under its requirements that the taxonomy does not
    know, with what the organisation saved of them (`Role.listed_skill_changes`; one weighted 0
    is left out). A match scores them beside the role's own skills; they follow the
    description, and a match's re-weighting can set any of them to 0. Pass `matcher` to read
    many roles with one taxonomy check."""
    listed = listed_skills(role.description or "", matcher or skill_matcher())
    saved = role.listed_skill_changes or {}
    out = []
    for skill in listed:
        change = saved.get(listed_skill_key(skill.name), {})
        kept = replace(
            skill,
            **{k: change[k] for k in ("weight", "must_have", "min_years") if k in change},
        )
        if kept.weight > 0:
            out.append(kept)
    return out


def role_listed_skill_keys(*, role: Role) -> set[str]:
    """The `listed_skill_key` of every skill the role's ad lists outside the taxonomy, those
    weighted 0 included."""
    return {
        listed_skill_key(s.name) for s in listed_skills(role.description or "", skill_matcher())
    }


def listed_skill_key(name: str) -> str:
    """How `Role.listed_skill_changes` names a listed skill: the ad may write it "SAP ERP" on
    one reading and "SAP ERP." on another, or change its case."""
    return " ".join(name.casefold().split()).rstrip(".")


def role_skill_notes(*, role: Role) -> dict[int, str]:
    """By skill id, what a recruiter reviewing this role should know of how a skill was set: a
    soft skill or spoken language its job description was read into at weight 1, never required
    (`job_description.soft_skill_note`). A catalog role is curated, not read from an ad: none."""
    if role.organisation_id is None:
        return {}
    rows = RoleSkill.objects.filter(role=role).values_list(
        "skill_id", "skill__category", "weight", "must_have"
    )
    notes = {
        skill_id: soft_skill_note(category=category, weight=weight, must_have=must_have)
        for skill_id, category, weight, must_have in rows
    }
    return {skill_id: note for skill_id, note in notes.items() if note}


def skill_matcher_reset() -> None:
    global _matcher
    with _matcher_lock:
        _matcher = None


def skill_search(*, query: str, limit: int = 20) -> QuerySet[Skill]:
    q = query.strip()
    return (
        Skill.objects.filter(Q(name__icontains=q) | Q(alias_set__alias__iexact=q))
        .distinct()
        .order_by("name")[:limit]
    )


# --- Roles -------------------------------------------------------------------------------------


def _public() -> QuerySet[Role]:
    return Role.objects.filter(organisation__isnull=True, status=Role.Status.PUBLISHED)


def role_list_public(*, query: str = "", industry: str = "") -> QuerySet[Role]:
    """The published public catalog; every word of `query` must match a title, an alternate title
    or a skill (its name or one of its aliases). With a query, the roles it names come first
    (`_title_rank`), then the rest by title."""
    roles = _public()
    if industry:
        roles = roles.filter(industries__slug=industry)
    words = query.split()[:8]
    for word in words:
        matching = (
            Role.objects.annotate(alt_text=Cast("alternate_titles", TextField()))
            .filter(
                Q(title__icontains=word)
                | Q(alt_text__icontains=word)
                | Q(role_skills__skill__name__icontains=word)
                | Q(role_skills__skill__alias_set__alias__iexact=word)
            )
            .values("pk")
        )
        roles = roles.filter(pk__in=matching)
    roles = roles.prefetch_related("industries")
    if not words:
        return roles.order_by("title").distinct()
    return (
        roles.annotate(alt_text=Cast("alternate_titles", TextField()))
        .annotate(title_rank=_title_rank(words))
        .order_by("title_rank", "title")
        .distinct()
    )


def _title_rank(words: list[str]) -> Case:
    """0 for the title the query spells, 1 for a title holding the whole phrase, 2 for one
    holding every word, 3 for an alternate title (`alt_text`, annotated by the caller) holding
    them, 4 for a match by skills only: a recruiter typing "machine learning" means the Machine
    Learning Engineer before the Data Scientist, whose skills merely include machine learning."""
    phrase = " ".join(words)
    every_word = Q()
    for word in words:
        every_word &= Q(title__icontains=word)
    return Case(
        When(title__iexact=phrase, then=Value(0)),
        When(title__icontains=phrase, then=Value(1)),
        When(every_word, then=Value(2)),
        When(alt_text__icontains=phrase, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


def industry_list_public() -> QuerySet[Industry]:
    return (
        Industry.objects.filter(
            roles__organisation__isnull=True, roles__status=Role.Status.PUBLISHED
        )
        .annotate(role_count=Count("roles", distinct=True))
        .order_by("name")
        .distinct()
    )


def role_page_queryset() -> QuerySet[Role]:
    """Everything a role page shows, in a fixed number of queries."""
    return Role.objects.select_related("organisation").prefetch_related(
        "responsibilities",
        "evaluation_criteria",
        "interview_topics__skill",
        "salary_ranges",
        "industries",
        Prefetch(
            "role_skills",
            queryset=RoleSkill.objects.select_related("skill").order_by(
                "-must_have", "-weight", "skill__name"
            ),
        ),
        Prefetch("related_roles", queryset=_public().order_by("title")),
    )


def role_get_published(*, slug: str) -> Role:
    """A published public-catalog role; raises Role.DoesNotExist for drafts and custom roles."""
    return role_page_queryset().get(
        slug=slug, organisation__isnull=True, status=Role.Status.PUBLISHED
    )


def role_get_published_head(*, slug: str) -> Role:
    """The role row alone, enough to find its cached page without loading every section."""
    return Role.objects.get(slug=slug, organisation__isnull=True, status=Role.Status.PUBLISHED)


def role_get_for_preview(*, pk: int) -> Role:
    """Any role, draft or not, for staff previewing it in the admin."""
    return role_page_queryset().get(pk=pk)


def role_list_for_org(*, org: Any) -> QuerySet[Role]:
    """What an organisation may match against: the published catalog plus its own roles."""
    return Role.objects.filter(
        Q(organisation__isnull=True, status=Role.Status.PUBLISHED) | Q(organisation=org),
        draft_of__isnull=True,
    ).order_by("title")


def custom_role_list(*, org: Any) -> QuerySet[Role]:
    """The organisation's own roles: those any of its members may edit, over the API (PATCH
    /custom-roles/) and on the new-match page alike. Catalog roles are the curators'."""
    return role_list_for_org(org=org).filter(organisation=org)


def role_for_org(*, org: Any, pk: int) -> Role:
    """Raises Role.DoesNotExist for another organisation's role, so views answer 404."""
    return role_page_queryset().filter(pk__in=role_list_for_org(org=org).values("pk")).get(pk=pk)


def role_sitemap_items() -> QuerySet[Role]:
    return _public().order_by("title").only("slug", "updated_at")


# --- Page cache --------------------------------------------------------------------------------

PAGE_CACHE_TIMEOUT = 60 * 60 * 24


def _generation_key(slug: str) -> str:
    return f"roles:page-gen:{slug}"


def role_page_cache_key(*, role: Role) -> str:
    """Keyed on the deploy, the slug's generation, the version and the last save: a deploy, a
    publish, an unpublish or any edit lands on a new key, and `role_cache_invalidate` retires
    every older one."""
    generation = cache.get(_generation_key(role.slug), 0)
    stamp = role.updated_at.timestamp() if role.updated_at else 0
    return f"roles:page:{release_stamp()}:{role.slug}:{generation}:{role.version}:{stamp}"


def _visitor_page_key(slug: str, site: str) -> str:
    site_hash = hashlib.sha256(site.encode()).hexdigest()[:16]
    return f"roles:visitor-page:{release_stamp()}:{slug}:{site_hash}"


def role_visitor_page_get(*, slug: str, site: str) -> tuple[str | None, int]:
    """The whole page as a visitor without a session sees it on this site (scheme and host: the
    page links itself), if cached under the slug's current generation; and that generation.

    One round trip and no query: every write to the role or its sections moves the generation
    (roles.signals), which retires the copy without needing the role's row to build a key."""
    generation_key, key = _generation_key(slug), _visitor_page_key(slug, site)
    found = cache.get_many([generation_key, key])
    generation = int(found.get(generation_key, 0))
    stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return str(stored[1]), generation
    return None, generation


def role_visitor_page_set(*, slug: str, site: str, generation: int, html: str) -> None:
    """Stores the page under the generation read before it was rendered: a write meanwhile
    leaves it already stale."""
    cache.set(_visitor_page_key(slug, site), (generation, html), PAGE_CACHE_TIMEOUT)


def role_cache_invalidate(*, slug: str) -> None:
    key = _generation_key(slug)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)
