"""`manage.py evaluate_ranking`: RoleMatch against four baselines on four sets, in one run."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import embeddings, lexical, ranker, ranking, scoring
from matcher import reference as reference_pool
from matcher.evaluation import cache, features, harness, levers, pipeline, runner, sets
from matcher.evaluation.metrics import average_precision, ndcg_at_k
from matcher.evaluation.taxonomy import file_skill_categories, file_skill_matcher
from roles import job_description
from roles.taxonomy import SkillMatcher

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


def test_the_livecareer_queries_and_grades_were_declared_for_every_category(shared_dir):
    root = shared_dir / "datasets" / "livecareer-resumes"
    with (root / "labels.csv").open(encoding="utf-8") as handle:
        categories = {row["category"] for row in csv.DictReader(handle)}
    assert len(categories) == 24
    jobs = {p.stem for p in (sets.LIVECAREER_DATA / "jobs").glob("*.txt")}
    assert jobs == categories
    onet = sets._tsv(sets.LIVECAREER_DATA / "onet.tsv")
    assert {row["category"] for row in onet} == categories
    for row in onet:
        query = sets.onet_query(shared_dir / "datasets" / "onet-29.2", row["onet_soc_code"])
        assert query.startswith(row["onet_title"])
        assert query.count("\n- ") >= 5  # the task statements
    for row in sets._tsv(sets.LIVECAREER_DATA / "neighbours.tsv"):
        assert {row["category_a"], row["category_b"]} <= categories
        assert row["category_a"] != row["category_b"]


def test_bootstrap_interval_brackets_the_mean_difference():
    diffs = [np.asarray([0.1, 0.2, 0.0, 0.3]), np.asarray([0.05, 0.05, 0.05])]
    lo, hi = harness.bootstrap_interval(diffs)
    mean = (0.15 + 0.05) / 2
    assert lo <= mean <= hi
    assert lo > 0
    assert harness.bootstrap_interval(diffs) == (lo, hi)  # fixed seed: the same every run


def test_the_ranker_fit_respects_the_signs_a_recruiter_expects():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    # The data say the second input lowers the odds; the fit may not give it a negative weight.
    y = (x[:, 0] - x[:, 1] + rng.normal(scale=0.5, size=400) > 0).astype(float)
    coef, _ = harness._logistic(
        x, y, np.ones(400), ["lexical", "semantic", "level_gap"], c=1.0, intercept=False
    )
    assert coef[0] > 0.5
    assert coef[1] == pytest.approx(harness.FLOOR)
    assert coef[2] <= -harness.FLOOR


@pytest.mark.django_db
def test_the_vectorised_components_are_the_products_pair_by_pair():
    """The evaluation's matrices equal `ranking.score_one` for every pair of a small set."""
    data = runner.load_labelled_set()
    matcher, categories = file_skill_matcher(), file_skill_categories()
    jobs = [data.jobs[j] for j in list(data.jobs)[:3]]
    texts = [data.resumes[r] for r in list(data.resumes)[::20]]
    resumes = ranking.resume_features(texts, matcher)
    # The inputs tried as candidates (not in the product's score) are defined by the pure
    # functions of `levers`, which a product path would call.
    roles = [
        levers.eval_role(
            ranking.role_from_job_description(t, matcher, categories=categories), matcher
        )
        for t in jobs
    ]
    stats = ranking.pool_stats(resumes)
    assert any(len(role.expanded_query) > len(role.query) for role in roles)
    # Skills these ads list that the taxonomy does not know (`ranking.listed_skills`) count too.
    assert any(spec.skill_id < 0 for role in roles for spec in role.skills)
    reference = resumes[::2]
    raw = features.component_matrices(roles, resumes, stats, reference=reference)
    for j, role in enumerate(roles):
        for i, resume in enumerate(resumes):
            expanded = lexical.lexical_score(
                role.expanded_query, resume.terms, resume.n_terms, stats
            )
            assert raw["lexical_expanded"][j, i] == pytest.approx(expanded, abs=1e-4)
            section = levers.section_cosines(resume.vectors, role.line_vectors)
            assert section is not None
            cover, best = section
            assert raw["section"][j, i] == pytest.approx(cover, abs=1e-4)
            assert raw["section_top"][j, i] == pytest.approx(best, abs=1e-4)
    for j, role in enumerate(roles):
        for i, resume in enumerate(resumes):
            c = ranking.score_one(role, resume, stats).components
            assert raw["lexical"][j, i] == pytest.approx(c["lexical_raw"], abs=1e-4)
            assert raw["bm25"][j, i] == pytest.approx(c["bm25"], abs=1e-4)
            assert raw["semantic"][j, i] == pytest.approx(c["semantic_cosine"], abs=1e-4)
            assert raw["semantic_mean"][j, i] == pytest.approx(c["semantic_mean_cosine"], abs=1e-4)
            assert raw["skills"][j, i] == pytest.approx(c["skills"], abs=1e-4)
            for name, key in (("title", "title_cosine"), ("title_latest", "title_latest_cosine")):
                title = c[key]
                assert (np.isnan(raw[name][j, i]) and title is None) or raw[name][j, i] == (
                    pytest.approx(title, abs=1e-4)
                )
            gap = c["level_gap"]
            assert (np.isnan(raw["level_gap"][j, i]) and gap is None) or raw["level_gap"][
                j, i
            ] == gap
    # Each role's components standardised against the pool (here the resumes scored); the
    # raw values agree to 1e-4 (the product rounds its components), which a small spread
    # magnifies: a z of 32 off a spread of 0.004 moves by 0.01, hence the relative tolerance.
    keys = {
        "lexical": "lexical_raw",
        "semantic": "semantic_cosine",
        "semantic_mean": "semantic_mean_cosine",
        "title": "title_cosine",
        "skills": "skills",
        "title_latest": "title_latest_cosine",
    }
    pool = reference_pool.ReferencePool(
        reference, [scoring.text_is_readable(r.text) for r in reference]
    )
    for j, role in enumerate(roles):
        ref = reference_pool.role_stats(role, pool, stats)
        rows = [
            ranking.score_one(role, resume, stats, reference=ref).components for resume in resumes
        ]
        for name, key in keys.items():
            values = np.asarray([np.nan if c[key] is None else c[key] for c in rows], float)
            np.testing.assert_allclose(
                raw[f"{name}_rz"][j], levers.pool_z(values), atol=1e-2, equal_nan=True
            )
            np.testing.assert_allclose(
                raw[f"{name}_fz"][j],
                levers.reference_z(values, values[::2]),
                atol=1e-2,
                rtol=1e-3,
                equal_nan=True,
            )
            # ...and the product's own reading of its stored components, as re-weighting does
            # (the stored mean and spread are rounded to 4 decimals: within 1%).
            product = [ranker.standardised(c, name) for c in rows]
            np.testing.assert_allclose(
                raw[f"{name}_fz"][j],
                np.asarray([np.nan if v is None else v for v in product], float),
                rtol=1e-2,
                atol=1e-2,
                equal_nan=True,
            )


