"""The fixed reference pool the scorer reads each role against (scoring version 5)."""

from __future__ import annotations

import numpy as np
import pytest

from matcher import embeddings, lexical, ranking, reference, scoring
from matcher.evaluation import cache
from matcher.evaluation.taxonomy import file_skill_matcher


class _Finder:
    """A taxonomy matcher of its own, as a curator's edit would make one."""

    def __init__(self, inner):
        self.inner = inner

    def find(self, text):
        return self.inner.find(text)

    def find_claimed(self, text):
        return self.inner.find_claimed(text)


def test_the_pool_is_the_packaged_resumes_and_its_file_is_there_once_built():
    texts = reference.texts()
    assert len(texts) == len(list(reference.REFERENCE_DIR.glob("*.txt")))
    assert reference.ensure_built().startswith("reference pool present")
    assert reference.cache_path(texts).is_file()


def test_a_new_taxonomy_matcher_reads_the_pool_again():
    inner = file_skill_matcher()
    first = reference.pool(inner)
    assert reference.pool(inner) is first
    other = reference.pool(_Finder(inner))
    assert other is not first
    assert [r.mentions for r in other.resumes] == [r.mentions for r in first.resumes]
    assert len(first.resumes) == len(first.readable) == len(reference.texts())


def test_role_stats_leave_out_what_the_role_cannot_have():
    """A role without a title or skills has no title or skill statistics: its candidates take
    the model's average there, as the evaluation's NaN does."""
    pool = reference.pool(file_skill_matcher())
    vector = np.ones(384, np.float32) / np.sqrt(384)
    role = ranking.RoleFeatures(
        title="",
        text="Registered nurse for an intensive care unit",
        skills=[],
        vector=vector,
        query=lexical.query_terms("Registered nurse for an intensive care unit"),
    )
    stats = reference.role_stats(role, pool, ranking.pool_stats(pool.resumes))
    assert set(stats) == {
        f"{name}_ref_{stat}"
        for name in ("lexical", "semantic", "semantic_mean")
        for stat in ("mean", "sd")
    }
    cosines = [scoring.semantic_cosine(r.vectors, vector) for r in pool.resumes]
    assert stats["semantic_ref_mean"] == pytest.approx(float(np.mean(cosines)), abs=1e-6)
    assert stats["semantic_ref_sd"] == pytest.approx(float(np.std(cosines)), abs=1e-6)


def test_a_new_pool_file_replaces_the_model_s_older_ones_and_nothing_else(tmp_path):
    built = reference.pool(file_skill_matcher())
    current = reference.cache_path(reference.texts(), tmp_path)
    folder = current.parent
    folder.mkdir(parents=True)
    model = embeddings.model_version()
    texts = reference._texts_hash(reference.texts())
    older = [
        folder / f"pool-{model}-{'a' * 12}-{'b' * 12}.npz",  # an older pool
        folder / f"pool-{model}-{texts}-{'c' * 12}.npz",  # the same pool, older code
    ]
    kept = [
        folder / f"pool-other-model@0123456789ab+pii1-{'a' * 12}-{'b' * 12}.npz",
        # Another process building a pool at this moment: its file is not finished.
        folder / f"pool-{model}-{'d' * 12}-{'e' * 12}.4242.tmp.npz",
        folder / "README.txt",
    ]
    for path in [*older, *kept]:
        path.write_bytes(b"not a pool")

    reference._save(current, built.resumes)

    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in [current, *kept])
    loaded = reference.pool(_Finder(file_skill_matcher()), folder=tmp_path)
    assert len(loaded.resumes) == len(built.resumes)
    for mine, theirs in zip(loaded.resumes, built.resumes, strict=True):
        np.testing.assert_array_equal(mine.vectors, theirs.vectors)
        np.testing.assert_array_equal(mine.title_vectors, theirs.title_vectors)

    reference._save(current, built.resumes)  # built again by another process: nothing to delete
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in [current, *kept])


def test_the_pools_file_is_read_again_for_every_reader_the_evaluation_reads_again_for():
    # The file holds titles, years and masked chunks; a change to a title rule alone once left
    # every machine's pool holding titles read the old way. Only the taxonomy is left out: its
    # mentions are found again at every load.
    readers = {p.resolve() for p in cache.READER_FILES if p.name != "taxonomy.py"}
    assert readers <= {p.resolve() for p in reference.CODE_FILES}
