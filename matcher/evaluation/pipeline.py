"""Loading the four sets and running the evaluation or the training over them (no Django)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher import ranker as ranker_mod
from matcher.evaluation import harness, sets

SET_NAMES = ("livecareer", "rjdb", "labelled", "vanetik")


def load(
    names: Sequence[str],
    *,
    quick: bool,
    matcher: Any,
    categories: Any,
    shared: Path = sets.SHARED,
    per_category: int | None = None,
    log: Callable[[str], None] = print,
) -> tuple[list[harness.SetData], list[str]]:
    """Each named set built through intake; sets whose shared folder is absent are skipped."""
    out, skipped = [], []
    for name in names:
        loader = sets.LOADERS[name]
        if name != "labelled" and not shared.is_dir():
            skipped.append(f"{name}: {shared} is absent")
            continue
        started = time.monotonic()
        if name == "labelled":
            evalset = loader(quick=quick, log=log)
        elif name == "livecareer":
            evalset = sets.livecareer(shared, quick=quick, per_category=per_category, log=log)
        else:
            evalset = loader(shared, quick=quick, log=log)
        data = harness.build(evalset, matcher, categories, log=log)
        seconds = time.monotonic() - started
        log(f"{name}: {len(evalset.jobs)} jobs, {len(evalset.resumes)} resumes, {seconds:.0f} s")
        out.append(data)
    return out, skipped


def rolematch_matrix(sd: harness.SetData, model: ranker_mod.Ranker) -> np.ndarray:
    """The product's score (0-100) for every pair."""
    return np.asarray(model.calibrated(harness.fused_matrix(sd, model)))


HELD_OUT = "RoleMatch"
FITTED = "RoleMatch (fitted on all sets)"
V3 = "RoleMatch v3"