_QUICK: dict[str, Any] = {}


@pytest.fixture
def quick_run(shared_dir, django_db_blocker):
    """What CI runs: the fixed samples of all four sets (cached under var/eval-cache/), run once
    for the tests that read it."""
    if "data" not in _QUICK:
        out = io.StringIO()
        with django_db_blocker.unblock():
            call_command(
                "evaluate_ranking",
                "--quick",
                "--json",
                "--shared",
                str(shared_dir / "datasets"),
                stdout=out,
            )
        _QUICK["data"] = json.loads(out.getvalue())
    return _QUICK["data"]


def test_the_quick_run_reports_every_scorer_on_all_four_sets(quick_run):
    assert quick_run["skipped"] == []
    assert [s["name"] for s in quick_run["sets"]] == ["livecareer", "rjdb", "labelled", "vanetik"]
    for result in quick_run["sets"]:
        assert set(harness.BASELINES) <= set(result["ndcg"])
        for value in result["ndcg"].values():
            assert 0 < value <= 1
        lo, hi = result["interval"]
        assert lo <= result["diff"] <= hi
    rjdb = next(s for s in quick_run["sets"] if s["name"] == "rjdb")
    assert set(rjdb["extra"]["RoleMatch"]) == {"pairwise", "MRR", "recall@10"}
    livecareer = next(s for s in quick_run["sets"] if s["name"] == "livecareer")
    assert set(livecareer["groups"]) == {"jd", "onet"}


