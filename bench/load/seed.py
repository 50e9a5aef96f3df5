"""What the load bench reads and sends: a recruiter with a finished 1,000-candidate match, seeded
through the ORM and the pure scorer (no embedding), and generated text resumes for the soak."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.services import api_token_create, organisation_delete
from candidates.models import Candidate
from matcher import scoring
from matcher.models import Match, MatchResult
from matcher.services.matches import role_snapshot
from roles.models import Role

PASSWORD = "load-bench-" + "p" * 24
FIRST_NAMES = ["Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Ines", "Jon"]
LAST_NAMES = ["Okafor", "Smith", "Nguyen", "Garcia", "Kowalski", "Haddad", "Tanaka", "Berg"]
SKILL_WORDS = ["Python", "SQL", "Django", "Kubernetes", "Excel", "Tableau", "Java", "Linux"]


@dataclass
class Tenant:
    user: User
    org: Organisation
    email: str
    token: str
    role: Role
    match: Match


def tenant_create(*, candidates: int) -> Tenant:
    """A verified recruiter (as `create_recruiter` makes one), an API token, and a match of
    `candidates` results against a published catalog role."""
    email = f"load-{uuid.uuid4().hex[:10]}@rolematch.test"
    call_command(
        "create_recruiter",
        email,
        "--password",
        PASSWORD,
        "--org",
        "Load bench",
        stdout=io.StringIO(),
    )
    membership = Membership.objects.select_related("user", "organisation").get(user__email=email)
    user, org = membership.user, membership.organisation
    # Hashed as production hashes, whatever hasher this process has (the suite's is fast MD5).
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    _, token = api_token_create(user=user, org=org, name="load bench")
    role = (
        Role.objects.filter(organisation__isnull=True, status=Role.Status.PUBLISHED)
        .exclude(role_skills=None)
        .order_by("slug")
        .first()
    )
    if role is None:
        raise SystemExit("no published catalog role: run `manage.py bootstrap` first")
    match = match_seed(org=org, user=user, role=role, count=candidates)
    return Tenant(user=user, org=org, email=email, token=token, role=role, match=match)


def match_seed(*, org: Organisation, user: User, role: Role, count: int) -> Match:
    """A finished match of `count` candidates, scored by the real combiner from made-up
    components and skill mentions, so every row looks like one the worker writes."""
    rng = random.Random(16)
    snapshot = role_snapshot(role)
    specs = [scoring.RoleSkillSpec(**s) for s in snapshot["skills"]]
    now = timezone.now()
    people = Candidate.objects.bulk_create(
        _candidate(org, number, rng, now) for number in range(1, count + 1)
    )
    match = Match.objects.create(
        organisation=org,
        role=role,
        role_version=role.version,
        role_title=role.title[:200],
        role_snapshot=snapshot,
        status=Match.Status.DONE,
        created_by=user,
        price_cents=5,
        candidate_count=count,
        scored_count=count,
        model_version="load-bench",
        scoring_version=scoring.SCORING_VERSION,
        started_at=now,
        finished_at=now,
    )
    match.candidates.set(people)
    results = []
    for person in people:
        fit = rng.random()  # one hidden fit per person, so that the signals agree
        mentions = {
            s.skill_id: [scoring.Mention(s.skill_id, 3, f"Used {s.name} every day.")]
            for s in specs
            if rng.random() < 0.2 + 0.7 * fit
        }
        years = rng.uniform(0, 20)
        evidence = scoring.skill_evidence(specs, mentions, readable=True, total_years=years)
        cosine, title, lexical = 0.2 + 0.55 * fit, 0.35 + 0.6 * fit, 0.35 * fit * rng.random()
        components = {
            "semantic": scoring.semantic_component(cosine),
            "skills": scoring.skill_coverage(evidence),
            "lexical": scoring.lexical_component(lexical),
            "title": scoring.title_component(title),
            "level_gap": float(rng.choice([0, 0, 0, 1, 2])),
            "title_cosine": round(title, 4),
            "title_latest_cosine": round(title, 4),
            "semantic_cosine": round(cosine, 4),
            "semantic_mean_cosine": round(cosine - 0.05, 4),
            "lexical_raw": round(lexical, 4),
            "bm25": round(12 * fit, 4),
            "readable": 1.0,
            "total_years": round(years, 1),
        }
        result = scoring.combine(components, evidence)
        results.append(
            MatchResult(
                match=match,
                candidate=person,
                score=result.score,
                tier=result.tier,
                must_haves_met=not result.missing_must_haves,
                components=result.components,
                evidence=result.evidence_json(),
                model_version="load-bench",
                role_version=role.version,
                weights=result.weights,
            )
        )
    MatchResult.objects.bulk_create(results, batch_size=500)
    return match


def _candidate(org: Organisation, number: int, rng: random.Random, now: object) -> Candidate:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {number}"
    text = resume_text(number, name)
    return Candidate(
        organisation=org,
        number=number,
        name=name,
        email=f"person{number}@example.com",
        headline="Data Analyst",
        years_experience=rng.randint(0, 20),
        skills=rng.sample(SKILL_WORDS, 4),
        text=text,
        search_text=text.lower(),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        created_at=now,
    )


def resume_text(number: int, name: str) -> str:
    """A plain resume of a dozen lines, different for every number (no two are duplicates)."""
    rng = random.Random(number)
    skills = ", ".join(rng.sample(SKILL_WORDS, 5))
    start = rng.randint(2005, 2018)
    return (
        f"{name}\nData Analyst | person{number}@example.com | +44 20 7946 {number % 10000:04d}\n"
        "Summary\n"
        f"Analyst with {2026 - start} years of reporting, dashboards and data pipelines.\n"
        "Experience\n"
        f"Senior Data Analyst, Example Retail {number}, {start + 4} - present\n"
        f"Built reporting in {skills}; cut the monthly close from five days to two.\n"
        f"Data Analyst, Numbers Ltd, {start} - {start + 4}\n"
        "Wrote SQL for pricing experiments and trained the team on dashboards.\n"
        "Education\n"
        f"BSc Mathematics, University of Leeds, {start - 3} - {start}\n"
        f"Skills\n{skills}\n"
    )


def tenant_delete(tenant: Tenant) -> None:
    # A match protects the role it ran against; the organisation's deletion takes the rest.
    Match.objects.filter(organisation=tenant.org).delete()
    organisation_delete(org=tenant.org, actor=tenant.user)
