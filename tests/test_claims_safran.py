"""safran2022 claim predicates and regime checks on constructed tables: each predicate where it must pass and
where it must fail, each regime check on a table that is in and one that is out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from depth2.claims import CHECK, INCONCLUSIVE, NOT_SUPPORTED, OBSERVATION, SUPPORTED, TEST, check_coverage
from depth2.config import load_schema
from depth2.papers.safran2022 import claims as C

# the schema's defaults (the bounds a run gets when the config leaves them out)
BOUNDS = {k: v["default"] for k, v in
          load_schema()["properties"]["safran2022"]["properties"]["bounds"]["properties"].items()}
CONV = {"converged": True, "steps": 800, "max_steps": 5000, "rel_decrease": 1e-3, "grad_norm": 1e-3}


def _claim(short: str):
    return next(c for c in C.CLAIMS if c.id == f"safran2022.{short}")


def _regime(short: str, tables, bounds=BOUNDS) -> list[str]:
    return _claim(short).regime.shortfalls(tables, bounds)


def test_bounds_are_the_pre_registered_values():
    assert BOUNDS == {"strong_fraction": 0.5, "weak_min_d": 10, "n_per_width": 10, "width_per_d": 20,
                      "min_clipped": 0.05, "min_seeds": 2}


def test_kinds_falsifiers_and_coverage():
    kinds = {c.short: c.kind for c in C.CLAIMS}
    assert kinds == {"strong_learns": TEST, "strong_beats_weak": OBSERVATION, "movement_bound": CHECK,
                     "clipped_beats_linear": TEST}
    assert all(c.falsifier for c in C.CLAIMS if c.kind == TEST)
    assert check_coverage(C.CLAIMS, C.COVERAGE) == []


def _strong(top: float, *, n: int = 5000, d: int = 10, converged: bool = True, top_width: int = 400) -> pd.DataFrame:
    rows = []
    for law in ("cauchy", "sphere_sum"):
        for width, v in ((100, 0.8), (200, 0.6), (top_width, top)):
            rows += [{"law": law, "d": d, "width": width, "n": n, "learner": "strong_net", "replicate": r,
                      "rel_mse": v * (1 + 0.02 * r), **CONV, "converged": converged} for r in range(3)]
    return pd.DataFrame(rows)


def test_strong_learns_passes_and_fails():
    assert C.strong_learns({"strong_vs_width": _strong(0.2)}, BOUNDS).verdict == SUPPORTED
    assert C.strong_learns({"strong_vs_width": _strong(0.9)}, BOUNDS).verdict == NOT_SUPPORTED


def test_strong_learns_falsifier_one_step_further_in_d():
    """The falsifier: d = 5 and 10 pass, but at d = 20 (r = 800, n = 8000: the design's rule one step further)
    the interval lies above strong_fraction -> not supported, decided by d = 20."""
    df = pd.concat([_strong(0.06, d=5, top_width=200), _strong(0.2),
                    _strong(0.55, d=20, n=8000, top_width=800)], ignore_index=True)
    ev = C.strong_learns({"strong_vs_width": df}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED
    assert ev.observed.startswith("decided by: cauchy d=20 r=800: 0.561 (")
    assert "other points: cauchy d=5" in ev.observed
    ev, regime = _claim("strong_learns").evaluate({"strong_vs_width": df}, BOUNDS)
    assert (ev.verdict, regime) == (NOT_SUPPORTED, "in")


def test_strong_learns_regime_in_and_out():
    assert _regime("strong_learns", {"strong_vs_width": _strong(0.2)}) == []
    out = _regime("strong_learns", {"strong_vs_width": _strong(0.2, converged=False)})
    assert len(out) == 1 and "strong_net: 6 of 6 fits unconverged" in out[0]
    out = _regime("strong_learns", {"strong_vs_width": _strong(0.2, n=3000)})
    assert out == ["n / r = 7.5 < 10 at n=3000, r=400 (6 of 6 fits)"]
    out = _regime("strong_learns", {"strong_vs_width": _strong(0.2, d=40)})
    assert out == ["r = 400 < 20 d = 800 at d=40"]
    one_seed = _strong(0.2).query("replicate == 0")
    assert _regime("strong_learns", {"strong_vs_width": one_seed}) == ["2 of 2 points have < 2 seeds (fewest: 1)"]
    assert C.strong_learns({"strong_vs_width": one_seed}, BOUNDS).verdict == INCONCLUSIVE
    assert _claim("strong_learns").regime.text(BOUNDS) == (
        "every strong_net fit read converged; n >= 10 r; r >= 20 d; >= 2 seeds per (law, d)")
    # through Claim.evaluate: out of regime is inconclusive, naming the shortfall and the predicate alone
    ev, regime = _claim("strong_learns").evaluate({"strong_vs_width": _strong(0.9, converged=False)}, BOUNDS)
    assert ev.verdict == INCONCLUSIVE and regime.startswith("out: strong_net: 6 of 6 fits unconverged")
    assert "would say not supported" in ev.reason


def _weak(strong: float, *, converged: bool = True, shared: bool = True) -> pd.DataFrame:
    rows = []
    for d in (5, 10):
        for learner, v in (("strong_net", strong), ("weak_net", 0.6), ("weak_net_relu", 0.55), ("rf_ridge", 0.5)):
            conv = {} if learner == "rf_ridge" else {**CONV, "converged": converged}
            rows += [{"d": d, "width": 400, "n": 5000, "learner": learner, "replicate": r,
                      "rel_mse": v * (1 + 0.03 * r),
                      "features_id": f"f{r}" if shared or learner != "rf_ridge" else f"g{r}", **conv}
                     for r in range(3)]
    return pd.DataFrame(rows)


def test_strong_beats_weak_passes_and_fails():
    assert C.strong_beats_weak({"weak_vs_strong": _weak(0.2)}, BOUNDS).verdict == SUPPORTED
    ev = C.strong_beats_weak({"weak_vs_strong": _weak(0.9)}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED and "d=5" not in ev.observed  # only d >= weak_min_d is read
    # a strong net between the weak learners: beaten by rf_ridge only -> not supported, decided by rf_ridge
    ev = C.strong_beats_weak({"weak_vs_strong": _weak(0.52)}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED and ev.observed.startswith("decided by: d=10 strong / rf_ridge")


def test_n_per_width_reads_the_fitted_width_where_the_table_has_no_width_label():
    """weak_vs_strong and output_ablation label points by d or law only: the regime reads the strong net's fitted
    width (``fit_width``) there; before issue 27 the check silently passed on those tables."""
    low = _weak(0.2).drop(columns="width").assign(fit_width=400, n=3000)
    assert _regime("strong_beats_weak", {"weak_vs_strong": low}) == ["n / r = 7.5 < 10 at n=3000, r=400 (3 of 3 fits)"]
    low = _ablation(0.2).drop(columns="width").assign(fit_width=400, n=3000)
    assert _regime("clipped_beats_linear", {"output_ablation": low}) == [
        "n / r = 7.5 < 10 at n=3000, r=400 (12 of 12 fits)"]


def test_strong_beats_weak_regime_in_and_out():
    assert _regime("strong_beats_weak", {"weak_vs_strong": _weak(0.2)}) == []
    out = _regime("strong_beats_weak", {"weak_vs_strong": _weak(0.2, converged=False)})
    assert [s.split(":")[0] for s in out] == ["strong_net", "weak_net", "weak_net_relu"]  # rf_ridge: closed form
    out = _regime("strong_beats_weak", {"weak_vs_strong": _weak(0.2, shared=False)})
    assert out == ["strong_net and rf_ridge draw different hidden layers at 3 of 3 (point, seed) pairs"]
    out = _regime("strong_beats_weak", {"weak_vs_strong": _weak(0.2)}, {**BOUNDS, "weak_min_d": 20})
    assert out == ["no d >= weak_min_d = 20", "no rows (needs >= 2 seeds per point)"]


def _movement(scale: float, mse: float, diverged: bool = False) -> pd.DataFrame:
    steps = np.arange(0, 1001, 50)
    bound = 2 * steps * np.sqrt(0.25) / 3.0
    return pd.DataFrame({"d": 10, "learner": "weak_net", "replicate": 0, "step": steps, "movement": scale * bound,
                         "bound": bound + 1e-12, "mse": mse, "diverged": diverged})


def test_movement_bound_passes_and_fails():
    assert C.movement_bound({"movement": _movement(0.1, 0.1)}, BOUNDS).verdict == SUPPORTED
    assert C.movement_bound({"movement": _movement(1.5, 0.1)}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.movement_bound({"movement": _movement(0.1, 0.001)}, BOUNDS).verdict == NOT_SUPPORTED


def test_movement_is_a_check_with_a_regime():
    claim = _claim("movement_bound")
    assert claim.kind == CHECK and claim.regime is not None
    assert _regime("movement_bound", {"movement": _movement(0.1, 0.1)}) == []
    assert _regime("movement_bound", {"movement": _movement(0.1, 0.1, diverged=True)}) == ["1 run(s) diverged"]
    adam_only = _movement(0.1, 0.1).assign(bound=np.nan)
    assert _regime("movement_bound", {"movement": adam_only}) == [
        "no line-search GD run (the bound applies to it only)"]
    assert C.movement_bound({"movement": adam_only}, BOUNDS).verdict == INCONCLUSIVE


def _ablation(clipped: float, *, active: float = 0.3, shared: bool = True, converged: bool = True,
              ridge: float | None = None) -> pd.DataFrame:
    rows = []
    outputs = (("strong_net", clipped), ("strong_net_sigmoid", 0.4), ("strong_net_linear", 0.4))
    for law in ("gaussian", "cauchy"):
        for learner, v in outputs + ((("rf_ridge", ridge),) if ridge is not None else ()):
            rows += [{"law": law, "width": 400, "n": 5000, "learner": learner, "replicate": r,
                      "rel_mse": v * (1 + 0.02 * r), "active_fraction": active if learner == "strong_net" else np.nan,
                      "features_id": f"f{r}" if shared or learner == "strong_net" else f"g{r}",
                      **({} if learner == "rf_ridge" else {**CONV, "converged": converged})} for r in range(3)]
    return pd.DataFrame(rows)


def test_clipped_beats_linear_passes_and_fails():
    assert C.clipped_beats_linear({"output_ablation": _ablation(0.2)}, BOUNDS).verdict == SUPPORTED
    assert C.clipped_beats_linear({"output_ablation": _ablation(0.7)}, BOUNDS).verdict == NOT_SUPPORTED


def test_clipped_beats_linear_falsifier_linear_output_wins():
    """The falsifier: at one law the linear readout (with its output bias) beats the clip -> not supported."""
    df = _ablation(0.3)
    df.loc[(df["law"] == "cauchy") & (df["learner"] == "strong_net"), "rel_mse"] *= 2.0  # 0.6 against 0.4
    ev = C.clipped_beats_linear({"output_ablation": df}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED and ev.observed.startswith("decided by: cauchy: clipped / linear 1.500 (")


def test_clipped_beats_linear_against_the_strongest_competitor():
    """A variant that also runs rf_ridge (ridge tuned on validation, same features) compares the clip with it too:
    a clip that beats the linear output but not rf_ridge is not supported, decided by rf_ridge."""
    tables = {"output_ablation": _ablation(0.3, ridge=0.25)}
    ev = C.clipped_beats_linear(tables, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED and ev.observed.startswith("decided by: cauchy: clipped / rf_ridge 1.200")
    assert "other points: cauchy: clipped / linear 0.750" in ev.observed
    assert C.clipped_beats_linear({"output_ablation": _ablation(0.2, ridge=0.4)}, BOUNDS).verdict == SUPPORTED
    assert _regime("clipped_beats_linear", tables) == []  # rf_ridge is a closed form: no convergence record


def test_clipped_regime_in_and_out():
    assert _regime("clipped_beats_linear", {"output_ablation": _ablation(0.2)}) == []
    # the finding: the clip inactive on 99.7% of rows makes the comparison a tie by construction
    out = _regime("clipped_beats_linear", {"output_ablation": _ablation(0.2, active=0.997)})
    assert out == ["the clip engages on 0.003 < 0.05 of training rows (cauchy)",
                   "the clip engages on 0.003 < 0.05 of training rows (gaussian)"]
    # the worst seed decides (the 2026-12-07 review: it read the best seed's engagement)
    one_bad = _ablation(0.2)
    one_bad.loc[(one_bad["learner"] == "strong_net") & (one_bad["replicate"] == 1), "active_fraction"] = 0.99
    assert _regime("clipped_beats_linear", {"output_ablation": one_bad}) == [
        "the clip engages on 0.010 < 0.05 of training rows (cauchy)",
        "the clip engages on 0.010 < 0.05 of training rows (gaussian)"]
    out = _regime("clipped_beats_linear", {"output_ablation": _ablation(0.2, shared=False)})
    assert out == ["strong_net and strong_net_linear draw different hidden layers at 6 of 6 (point, seed) pairs"]
    out = _regime("clipped_beats_linear", {"output_ablation": _ablation(0.2, converged=False)})
    assert len(out) == 2 and all("unconverged" in s for s in out)


@pytest.mark.parametrize("short", ["strong_learns", "strong_beats_weak", "movement_bound", "clipped_beats_linear"])
def test_every_claim_declares_a_regime(short):
    assert _claim(short).regime is not None and _claim(short).regime.statement


def test_predicates_read_the_final_step_of_traced_fits():
    """A traced fit has one row per logged step; only the last step is the fitted model."""
    path = []
    for step, v in ((0, 2.0), (500, 0.9), (1000, 0.2)):  # starts far above the bound, ends below it
        path.append(_strong(v).assign(step=step))
    df = pd.concat(path, ignore_index=True)
    assert C.strong_learns({"strong_vs_width": df}, BOUNDS).verdict == SUPPORTED
    reverse = pd.concat([p.assign(step=1000 - p["step"]) for p in path], ignore_index=True)
    assert C.strong_learns({"strong_vs_width": reverse}, BOUNDS).verdict == NOT_SUPPORTED