# Not met yet (docs/scoring.md, "The targets, plainly"): scoring version 18's quick form measures
# RoleMatch minus the best baseline at livecareer +0.099, rjdb +0.015, labelled -0.004 and Vanetik
# & Kogan -0.052 nDCG, and rjdb pairwise accuracy 0.930 (0.936 on all 1,000 jobs), not 0.95.
# Strict, so the day the scorer reaches the target this test fails until the marker goes.
@pytest.mark.xfail(
    strict=True,
    reason="issue #13 not met: quick form labelled -0.004, vanetik -0.052 nDCG below the best "
    "baseline, rjdb pairwise 0.930 < 0.95 (docs/scoring.md)",
)
def test_the_quick_run_puts_rolematch_at_or_above_the_best_baseline_on_every_set(quick_run):
    for result in quick_run["sets"]:
        best = result["best_baseline"]
        assert result["ndcg"]["RoleMatch"] >= result["ndcg"][best] - 1e-9, result["name"]
    rjdb = next(s for s in quick_run["sets"] if s["name"] == "rjdb")
    assert rjdb["extra"]["RoleMatch"]["pairwise"] >= 0.95


def test_held_out_a_livecareer_fit_reads_as_a_fit_and_an_unrelated_resume_does_not(quick_run):
    """Issue #13's item 3, on the quick sample: with the ranker and its calibration fitted
    without livecareer, the median same-category resume scores at least 70 for both kinds of
    query and the median unrelated one under 30."""
    livecareer = next(s for s in quick_run["sets"] if s["name"] == "livecareer")
    medians = livecareer["held_out_calibration"]
    assert set(medians) == {"jd", "onet"}
    for group in medians.values():
        assert group["same category"] >= 70
        assert group["unrelated"] < 30
        assert group["same category"] > group["neighbour"] > group["unrelated"]


def test_each_graded_set_reads_its_own_reliability_and_a_higher_band_means_likelier_fit(
    quick_run,
):
    by_set = quick_run["reliability_by_set"]
    assert set(by_set) == {"livecareer", "rjdb", "labelled"}
    for name, rows in by_set.items():
        shares = [row["fit share at even odds"] for row in rows]
        assert all(0.0 <= s <= 1.0 for s in shares), name
        assert shares[-1] > shares[0], name
        assert sum(row["pairs"] for row in rows) > 0


def test_pool_z_standardises_a_roles_component_within_its_pool():
    z = levers.pool_z(np.asarray([1.0, 2.0, 3.0, np.nan]))
    assert z[:3] == pytest.approx([-1.224745, 0.0, 1.224745], abs=1e-6)
    assert np.isnan(z[3])
    flat = levers.pool_z(np.asarray([0.4, 0.4, np.nan]))
    assert flat[:2].tolist() == [0.0, 0.0]
    assert np.isnan(flat[2])
    assert np.isnan(levers.pool_z(np.asarray([np.nan, np.nan]))).all()


