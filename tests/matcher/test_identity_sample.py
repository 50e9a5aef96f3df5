"""Names and titles against the 150 hand-labelled resumes (matcher/evaluation/data).

The targets of issue #14 hold on the test half, which no rule was tuned on, and on the dev half;
the earlier rule, measured in the same run, stays well below them, so the figures are not an
artefact of the matching.
"""

from __future__ import annotations

import pytest

from matcher.evaluation import identity

_RUNS: dict[str, dict] = {}


@pytest.fixture
def results(shared_dir):
    # Reading the 150 files takes a while; the tests below share one reading.
    key = str(shared_dir)
    if key not in _RUNS:
        _RUNS[key] = identity.run(shared_dir)
    return _RUNS[key]


@pytest.mark.slow
@pytest.mark.parametrize("part", ["dev", "test"])
def test_names_and_titles_reach_the_targets_on_each_half(results, part):
    scores = results["RoleMatch"][part]
    assert scores["name"].precision >= 0.95, scores["name"].mistakes
    assert scores["name"].recall >= 0.85
    assert scores["title"].precision >= 0.9, scores["title"].mistakes


@pytest.mark.slow
def test_the_earlier_rule_misses_the_targets_it_is_measured_against(results):
    baseline = results["baseline"]["all"]
    assert baseline["name"].precision < 0.95
    assert baseline["title"].precision < 0.9


def test_the_sample_is_the_documented_150_split_evenly():
    labels = identity.load_labels()
    assert len(labels) == 150
    assert len({label.item.key for label in labels}) == 150
    by_source = {
        s: [lb for lb in labels if lb.item.source == s] for s in ("livecareer", "docx", "text")
    }
    assert [len(v) for v in by_source.values()] == [48, 54, 48]
    for part in by_source.values():
        dev = sum(lb.split == "dev" for lb in part)
        assert dev == len(part) - dev


def test_the_sample_is_rebuilt_by_its_rule(shared_dir):
    labels = identity.load_labels()
    items = identity.sample(shared_dir)
    assert [i.key for i in items] == [lb.item.key for lb in labels]
    split = identity.split_of(items)
    assert all(split[lb.item.key] == lb.split for lb in labels)


@pytest.mark.parametrize(
    ("predicted", "label", "same"),
    [
        ("Hydroblasting Technician 1", "Hydroblasting Technician", True),
        ("Front End developer", "Frontend Developer", True),
        ("Java Back-End Developer", "Java Backend Developer", True),
        ("Sr. Network Engineer", "Senior Network Engineer", True),
        ("Senior Accountant", "Staff Accountant", False),
        ("OZON", "Analytics Lead", False),
        ("Customer Care Associate", "Frontend Developer", False),
    ],
)
def test_titles_match_on_their_words_not_their_spelling(predicted, label, same):
    assert identity.same_title(predicted, label) is same


def test_names_match_in_any_order_without_honorifics_or_letters_after():
    assert identity.same_name("Motovilov Pavel", "Pavel Motovilov")
    assert identity.same_name("Dr Marco Ferri, DC", "Marco Ferri")
    assert not identity.same_name("Marco Ferri", "")
    assert not identity.same_name("Merchant Services Advocate", "")
