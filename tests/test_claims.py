"""Every claim predicate on constructed tables where it must pass and where it must fail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from depth2.claims import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    claims_table,
    compare,
    mean_interval,
    proportion_interval,
    to_markdown,
)
from depth2.papers.guo2025 import claims as C

BOUNDS = {"ratio_max": 10.0, "success_ratio": 2.0, "escape_fraction": 0.5, "overlap_min": 0.99,
          "overlap_n_phi": 300.0}


def _rows(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols)


def test_interval_helpers():
    m, lo, hi = mean_interval([1.0, 2.0, 3.0])
    assert m == 2.0 and lo < 2.0 < hi
    assert mean_interval([1.0])[1] == -np.inf
    p, lo, hi = proportion_interval(0, 20)
    assert p == 0 and lo == 0 and 0 < hi < 0.2
    assert compare(1, 2, 3, "below") == SUPPORTED
    assert compare(4, 5, 3, "below") == NOT_SUPPORTED
    assert compare(2, 4, 3, "below") == INCONCLUSIVE
    assert compare(4, 5, 3, "above") == SUPPORTED


def _sweep(sq_ratio: list[float], gd_eq4: list[float], gd_real: list[float]) -> pd.DataFrame:
    rows = []
    for fam, gd in (("eq4", gd_eq4), ("realizable", gd_real)):
        for r, (s, g) in enumerate(zip(sq_ratio, gd, strict=True)):
            rows += [{"learner": "sq", "family": fam, "b": -4.0, "d": 10, "replicate": r, "ratio": s},
                     {"learner": "alg1", "family": fam, "b": -4.0, "d": 10, "replicate": r, "ratio": s},
                     {"learner": "gd", "family": fam, "b": -4.0, "d": 10, "replicate": r, "ratio": g}]
    return pd.DataFrame(rows)


def test_sq_constant_factor_passes_and_fails():
    assert C.sq_constant_factor({"bias_sweep": _sweep([3, 3.2, 2.9], [1] * 3, [1] * 3)}, BOUNDS).verdict == SUPPORTED
    assert C.sq_constant_factor({"bias_sweep": _sweep([30, 32, 29], [1] * 3, [1] * 3)}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.sq_constant_factor({"bias_sweep": _sweep([2, 30, 5], [1] * 3, [1] * 3)}, BOUNDS).verdict == INCONCLUSIVE


def _popgd(p_eq4: tuple[float, float], p_real: tuple[float, float], n: int = 100) -> pd.DataFrame:
    rows = []
    for fam, ps in (("eq4", p_eq4), ("realizable", p_real)):
        for d, p in zip((10, 1000), ps, strict=True):
            k = int(round(p * n))
            rows += [{"family": fam, "b": -4.0, "d": d, "escaped": i < k} for i in range(n)]
    return pd.DataFrame(rows)


def test_popgd_dimension_passes_and_fails():
    assert C.popgd_dimension({"population_gd": _popgd((0.5, 0.0), (0.5, 0.6))}, BOUNDS).verdict == SUPPORTED
    assert C.popgd_dimension({"population_gd": _popgd((0.5, 0.6), (0.5, 0.0))}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.popgd_dimension({"population_gd": _popgd((0.5, 0.45), (0.5, 0.5))}, BOUNDS).verdict == INCONCLUSIVE


def _pca(overlaps: list[float], n_phi: float = 300.0) -> pd.DataFrame:
    return _rows(family=["eq4"] * len(overlaps), b=[-4.0] * len(overlaps), n_phi=[n_phi] * len(overlaps),
                 abs_overlap=overlaps)


def test_pca_overlap_passes_and_fails():
    assert C.pca_overlap({"pca_overlap": _pca([0.997, 0.998, 0.996])}, BOUNDS).verdict == SUPPORTED
    assert C.pca_overlap({"pca_overlap": _pca([0.90, 0.92, 0.91])}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.pca_overlap({"pca_overlap": _pca([0.999, 0.999], n_phi=10)}, BOUNDS).verdict == INCONCLUSIVE


def _sqn(ratios: dict[int, list[float]]) -> pd.DataFrame:
    rows = [{"family": "eq4", "n": n, "ratio": r} for n, rs in ratios.items() for r in rs]
    return pd.DataFrame(rows)


def test_sq_improves_with_n_passes_and_fails():
    down = _sqn({10**6: [20, 22, 19], 3 * 10**6: [10, 11, 9], 10**7: [5, 5.5, 4.8]})
    up = _sqn({10**6: [5, 5.5, 4.8], 3 * 10**6: [10, 11, 9], 10**7: [20, 22, 19]})
    flat = _sqn({10**6: [5, 9, 3], 3 * 10**6: [4, 8, 6], 10**7: [7, 3, 5]})
    assert C.sq_improves_with_n({"sq_vs_n": down}, BOUNDS).verdict == SUPPORTED
    assert C.sq_improves_with_n({"sq_vs_n": up}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.sq_improves_with_n({"sq_vs_n": flat}, BOUNDS).verdict == INCONCLUSIVE


def _csq(gd_pop: list[float], sq: list[float], gd: list[float] | None = None) -> pd.DataFrame:
    arms = [("gd_pop", gd_pop), ("sq", sq)] + ([("gd", gd)] if gd is not None else [])
    rows = [{"family": "hermite_truncated", "b": -4.0, "d": 10, "replicate": r, "learner": ln, "ratio": v}
            for ln, vals in arms for r, v in enumerate(vals)]
    return pd.DataFrame(rows)


def test_sq_beats_gd_on_csq_passes_and_fails():
    assert C.sq_beats_gd_on_csq({"csq": _csq([50, 60, 55], [3, 3.5, 2.8])}, BOUNDS).verdict == SUPPORTED
    assert C.sq_beats_gd_on_csq({"csq": _csq([3, 3.5, 2.8], [50, 60, 55])}, BOUNDS).verdict == NOT_SUPPORTED
    # Empirical gd is reported beside the test, never decides it (Thm 2 is about CSQ oracles: gd_pop).
    ev = C.sq_beats_gd_on_csq({"csq": _csq([50, 60, 55], [3, 3.5, 2.8], gd=[1.0, 1.0, 50.0])}, BOUNDS)
    assert ev.verdict == SUPPORTED and "gd at L/OPT <= 2 in 2 of 3 seeds" in ev.observed
    ev = C.sq_beats_gd_on_csq({"csq": _csq([1.0, 1.1, 1.0], [3, 3.5, 2.8], gd=[50.0, 60.0, 55.0])}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED
    only_empirical = _csq([50, 60, 55], [3, 3.5, 2.8]).replace({"learner": {"gd_pop": "gd"}})
    assert C.sq_beats_gd_on_csq({"csq": only_empirical}, BOUNDS).verdict == INCONCLUSIVE


def test_claims_table_marks_missing_experiments_inconclusive():
    table = claims_table(C.CLAIMS, {"guo2025": {}}, {"guo2025": BOUNDS})
    assert len(table) == len(C.CLAIMS)
    assert set(table["verdict"]) == {INCONCLUSIVE}
    assert "no data" in table["reason"].iloc[0]
    assert "| guo2025.sq_constant_factor |" in to_markdown(table)


@pytest.mark.parametrize("claim", C.CLAIMS, ids=[c.id for c in C.CLAIMS])
def test_every_claim_states_paper_and_prediction(claim):
    assert claim.paper_states and claim.predicted and claim.experiments