def test_word_pairs_are_weighed_as_tfidf_over_the_reference_pool():
    """`levers.pair_vectors` is scikit-learn's TF-IDF (words and pairs, sublinear tf, smoothed
    idf) with its document frequencies from the reference pool, so texts made of the pool's own
    terms read the same through either."""
    pool = [
        "machine learning engineer who built data pipelines in python",
        "data engineer building pipelines with spark and python",
        "nurse on a surgical ward, patient care and medication",
        "accountant preparing ledgers and tax returns",
    ]
    weights = levers.pair_weights(pool)
    ours = levers.pair_vectors(pool, weights)
    theirs = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english").fit(pool)
    expected = theirs.transform(pool)
    np.testing.assert_allclose(
        (ours @ ours.T).toarray(), (expected @ expected.T).toarray(), atol=1e-9
    )
    # A term no reference resume uses weighs the most; unrelated texts share nothing.
    hasher, idf = weights
    (kubernetes,) = hasher.transform(["kubernetes"]).indices
    (python,) = hasher.transform(["python"]).indices
    assert idf[kubernetes] == idf.max() > idf[python]
    unseen = levers.pair_vectors(["kubernetes operator"], weights)
    assert (ours[2] @ unseen.T).toarray()[0, 0] == 0.0


ASKING_AD = """Help Desk Administrator

Requirements
- A minimum of 3 years experience as a Help Desk Administrator
- Prior experience as a QA Engineer
- Good working knowledge of operating systems such as Windows

Nice to have
- 2+ years working as an Application Engineer, or similar
"""


def test_the_experience_an_ad_asks_for_is_read_with_its_years():
    asks = {s.name: s for s in job_description.asked_experience(ASKING_AD)}
    assert set(asks) == {"Help Desk Administrator", "QA Engineer", "Application Engineer"}
    desk, qa, app = (
        asks[n] for n in ("Help Desk Administrator", "QA Engineer", "Application Engineer")
    )
    assert (desk.min_years, desk.weight) == (3, ranking.LISTED_REQUIRED_WEIGHT)
    assert (qa.min_years, qa.weight) == (None, ranking.LISTED_REQUIRED_WEIGHT)
    assert (app.min_years, app.weight) == (2, ranking.LISTED_OPTIONAL_WEIGHT)
    # Never a taxonomy id, never one of a list item's ids.
    assert all(s.skill_id <= -101 for s in asks.values())
    # "such as Windows" names an example, not a job; a paragraph outside the requirements asks
    # nothing.
    assert not job_description.asked_experience(
        "We work as a team. 5 years as a nurse would be great."
    )


def test_the_skills_matrix_reads_the_asked_experience_as_the_product_scores_it():
    """Since round thirteen the product's skills include the jobs an ad asks for, with their
    years: `features.skills_matrix` equals `ranking.score_one`'s coverage pair by pair, the
    years coming from the line naming the job."""
    matcher = file_skill_matcher()
    # Long enough to read (`scoring.text_is_readable`), so a job not named is a miss.
    about = (
        "\nSummary\nA calm and careful colleague who keeps records tidy, answers questions "
        "patiently, writes clear notes for the next shift, and likes to learn from the people "
        "around her every single working day.\n"
    )
    texts = [
        "Jo Smith" + about + "Experience\n- Help Desk Administrator (2012 - 2015)\n"
        "- QA Engineer (2010 - 2012)",
        "Al Jones" + about + "Experience\n- Help Desk Administrator (2013 - 2015)\n"
        "- QA Engineer (2010 - 2013)",
        "Bo Brown" + about + "Experience\n- Nurse (2010 - 2015)",
    ]
    resumes = ranking.resume_features(texts, matcher)
    role = levers.eval_role(ranking.role_from_job_description(ASKING_AD, matcher), matcher)
    asked = {s.name: s.min_years for s in role.skills if s.skill_id <= -101}
    assert asked["Help Desk Administrator"] == 3
    raw = features.skills_matrix([role], resumes)[0]
    stats = ranking.pool_stats(resumes)
    for i, resume in enumerate(resumes):
        c = ranking.score_one(role, resume, stats).components
        assert raw[i] == pytest.approx(c["skills"], abs=1e-4)
    # Three years as asked beats two; a nurse has none of it.
    assert raw[0] > raw[1] > raw[2]
    evidence = {e.name: e for e in ranking.score_one(role, resumes[0], stats).evidence}
    desk = evidence["Help Desk Administrator"]
    assert (desk.status, desk.years, desk.min_years) == (scoring.FOUND, 3.0, 3)


