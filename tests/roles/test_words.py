"""The words RoleMatch compares (pure)."""

from __future__ import annotations

import pytest

from roles import words
from roles.words import fold_plural, tokens


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        ("ledgers", "ledger"),
        ("policies", "policy"),
        ("processes", "process"),
        ("batches", "batch"),
        ("taxes", "tax"),
        ("statements", "statement"),
        # Not plurals, or too short to tell.
        ("process", "process"),
        ("status", "status"),
        ("analysis", "analysis"),
        ("gas", "gas"),
        # An acronym's plural ends like "analysis" and is left as it is: a known miss.
        ("apis", "apis"),
        ("node.js", "node.js"),
        ("c++", "c++"),
    ],
)
def test_fold_plural_reads_a_regular_plural_as_its_singular(word: str, folded: str) -> None:
    assert fold_plural(word) == folded


def test_tokens_fold_plurals_only_when_the_reading_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Reconciled general ledgers and the Ledger"
    assert tokens(text) == ["reconciled", "general", "ledgers", "ledger"]
    monkeypatch.setattr(words, "FOLD_PLURALS", True)
    assert tokens(text) == ["reconciled", "general", "ledger", "ledger"]
