"""A scoring worker's per-process caches stay bounded however many matches it runs, and answer
what computing again would."""

from __future__ import annotations

import numpy as np
import pytest

from billing.services import credit_grant
from matcher import ranking, reference, scoring
from matcher.models import Match
from matcher.services import matches as matching
from matcher.services.matches import match_create
from roles.selectors import skill_matcher
from tests.candidates.factories import CandidateFactory
from tests.matcher.test_matching_pipeline import FIT
from tests.roles.factories import make_role

pytestmark = pytest.mark.slow


@pytest.fixture
def four_matches(alice, alice_org, celery_eager, django_capture_on_commit_callbacks, monkeypatch):
    """Four matches scored one after the other by this process, which keeps two of each."""
    monkeypatch.setattr(matching, "ROLE_CACHE_SIZE", 2)
    credit_grant(
        org=alice_org, cents=1000, kind="adjustment", idempotency_key="test:fund", reference="t"
    )
    role = make_role("Backend Engineer", skills=[("Python", 5, True), ("Docker", 3, False)])
    ada = CandidateFactory(organisation=alice_org, name="Ada", text=FIT)
    made = []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            match = match_create(org=alice_org, user=alice, role=role, candidates=[ada])
        match.refresh_from_db()
        assert match.status == Match.Status.DONE
        made.append(match)
    return made


def _computed(match: Match) -> ranking.RoleFeatures:
    snap = match.role_snapshot
    return ranking.role_features(
        title=snap["title"],
        text=snap["text"],
        skills=[scoring.RoleSkillSpec(**s) for s in snap["skills"]],
    )


def test_the_role_caches_keep_only_the_most_recent_matches(four_matches) -> None:
    keys = [matching._role_key(m) for m in four_matches]
    assert list(matching._role_vectors) == keys[-2:]
    assert list(matching._role_references) == keys[-2:]


def test_a_cached_role_is_the_one_computing_again_gives(four_matches) -> None:
    last = four_matches[-1]
    role = matching._role_features(last)
    fresh = _computed(last)
    np.testing.assert_allclose(role.vector, fresh.vector, atol=1e-6)
    np.testing.assert_allclose(role.title_vector, fresh.title_vector, atol=1e-6)

    stats = matching.pool_stats_for_org(last.organisation_id)
    finder = skill_matcher()
    cached = matching._role_reference(last, role, stats, finder)
    assert cached is matching._role_references[matching._role_key(last)]
    assert cached == pytest.approx(reference.role_stats(fresh, reference.pool(finder), stats))


def test_the_least_recently_used_match_is_dropped_and_a_dropped_one_comes_back_the_same(
    four_matches,
) -> None:
    first, _, third, fourth = four_matches
    keys = {m.pk: matching._role_key(m) for m in four_matches}
    kept = matching._role_vectors[keys[third.pk]]
    matching._role_features(third)  # used again: now the most recent
    role = matching._role_features(first)  # dropped earlier: computed again, and kept

    assert list(matching._role_vectors) == [keys[third.pk], keys[first.pk]]
    assert matching._role_vectors[keys[third.pk]] is kept
    assert keys[fourth.pk] not in matching._role_vectors
    np.testing.assert_allclose(role.vector, _computed(first).vector, atol=1e-6)


def test_pool_statistics_are_kept_for_the_most_recent_organisations_only(
    alice_org, charlie_org, monkeypatch
) -> None:
    """A worker serving many organisations keeps the word counts of the latest few; one that
    was dropped is counted again, to the same figures."""
    monkeypatch.setattr(matching, "POOL_CACHE_SIZE", 1)
    matching.process_caches_clear()
    CandidateFactory(organisation=alice_org, name="Ada", text=FIT)
    CandidateFactory(organisation=charlie_org, name="Cy", text="Registered nurse, ward care.")
    first = matching.pool_stats_for_org(alice_org.pk)
    assert list(matching._pool_stats) == [alice_org.pk]
    matching.pool_stats_for_org(charlie_org.pk)
    assert list(matching._pool_stats) == [charlie_org.pk]
    again = matching.pool_stats_for_org(alice_org.pk)
    assert again is not first
    assert (again.n_docs, again.total_len, again.doc_freq) == (
        first.n_docs,
        first.total_len,
        first.doc_freq,
    )
    assert list(matching._pool_stats) == [alice_org.pk]