def test_the_must_haves_input_is_the_coverage_of_the_required_skills_alone():
    """Round forty-six's lever: `skills_matrix(skills="musts")` is the product's coverage of a
    role holding only the ad's must-haves, pair by pair; NaN for a role that requires nothing."""
    matcher = file_skill_matcher()
    ad = (
        "Data Analyst\n\nRequirements\n- SQL is required\n- Tableau is required\n\n"
        "Nice to have\n- Python\n- Looker\n"
    )
    role = levers.eval_role(ranking.role_from_job_description(ad, matcher), matcher)
    required = [s for s in role.skills if s.must_have]
    assert {s.name for s in required} == {"SQL", "Tableau"}
    assert any(not s.must_have for s in role.skills)
    about = (
        "\nSummary\nA calm and careful analyst who keeps records tidy, answers questions "
        "patiently, writes clear notes for the next person, and likes to learn from the people "
        "around her every single working day.\n"
    )
    texts = [
        "Jo Smith" + about + "Skills\n- SQL, Tableau",
        "Al Jones" + about + "Skills\n- SQL, Python, Looker",
        "Bo Brown" + about + "Skills\n- Python, Looker",
    ]
    resumes = ranking.resume_features(texts, matcher)
    musts = features.skills_matrix([role], resumes, skills="musts")[0]
    only_required = dataclasses.replace(role, skills=required)
    np.testing.assert_allclose(musts, features.skills_matrix([only_required], resumes)[0])
    # Both requirements, one, none: the nice-to-haves count nothing here.
    assert musts.tolist() == [1.0, 0.5, 0.0]
    nothing_required = dataclasses.replace(role, skills=[s for s in role.skills if not s.must_have])
    assert np.isnan(features.skills_matrix([nothing_required], resumes, skills="musts")).all()


def test_the_skills_matrix_finds_listed_skills_on_lines_as_the_product_does():
    """`features.skills_matrix` equals `ranking.score_one`'s coverage pair by pair where an ad's
    listed skill is named on one line, wrapped over two, or only scattered over the resume."""
    matcher = file_skill_matcher()
    about = (
        "\nSummary\nA calm and careful colleague who keeps records tidy, answers questions "
        "patiently, writes clear notes for the next shift, and likes to learn from the people "
        "around her every single working day.\n"
    )
    ad = "Warehouse Lead\n\nRequirements\n- Yard scheduling\n- Dock rotas\n"
    texts = [
        "Jo Smith" + about + "Experience\n- Yard scheduling for 30 docks\n- Weekly dock rotas",
        "Al Jones" + about + "Experience\n- Cleared the yard\n- Dock work\n- Staff scheduling",
        "Bo Brown" + about + "Experience\n- Planned yard\nscheduling and the weekly\nrotas",
    ]
    resumes = ranking.resume_features(texts, matcher)
    role = levers.eval_role(ranking.role_from_job_description(ad, matcher), matcher)
    assert [s.name for s in role.skills if s.skill_id < 0] == ["Yard scheduling", "Dock rotas"]
    raw = features.skills_matrix([role], resumes)[0]
    stats = ranking.pool_stats(resumes)
    for i, resume in enumerate(resumes):
        assert raw[i] == pytest.approx(
            ranking.score_one(role, resume, stats).components["skills"], abs=1e-4
        )
    # Both named; neither (the words only scattered); the first wrapped over two lines.
    assert raw[0] > raw[2] > raw[1]


def test_a_monotone_curve_is_a_sum_of_segments_that_adds_up_to_the_input():
    """Round seven's `harness.segments`: one column a segment between the knots; positive
    weights make an increasing curve, and equal weights the straight line itself."""
    z = np.linspace(-4.0, 5.0, 91)
    cols = harness.segments(z)
    assert cols.shape == (91, len(harness.KNOTS) + 1)
    np.testing.assert_allclose(cols.sum(axis=1), z, atol=1e-12)
    curve = cols @ np.asarray([0.1, 0.3, 0.5, 1.2, 0.05])
    assert (np.diff(curve) > 0).all()
    # Steeper between 1 and 2 standard deviations than between -1 and 0.
    slope = np.diff(curve) / np.diff(z)
    assert slope[(z[1:] > 1) & (z[1:] <= 2)].min() > slope[(z[1:] > -1) & (z[1:] <= 0)].max()


