"""`manage.py evaluate_ranking`: RoleMatch against TF-IDF and MiniLM cosine, in one run."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from matcher.evaluation import runner
from matcher.evaluation.metrics import average_precision, ndcg_at_k
from matcher.evaluation.taxonomy import file_skill_categories, file_skill_matcher
from matcher.management.commands.evaluate_ranking import read_docx

pytestmark = pytest.mark.slow


def test_ndcg_and_average_precision_reward_putting_the_relevant_first():
    grades = {"a": 2, "b": 1}
    assert ndcg_at_k(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg_at_k(["c", "b", "a"], grades) < ndcg_at_k(["a", "c", "b"], grades)
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(["x", "y"], set()) == 0.0


def test_the_labelled_set_names_only_files_it_has():
    data = runner.load_labelled_set()
    assert len(data.jobs) >= 8
    assert len(data.resumes) >= 6 * len(data.jobs)
    for job, grades in data.grades.items():
        assert sum(1 for g in grades.values() if g == 2) >= 4, job


def test_the_labelled_set_holds_out_half_of_its_jobs_for_testing():
    data = runner.load_labelled_set()
    parts = list(data.split.values())
    assert parts.count("test") >= 4
    assert parts.count("dev") >= 4


def test_the_annotation_file_format_is_read_as_ranks_per_vacancy():
    text = "ANNOTATOR_1_RANKINGS=[[2,1,4,3,5],[1,2,3,4,5], #1-2\n [5,4,3,2,1]] #3\n"
    assert runner.parse_annotations(text) == {
        "ANNOTATOR_1": [[2, 1, 4, 3, 5], [1, 2, 3, 4, 5], [5, 4, 3, 2, 1]]
    }


@pytest.mark.django_db
def test_rolematch_beats_both_baselines_on_the_held_out_test_jobs(tmp_path):
    out = io.StringIO()
    call_command("evaluate_ranking", "--json", "--shared", str(tmp_path / "absent"), stdout=out)
    data = json.loads(out.getvalue())
    assert "absent" in data["skipped"]
    names = [r["name"] for r in data["reports"]]
    assert names == [
        "RoleMatch labelled set, dev part",
        "RoleMatch labelled set, test part",
        "RoleMatch labelled set, all jobs",
    ]
    dev, test, both = data["reports"]
    assert "held out" in test["note"]
    assert both["queries"] == dev["queries"] + test["queries"]
    ours = test["ndcg"]["RoleMatch"], test["map"]["RoleMatch"]
    for baseline in ("TF-IDF", "MiniLM cosine"):
        assert ours[0] > test["ndcg"][baseline]
        assert ours[1] > test["map"][baseline]
        # Query by query over all jobs, RoleMatch is ahead more often than behind.
        for measure in ("nDCG", "MAP"):
            paired = both["comparisons"][baseline][measure]
            assert paired["wins"] + paired["ties"] + paired["losses"] == both["queries"]
            assert paired["wins"] > paired["losses"]
            assert paired["mean_diff"] > 0
    assert set(test["component_ndcg"]) == {"semantic", "skills", "lexical", "title"}


def test_the_sign_flip_test_counts_patterns_at_least_as_favourable():
    # One query: the observed sign is one of two patterns.
    assert runner.sign_flip_p_value([0.1]) == pytest.approx(0.5)
    # Three positive differences: only the observed pattern is as favourable (1 of 8).
    assert runner.sign_flip_p_value([0.1, 0.2, 0.3]) == pytest.approx(1 / 8)
    # Ties carry no sign and do not count.
    assert runner.sign_flip_p_value([0.1, 0.0, 0.0]) == pytest.approx(0.5)
    assert runner.sign_flip_p_value([]) == 1.0
    comparison = runner.compare([0.9, 0.8, 0.5], [0.7, 0.8, 0.6])
    assert (comparison.wins, comparison.ties, comparison.losses) == (1, 1, 1)
    assert comparison.mean_diff == pytest.approx((0.2 - 0.1) / 3)


def test_it_reports_the_real_resumes_for_all_three_scorers(shared_dir):
    folder = shared_dir / "datasets" / "vacancy-resume-matching"

    report = runner.evaluate_vacancies(
        folder, file_skill_matcher(), read_docx, file_skill_categories()
    )
    assert report.queries == 30
    assert report.documents == 5
    for scorer in runner.SCORERS:
        assert 0 < report.ndcg[scorer] <= 1
        assert 0 < report.map[scorer] <= 1
    assert "Vanetik" in runner.format_report(report)
    # What the set can tell apart is printed beside the scorers.
    assert set(report.references) == {
        "annotators, each against the other",
        "one fixed order for every CV",
    }
    for ndcg, ap in report.references.values():
        assert 0 < ndcg <= 1
        assert 0 < ap <= 1
