"""Chunking (pure) and the embedding model (slow: loads all-MiniLM-L6-v2 once per session)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matcher import chunking, embeddings


@pytest.mark.parametrize("n", [0, 1, 253, 254, 255, 508, 1000, 4321])
def test_chunk_windows_cover_every_token_and_fit_the_model(n):
    spans = chunking.windows(n, max_tokens=256, overlap=24)
    covered = set()
    for start, end in spans:
        assert 0 < end - start <= 254
        covered.update(range(start, end))
    assert covered == set(range(n))
    for (_, prev_end), (start, _) in itertools.pairwise(spans):
        assert prev_end - start == 24  # consecutive windows overlap


def test_chunking_refuses_an_overlap_as_long_as_the_window():
    with pytest.raises(ValueError, match="overlap"):
        chunking.windows(1000, max_tokens=256, overlap=254)


@pytest.fixture(scope="session")
def model():
    return embeddings.get_model()


@pytest.mark.slow
def test_the_model_is_loaded_once_per_process(model):
    loads = embeddings.load_count
    assert embeddings.get_model() is model
    embeddings.embed_texts(["Nurse", "Accountant"])
    assert embeddings.load_count == loads == 1


@pytest.mark.slow
def test_a_long_resume_is_embedded_whole_in_unit_vectors(model):
    paragraph = "Registered nurse caring for ventilated patients in intensive care. " * 12
    text = paragraph * 6 + "Finally, fluent in Portuguese and trained in ECMO."
    result = embeddings.embed_text(text)
    assert result.n_tokens > 256
    assert len(result.chunks) == len(result.vectors) >= 3
    assert result.chunks[-1].char_end == len(text)  # nothing past the window was lost
    assert "ECMO" in text[result.chunks[-1].char_start : result.chunks[-1].char_end]
    assert np.allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-4)
    assert result.vectors.dtype == np.float32


@pytest.mark.slow
def test_chunk_vectors_match_what_the_model_gives_the_same_text(model):
    text = "Backend engineer building Django services on PostgreSQL."
    ours = embeddings.embed_text(text).vectors[0]
    theirs = model.encode([text], normalize_embeddings=True)[0]
    assert float(ours @ theirs) > 0.999


@pytest.mark.slow
def test_a_text_repeated_in_a_batch_goes_through_the_model_once(model, monkeypatch):
    rows: list[int] = []
    forward = model.forward

    def counting(features, *args, **kwargs):
        rows.append(int(features["input_ids"].shape[0]))
        return forward(features, *args, **kwargs)

    monkeypatch.setattr(model, "forward", counting)
    texts = ["Registered Nurse", "Sous chef", "Registered Nurse", "Registered Nurse"]
    result = embeddings.embed_texts(texts)
    monkeypatch.undo()
    assert sum(rows) == 2
    assert [len(r.vectors) for r in result] == [1, 1, 1, 1]
    assert np.array_equal(result[0].vectors, result[2].vectors)
    assert np.array_equal(result[0].vectors, result[3].vectors)
    for text, got in zip(texts, result, strict=True):
        alone = embeddings.embed_text(text).vectors[0]
        assert float(got.vectors[0] @ alone) > 0.9999


@pytest.mark.slow
def test_vectors_survive_a_round_trip_through_bytes(model):
    vectors = embeddings.embed_texts(["Sous chef", "Staff accountant"])[0].vectors
    assert np.array_equal(embeddings.from_bytes(embeddings.to_bytes(vectors)), vectors)


def test_the_model_version_names_the_model_and_its_files():
    version = embeddings.model_version()
    assert version.startswith("all-MiniLM-L6-v2@")
    assert version == embeddings.model_version()