def _synthetic_set(name: str, rng: np.random.Generator, *, axis: str = "row") -> harness.SetData:
    """Jobs x resumes whose grade follows `a` (with `b` as noise): a set a ranker should learn."""
    n_jobs, n_resumes = 12, 60
    a = rng.normal(size=(n_jobs, n_resumes))
    b = rng.normal(size=(n_jobs, n_resumes))
    queries = []
    for j in range(n_jobs):
        top = np.argsort(-a[j])
        grades = {int(i): 2.0 for i in top[:5]} | {int(i): 1.0 for i in top[5:10]}
        queries.append(sets.Query(f"{name}{j}", axis, j, grades))
    evalset = sets.EvalSet(name, [""] * n_jobs, [""] * n_resumes, queries)
    return harness.SetData(evalset, {"a": a, "b": b}, {})


def test_the_calibrations_loss_query_by_query_averages_to_the_sets():
    """`harness.even_odds_query_losses` is what the calibration's paired comparison reads: its
    mean must be the set's log loss, or the incumbent rule would weigh another quantity."""
    rng = np.random.default_rng(5)
    sd = _synthetic_set("one", rng)
    scores = 100.0 / (1.0 + np.exp(-sd.raw["a"]))
    losses = harness.even_odds_query_losses(sd, scores)
    assert len(losses) == len(sd.evalset.queries)
    assert losses.mean() == pytest.approx(harness.even_odds_log_loss(sd, scores), rel=1e-9)
    # A score that follows the grades loses less than one that ignores them.
    flat = harness.even_odds_query_losses(sd, np.full_like(scores, 50.0))
    assert losses.mean() < flat.mean()


def test_reciprocal_rank_fusion_ranks_within_each_query_and_puts_a_missing_value_last():
    """Round eight's `harness.rank_fusion`: ranks are taken along the query's axis, so a job
    ranked against other jobs (Vanetik & Kogan's queries) is ranked down its column."""
    a = np.asarray([[3.0, 1.0, 2.0], [0.0, 5.0, np.nan]])
    b = np.asarray([[1.0, 0.0, 2.0], [9.0, 8.0, 7.0]])
    by_row = harness.SetData(
        sets.EvalSet("r", ["", ""], ["", "", ""], [sets.Query("q", "row", 0, {0: 1.0})]),
        {"a": a, "b": b},
        {},
    )
    fused = harness.rank_fusion(by_row, ("a", "b"))
    k = harness.RRF_K
    assert fused[0, 0] == pytest.approx(1 / (k + 1) + 1 / (k + 2))
    assert fused[0, 1] == pytest.approx(1 / (k + 3) + 1 / (k + 3))
    assert fused[1, 2] == pytest.approx(1 / (k + 3) + 1 / (k + 3))  # no value: last on `a`
    by_col = harness.SetData(
        sets.EvalSet("c", ["", ""], ["", "", ""], [sets.Query("q", "col", 0, {0: 1.0})]),
        {"a": a, "b": b},
        {},
    )
    fused = harness.rank_fusion(by_col, ("a", "b"))
    # Column 0: job 0 is first on `a` (3 > 0), job 1 first on `b` (9 > 1): a tie.
    assert fused[0, 0] == pytest.approx(fused[1, 0])
    assert fused[1, 1] > fused[0, 1]


