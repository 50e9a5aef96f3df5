"""Split a tokenised text into overlapping windows that fit the embedding model.

Pure: works on token counts and character offsets, so it is tested without the model. The model
reads at most `max_tokens` tokens including its two special tokens ([CLS], [SEP]); everything
past that would be silently truncated, so a long resume becomes several chunks whose union covers
every token, with a small overlap so that a sentence cut at a boundary is still read whole once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SPECIAL_TOKENS = 2
DEFAULT_MAX_TOKENS = 256
DEFAULT_OVERLAP = 24


@dataclass(frozen=True, slots=True)
class Chunk:
    """Tokens `[start, end)` of the text, and the characters `[char_start, char_end)` they span."""

    start: int
    end: int
    char_start: int
    char_end: int

    @property
    def size(self) -> int:
        return self.end - self.start


def windows(
    n_tokens: int, *, max_tokens: int = DEFAULT_MAX_TOKENS, overlap: int = DEFAULT_OVERLAP
) -> list[tuple[int, int]]:
    """Token ranges covering `range(n_tokens)`, each at most `max_tokens - 2` long, each
    starting `overlap` tokens before the previous one ends. The last one may be short: pulling
    it back to a full window would embed up to a window of tokens twice for nothing."""
    body = max_tokens - SPECIAL_TOKENS
    if body <= 0:
        raise ValueError("max_tokens must leave room for the special tokens")
    if not 0 <= overlap < body:
        raise ValueError("overlap must be at least 0 and smaller than the window")
    if n_tokens <= 0:
        return []
    if n_tokens <= body:
        return [(0, n_tokens)]
    step = body - overlap
    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + body, n_tokens)
        spans.append((start, end))
        if end == n_tokens:
            break
        start += step
    return spans


def chunk_offsets(
    offsets: Sequence[tuple[int, int]],
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    overlap: int = DEFAULT_OVERLAP,
) -> list[Chunk]:
    """Chunks for a text whose tokens have the given character offsets (a fast tokenizer's)."""
    chunks = []
    for start, end in windows(len(offsets), max_tokens=max_tokens, overlap=overlap):
        chunks.append(Chunk(start, end, offsets[start][0], offsets[end - 1][1]))
    return chunks
