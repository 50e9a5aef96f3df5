"""How a batch is cut into ingest tasks: small first chunks (early results), small last ones
(no worker process idle while another reads a full last chunk)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from candidates.services import chunk_sizes


def test_a_35_file_batch_ramps_up_and_down() -> None:
    assert chunk_sizes(35, largest=8) == [2, 4, 8, 8, 7, 4, 2]


def test_small_batches_keep_small_chunks() -> None:
    assert chunk_sizes(0, largest=8) == []
    assert chunk_sizes(1, largest=8) == [1]
    assert chunk_sizes(5, largest=8) == [2, 1, 2]


@given(total=st.integers(min_value=0, max_value=3000), largest=st.integers(1, 64))
def test_every_upload_in_exactly_one_chunk_of_allowed_size(total: int, largest: int) -> None:
    sizes = chunk_sizes(total, largest=largest)
    assert sum(sizes) == total
    assert all(1 <= size <= largest for size in sizes)
    if total:
        small = max(1, largest // 4)
        assert sizes[0] <= small
        assert sizes[-1] <= small