def evaluate(
    data: Sequence[harness.SetData], model: ranker_mod.Ranker, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Every scorer on every set; RoleMatch as each set sees it when held out of the fit (the
    committed design fitted on the other sets), beside the committed model itself."""
    design = harness.Design(features=tuple(model.features), **_design_args(model))
    held = harness.loso(data, design) if len(data) > 1 else {}
    how = harness.Calibration(**model.meta.get("calibration_design", {}))
    names = {sd.evalset.name for sd in data}
    # The medians as a set never seen by the fit or the calibration reads them.
    held_scores = (
        harness.held_out_scores(data, design, how, only="livecareer")
        if "livecareer" in names and len(names & {"rjdb", "labelled"}) > 0
        else {}
    )
    reports, diffs = [], []
    for sd in data:
        name = sd.evalset.name
        fitted = rolematch_matrix(sd, model)
        scorers = {b: sd.baselines[b] for b in harness.BASELINES}
        scorers[V3] = sd.baselines["RoleMatch v3"]
        scorers[FITTED] = fitted
        scorers[HELD_OUT] = held.get(name, fitted)
        rep, per = harness.report_set(sd, scorers)
        fitted_diff = per[FITTED] - per[rep.best_baseline]
        reports.append(
            {
                "report": rep,
                "fitted_diff": float(fitted_diff.mean()),
                "fitted_interval": harness.bootstrap_interval([fitted_diff]),
                "calibration": calibration_check(sd, fitted) if name == "livecareer" else None,
                "held_out_calibration": (
                    calibration_check(sd, held_scores[name]) if name == "livecareer" else None
                ),
            }
        )
        diffs.append(per[HELD_OUT] - per[rep.best_baseline])
    mean_diff = float(np.mean([d.mean() for d in diffs])) if diffs else 0.0
    return {
        "sets": reports,
        "mean_diff": mean_diff,
        "mean_interval": harness.bootstrap_interval(diffs) if diffs else (0.0, 0.0),
        "reliability": reliability(data, model),
        # Pooled, the table is rjdb's (1,000 of its queries): each kind of pool on its own too.
        "reliability_by_set": {
            sd.evalset.name: reliability([sd], model) for sd in data if sd.evalset.name != "vanetik"
        },
        "model": model.meta.get("design", ""),
    }


def _design_args(model: ranker_mod.Ranker) -> dict[str, Any]:
    label = str(model.meta.get("design", "pairwise C=1.0"))
    objective, c = label.split()[0], float(label.split()[1].removeprefix("C="))
    return {"objective": objective, "c": c, "unfitted": tuple(model.meta.get("unfitted", ()))}


def calibration_check(sd: harness.SetData, scores: np.ndarray) -> dict[str, dict[str, float]]:
    return harness.category_medians(sd, scores)


BINS = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01)


def reliability(data: Sequence[harness.SetData], model: ranker_mod.Ranker) -> list[dict[str, Any]]:
    """Per band of the calibrated score: pairs, the share that are fits, and the share at even
    odds (fits and non-fits of each query weighted equally, the calibration's own reading)."""
    rows: list[dict[str, Any]] = []
    xs, rel = [], []
    for sd in data:
        if sd.evalset.name == "vanetik":
            continue
        scores = rolematch_matrix(sd, model)
        top = harness._max_grade(sd.evalset)
        for q in sd.evalset.queries:
            row = scores[q.index]
            r = np.zeros(len(row))
            for i, g in q.grades.items():
                r[i] = g / top
            pos, neg = r.sum(), (1 - r).sum()
            if not pos or not neg:
                continue
            xs.append(row)
            rel.append(r)
    if not xs:
        return rows
    x, r_all = np.concatenate(xs), np.concatenate(rel)
    for lo, hi in itertools.pairwise(BINS):
        mask = (x >= lo) & (x < hi)
        if not mask.any():
            continue
        # even odds: each query's fits weigh 1 in total, its non-fits 1 in total
        num = den = 0.0
        for row_r, row_x in zip(rel, xs, strict=True):
            m = (row_x >= lo) & (row_x < hi)
            if m.any():
                pos, neg = row_r.sum(), (1 - row_r).sum()
                num += (row_r[m] / pos).sum()
                den += (row_r[m] / pos).sum() + ((1 - row_r[m]) / neg).sum()
        rows.append(
            {
                "band": f"{lo:g}-{min(hi, 100):g}",
                "pairs": int(mask.sum()),
                "fit share": float(r_all[mask].mean()),
                "fit share at even odds": num / den if den else float("nan"),
                "mean score": float(x[mask].mean()),
            }
        )
    return rows


def format_results(results: dict[str, Any]) -> str:
    lines = []
    for item in results["sets"]:
        rep = item["report"]
        lines.append(
            f"{rep.name}: {rep.queries} queries x {rep.documents} documents"
            + (f" ({rep.refused} files refused by intake)" if rep.refused else "")
        )
        lines.append(f"  ({rep.note})")
        extra_names = list(next(iter(rep.extra.values())).keys()) if rep.extra else []
        head = f"  {'scorer':<32}{f'nDCG@{rep.k}':>9}{'MAP':>8}" + "".join(
            f"{n:>11}" for n in extra_names
        )
        groups = list(rep.groups)
        head += "".join(f"{'nDCG ' + g:>12}" for g in groups)
        lines.append(head)
        for name in rep.ndcg:
            line = f"  {name:<32}{rep.ndcg[name]:>9.3f}{rep.map[name]:>8.3f}"
            line += "".join(f"{rep.extra[name][n]:>11.3f}" for n in extra_names)
            line += "".join(f"{rep.groups[g][name]:>12.3f}" for g in groups)
            lines.append(line)
        lo, hi = rep.interval
        lines.append(
            f"  RoleMatch - best baseline ({rep.best_baseline}), nDCG@{rep.k}: {rep.diff:+.3f} "
            f"(95% bootstrap interval {lo:+.3f} to {hi:+.3f}); fitted on all sets: "
            f"{item['fitted_diff']:+.3f} ({item['fitted_interval'][0]:+.3f} to "
            f"{item['fitted_interval'][1]:+.3f})"
        )
        for key, how in (("held_out_calibration", "held out"), ("calibration", "fitted on all")):
            for group, medians in (item.get(key) or {}).items():
                parts = ", ".join(f"{k} {v:.0f}" for k, v in medians.items())
                lines.append(f"  median score ({how}), {group} queries: {parts}")
        lines.append("")
    lo, hi = results["mean_interval"]
    lines.append(
        f"Mean over the sets of RoleMatch - best baseline (nDCG): {results['mean_diff']:+.3f} "
        f"(95% bootstrap interval {lo:+.3f} to {hi:+.3f})"
    )
    lines.append(f"Ranker: {results['model']}")
    if results["reliability"]:
        lines.append("Reliability of the calibrated score (livecareer, rjdb, labelled):")
        lines.append(f"  {'band':<10}{'pairs':>9}{'mean':>8}{'fit share':>11}{'at even odds':>14}")
        for row in results["reliability"]:
            lines.append(
                f"  {row['band']:<10}{row['pairs']:>9}{row['mean score']:>8.1f}"
                f"{row['fit share']:>11.3f}{row['fit share at even odds']:>14.3f}"
            )
    by_set = results.get("reliability_by_set") or {}
    if by_set:
        lines.append("Fit share at even odds per band of the calibrated score, each set alone:")
        bands = [row["band"] for row in results["reliability"]]
        lines.append(f"  {'set':<12}" + "".join(f"{b:>8}" for b in bands))
        for name, rows in by_set.items():
            share = {row["band"]: row["fit share at even odds"] for row in rows}
            lines.append(
                f"  {name:<12}"
                + "".join(f"{share[b]:>8.2f}" if b in share else f"{'-':>8}" for b in bands)
            )
    return "\n".join(lines)


def as_json(results: dict[str, Any], skipped: Sequence[str], seconds: float) -> dict[str, Any]:
    sets_out = []
    for item in results["sets"]:
        rep = item["report"]
        sets_out.append(
            {
                "name": rep.name,
                "queries": rep.queries,
                "documents": rep.documents,
                "k": rep.k,
                "refused": rep.refused,
                "ndcg": rep.ndcg,
                "map": rep.map,
                "extra": rep.extra,
                "groups": rep.groups,
                "best_baseline": rep.best_baseline,
                "diff": rep.diff,
                "interval": list(rep.interval),
                "fitted_diff": item["fitted_diff"],
                "fitted_interval": list(item["fitted_interval"]),
                "calibration": item["calibration"],
                "held_out_calibration": item["held_out_calibration"],
            }
        )
    return {
        "sets": sets_out,
        "mean_diff": results["mean_diff"],
        "mean_interval": list(results["mean_interval"]),
        "reliability": results["reliability"],
        "reliability_by_set": results.get("reliability_by_set", {}),
        "model": results["model"],
        "skipped": list(skipped),
        "seconds": seconds,
    }