def test_lambdarank_learns_a_held_out_ranking_and_never_lowers_a_score_for_more_of_the_role(
    monkeypatch: pytest.MonkeyPatch,
):
    """Round eight's boosted trees (`harness.TreeRanker`): fitted on three sets, they rank the
    fourth by the input that decides its grades, and the sign constraint (`harness.SIGNS`, here
    given to `a`) keeps the score from falling as that input rises."""
    rng = np.random.default_rng(5)
    train_sets = [_synthetic_set(n, rng) for n in ("one", "two", "three")]
    held = _synthetic_set("held", rng)
    design = harness.Design(features=("a", "b"), objective="lambdarank")
    monkeypatch.setitem(harness.SIGNS, "a", 1)
    model = harness.fit(train_sets, design)
    assert isinstance(model, harness.TreeRanker)
    ndcg = harness.per_query(held.evalset, harness.fused_matrix(held, model))[0].mean()
    noise = harness.per_query(held.evalset, held.raw["b"])[0].mean()
    assert ndcg > 0.9 > noise
    x = np.stack([np.linspace(-3, 3, 200), np.full(200, 0.4)], axis=1)
    assert (np.diff(model.fused(x)) >= 0).all()
    # Where the grades fall as `a` rises, an unconstrained fit would lower the score with it;
    # held to its sign, the score never falls.
    for sd in train_sets:
        sd.raw["a"] = -sd.raw["a"]
    against = harness.fit(train_sets, design)
    assert (np.diff(against.fused(x)) >= 0).all()
    assert not design.product_reads
    # Nothing is fitted for rank fusion; leave-one-set-out scores it as it stands.
    fusion = harness.Design(features=("a", "b"), objective="rrf")
    with pytest.raises(ValueError, match="fits nothing"):
        harness.fit(train_sets, fusion)
    held_out = harness.loso([*train_sets, held], fusion)
    np.testing.assert_allclose(held_out["held"], harness.rank_fusion(held, ("a", "b")))


def test_a_set_left_out_of_the_fit_adds_nothing_to_it_and_the_evaluation_knows():
    """Round nine's `Design.unfitted`: the fit reads only the other sets, the model says which,
    and `evaluate_ranking` rebuilds the same design from the model file."""
    rng = np.random.default_rng(7)
    fitted = [_synthetic_set(n, rng) for n in ("one", "two")]
    noisy = _synthetic_set("noisy", rng)
    noisy.raw["a"], noisy.raw["b"] = noisy.raw["b"], noisy.raw["a"]  # its grades follow `b`
    design = harness.Design(features=("a", "b"), unfitted=("noisy",))
    model = harness.fit([*fitted, noisy], design)
    alone = harness.fit(fitted, harness.Design(features=("a", "b")))
    assert model.meta["sets"] == ["one", "two"]
    np.testing.assert_allclose(model.coef, alone.coef)
    assert (
        harness.fit([*fitted, noisy], harness.Design(features=("a", "b"))).coef[1] > (model.coef[1])
    )
    assert "not fitted on noisy" in design.label
    assert pipeline._design_args(model)["unfitted"] == ("noisy",)


def test_a_challenger_replaces_the_incumbent_design_only_outside_the_noise():
    """`harness.choose_design`: the best mean held-out nDCG wins only when its paired bootstrap
    interval over the incumbent lies above zero."""
    rng = np.random.default_rng(11)
    data = [_synthetic_set(n, rng) for n in ("one", "two", "three")]
    noise = harness.Design(features=("b",))
    signal = harness.Design(features=("a",))
    chosen, table = harness.choose_design(
        data, [noise, signal], log=lambda m: None, incumbent=noise
    )
    assert chosen == signal
    assert [d for d, _ in table] == [noise, signal]
    # Two copies of the deciding input with noise of the same size: equally good by
    # construction, so whichever reads a little higher here is no better.
    for sd in data:
        sd.raw["c"] = sd.raw["a"] + rng.normal(scale=0.7, size=sd.raw["a"].shape)
        sd.raw["d"] = sd.raw["a"] + rng.normal(scale=0.7, size=sd.raw["a"].shape)
    held, twin = harness.Design(features=("c",)), harness.Design(features=("d",))
    said: list[str] = []
    chosen, table = harness.choose_design(data, [held, twin], log=said.append, incumbent=held)
    assert np.mean(list(table[1][1].values())) > np.mean(list(table[0][1].values()))
    assert chosen == held
    assert said[-1].endswith("inside the noise, so the incumbent stays.")
    # With no incumbent among the designs, the best mean wins as before.
    chosen, _ = harness.choose_design(data, [noise, signal], log=lambda m: None, incumbent=held)
    assert chosen == signal
    # A design with the no-title flag is scored for the record but never chosen, whatever its
    # lead: it gives a resume whose titles cannot be read a part of its own.
    for sd in data:
        sd.raw["title"] = sd.raw["a"].copy()
    flagged = harness.Design(features=("a", "title_missing"))
    chosen, table = harness.choose_design(
        data, [noise, flagged], log=lambda m: None, incumbent=noise
    )
    assert np.mean(list(table[1][1].values())) > np.mean(list(table[0][1].values()))
    assert chosen == noise


def test_the_evaluation_remembers_each_text_the_model_read(tmp_path, monkeypatch):
    """A change of reading re-reads resumes but sends the model only texts it never saw."""
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path)
    cache._embeddings_folder.cache_clear()
    sent: list[list[str]] = []
    real = embeddings.embed_texts

    def counting(texts, **kwargs):
        sent.append(list(texts))
        return real(texts, **kwargs)

    monkeypatch.setattr(embeddings, "embed_texts", counting)
    try:
        first = cache.embed_texts(["Payroll clerk", "Line cook", "Payroll clerk"])
        second = cache.embed_texts(["Line cook", "Welder", "Payroll clerk"])
    finally:
        cache._embeddings_folder.cache_clear()
    assert sent == [["Payroll clerk", "Line cook"], ["Welder"]]
    assert np.array_equal(first[1].vectors, second[0].vectors)
    assert np.array_equal(first[0].vectors, first[2].vectors)
    assert np.allclose(second[1].vectors, real(["Welder"])[0].vectors)


def test_features_read_with_another_taxonomy_are_cached_apart(tmp_path, monkeypatch):
    # Mentions are stored by skill id: a bootstrapped dev database numbers its skills otherwise
    # than the files, and reading the files' cache with its ids would credit the wrong skills.
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path)
    files = file_skill_matcher()
    renumbered = SkillMatcher(
        [(10_000 + i, sp[0], sp[1:]) for i, sp in enumerate(files.spellings.values())]
    )
    assert cache._features_folder(files) != cache._features_folder(renumbered)
    assert cache._features_folder(files) == cache._features_folder(file_skill_matcher())


def test_the_evaluation_reads_a_resumes_present_as_of_its_files_date_as_intake_does(
    tmp_path, monkeypatch
):
    """The same text saved on two days reads two lengths of experience, each cached apart."""
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path)
    cache._embeddings_folder.cache_clear()
    text = "Experience\nPayroll Clerk, Harbour Works, March 2019 - Present\nWeekly payroll.\n"
    matcher = file_skill_matcher()
    try:
        saved, undated, again = cache.resume_features(
            [text, text, text],
            matcher,
            written=["2021-08-08", "", "2021-08-08"],
            log=lambda m: None,
        )
    finally:
        cache._embeddings_folder.cache_clear()
    assert saved.total_years == 2.5  # March 2019 to August 2021
    assert again.total_years == 2.5
    product = ranking.resume_features([text], matcher, written=[date(2021, 8, 8)])[0]
    assert product.total_years == saved.total_years
    assert undated.total_years == ranking.resume_features([text], matcher)[0].total_years
    assert undated.total_years is not None
    assert undated.total_years > 5


def test_a_roles_spread_is_floored_at_a_share_of_the_average_roles():
    sd = np.array([[0.0035], [0.2], [0.0]])
    floored = levers.floored_sd("skills", sd, 0.5)
    average = levers.AVERAGE_ROLE_SD["skills"]
    assert floored[0, 0] == pytest.approx(0.5 * average)
    assert floored[1, 0] == 0.2
    assert floored[2, 0] == pytest.approx(0.5 * average)
