"""The claims machinery every paper uses: log-space ratio intervals, the deciding point in `observed`, the
regime column (a run out of regime is inconclusive, never not supported), seeds, and convergence records."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from depth2.claims import (
    CHECK,
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    Claim,
    Evidence,
    Regime,
    claims_table,
    convergence_shortfalls,
    count_seeds,
    every_point,
    log_mean_interval,
    mean_interval,
    minute_summary,
    paired_difference_interval,
    paired_log_ratio_interval,
    to_markdown,
)
from depth2.learners.base import convergence
from depth2.papers.guo2025 import claims as G


def test_log_mean_interval_is_positive_and_geometric():
    ratios = [2.0, 8.0, 200.0]  # skewed: the arithmetic interval reaches below zero
    assert mean_interval(ratios)[1] < 0
    m, lo, hi = log_mean_interval(ratios)
    assert m == pytest.approx((2 * 8 * 200) ** (1 / 3))
    assert 0 < lo < m < hi
    # the interval is the t-interval of the mean log, mapped back
    lm, llo, lhi = mean_interval(np.log(ratios))
    assert (lo, hi) == pytest.approx((math.exp(llo), math.exp(lhi)))
    with pytest.raises(ValueError, match="positive"):
        log_mean_interval([1.0, 0.0])
    g, glo, ghi = paired_log_ratio_interval([2.0, 4.0, 8.0], [1.0, 2.0, 4.0])
    assert g == pytest.approx(2.0) and glo == pytest.approx(2.0) and ghi == pytest.approx(2.0)


def _sweep(ratios: dict[float, list[float]]) -> pd.DataFrame:
    rows = [{"learner": learner, "family": "eq4", "b": b, "replicate": r, "ratio": x, "point": f"b={b}"}
            for b, xs in ratios.items() for r, x in enumerate(xs) for learner in ("sq",)]
    return pd.DataFrame(rows)


def test_observed_names_the_deciding_point_not_the_largest_mean():
    # b=-4 has the largest mean but straddles the bound (inconclusive); b=-3 is tight and above it: the
    # verdict is not supported, decided by b=-3, which the observed text must name first.
    table = _sweep({-4.0: [1.0, 2.0, 3000.0], -3.0: [20.0, 21.0, 22.0], -1.0: [1.1, 1.2, 1.1]})
    ev = G.sq_constant_factor({"bias_sweep": table}, {"ratio_max": 10})
    assert ev.verdict == NOT_SUPPORTED
    assert ev.observed.startswith("decided by: sq on eq4 at b=-3")
    assert "b=-4" in ev.observed.split("other points:")[1]
    ok = G.sq_constant_factor({"bias_sweep": _sweep({-4.0: [2.0, 2.5, 3.0]})}, {"ratio_max": 10})
    assert ok.verdict == SUPPORTED and "decided by" not in ok.observed


def test_every_point_inconclusive_is_decided_by_the_undecided_points():
    ev = every_point([SUPPORTED, INCONCLUSIVE], ["p1 fine", "p2 wide"], "m", "wide")
    assert ev.verdict == INCONCLUSIVE and ev.observed == "decided by: p2 wide; other points: p1 fine"


def _claim(regime: Regime | None, verdict: str) -> Claim:
    return Claim("x.c", "x", "s", "p", ("e",), "pred", lambda t, b: Evidence(verdict, "obs", "m"), regime=regime,
                 falsifier="the statistic lands on the other side")


def test_out_of_regime_is_inconclusive_never_not_supported():
    tables = {"e": pd.DataFrame({"point": ["a", "a", "b"], "replicate": [0, 1, 0], "v": [1, 2, 3]})}
    short = Regime("n Phi(b) >= 1000", lambda t, b: ["n Phi(b) = 95 < 1000 at b=-4"])
    ev, regime = _claim(short, NOT_SUPPORTED).evaluate(tables, {})
    assert ev.verdict == INCONCLUSIVE and regime == "out: n Phi(b) = 95 < 1000 at b=-4"
    assert "out of regime" in ev.reason and "would say not supported" in ev.reason
    ev, regime = _claim(Regime("always", lambda t, b: []), NOT_SUPPORTED).evaluate(tables, {})
    assert ev.verdict == NOT_SUPPORTED and regime == "in"
    assert ev.seeds == "1-2 per point (2 points)" == count_seeds(tables, ["e"])
    table = claims_table([_claim(short, SUPPORTED)], {"x": tables}, {"x": {}})
    assert {"regime", "seeds", "kind"} <= set(table.columns)
    md = to_markdown(table, {"x": {"seed": 7, "design_commit": "abc1234"}})
    assert "| x | 7 | abc1234 |" in md and "out: n Phi(b)" in md


def test_minute_summary_separates_findings_from_limits_of_the_run():
    tables = {"e": pd.DataFrame({"point": ["a", "b"], "replicate": [0, 0], "v": [1, 2]})}
    short = Regime("n Phi(b) >= 1000", lambda t, b: ["n Phi(b) = 95 < 1000"])
    inside = Regime("always", lambda t, b: [])
    claims = [replace(_claim(inside, SUPPORTED), id="x.ok"), replace(_claim(inside, NOT_SUPPORTED), id="x.fails"),
              replace(_claim(short, NOT_SUPPORTED), id="x.short"), replace(_claim(inside, INCONCLUSIVE), id="x.wide"),
              replace(_claim(inside, SUPPORTED), id="x.check", kind=CHECK)]
    lines = minute_summary(claims_table(claims, {"x": tables}, {"x": {}}), {"x": {"seed": 7}})
    text = "\n".join(lines)
    assert lines[2].startswith("**4 tests: 1 supported, 1 not supported, 2 inconclusive, 0 fragile; not evidence: 1 "
                               "check")
    assert "**x** (confirmatory seed 7; 4 tests: 1 supported, 1 not supported, 2 inconclusive; 1 of 4 tests' runs " \
        "are out of their regime)" in text
    assert "- supported (1): `ok`" in text
    assert "`fails`: in its regime, so a finding at these sizes about the paper's statement" in text
    assert "`short`: out of its regime, so a limit of this run and not evidence (n Phi(b) = 95 < 1000)" in text
    assert "`wide`: in its regime but undecided" in text
    exact = claims_table([replace(_claim(inside, NOT_SUPPORTED), id="x.proof")], {"x": tables}, {"x": {}})
    assert "`proof`: an exact computation, so a finding about the paper's statement" in "\n".join(
        minute_summary(exact.assign(seeds="exact (no sampling)")))
    assert "- not evidence (check): `check` (supported)" in text
    assert "`check`" not in lines[lines.index("- supported (1): `ok`")]


def test_convergence_record_and_its_regime_check():
    tiny = convergence(steps=10, max_steps=10, rel_decrease=0.3, tol=1e-6)
    done = convergence(steps=42, max_steps=1000, rel_decrease=1e-9, tol=1e-6, grad_norm=1e-8, grad_tol=1e-5)
    assert not tiny["converged"] and done["converged"]
    assert convergence(steps=5, max_steps=10, rel_decrease=0.5, tol=1e-6, grad_norm=1e-9, grad_tol=1e-6)["converged"]
    with pytest.raises(ValueError):
        convergence(steps=1, max_steps=0, rel_decrease=None, tol=1e-6)
    table = pd.DataFrame({"learner": ["gd", "gd", "sq"], "replicate": [0, 1, 0],
                          "converged": pd.array([True, False, pd.NA], dtype="boolean"),
                          "steps": [42, 1000, np.nan], "max_steps": [1000, 1000, np.nan],
                          "rel_decrease": [1e-9, 3e-3, np.nan]})
    out = convergence_shortfalls(table)
    assert out == ["gd: 1 of 2 fits unconverged (steps 1000/1000, last rel. decrease up to 3.0e-03)"]
    assert convergence_shortfalls(table[table["replicate"] == 0]) == []


def test_design_commit_is_the_commit_that_set_the_seed(tmp_path, monkeypatch):
    import subprocess

    from depth2 import confirmatory

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q")
    git("config", "user.email", "t@t")
    git("config", "user.name", "t")
    (tmp_path / "config").mkdir()
    cfg = tmp_path / "config" / "config.yaml"
    for text, msg in (("guo2025: {seed: 1}\n", "pilot design"), ("guo2025: {seed: 5}\n", "design, seed 5"),
                      ("guo2025: {seed: 5, d: 10}\n", "results")):
        cfg.write_text(text)
        git("add", ".")
        git("commit", "-q", "-m", msg)
    design = git("log", "--format=%h", "--grep", "design, seed 5")
    monkeypatch.setattr(confirmatory, "REPO", tmp_path)
    assert confirmatory.design_commit("guo2025", 5) == design
    assert confirmatory.design_commit("guo2025", 7).startswith("none: seed 7 is a pilot seed")
    assert confirmatory.design_commit("awasthi2021", 0).startswith("none: awasthi2021 has no committed")
    # a paper-size seed is found in config/paper.yaml and marked so; the default seed still wins in config.yaml
    (tmp_path / "config" / "paper.yaml").write_text("guo2025: {seed: 9}\n")
    git("add", ".")
    git("commit", "-q", "-m", "paper-size seed 9")
    paper = git("log", "--format=%h", "-1")
    assert confirmatory.design_commit("guo2025", 9) == f"{paper} (paper size, config/paper.yaml)"
    assert confirmatory.design_commit("guo2025", 5) == design
    assert confirmatory.design_commit("guo2025", 7).startswith("none: seed 7 is a pilot seed")


def test_evaluate_copies_convergence_into_metrics_rows():
    from depth2.cli import _add_convergence
    from depth2.learners.base import Fit

    fits = [Fit("constant", {"c": np.array(0.0)}, convergence(steps=3, max_steps=3, rel_decrease=0.1, tol=1e-6)),
            Fit("constant", {"c": np.array(0.0)}, convergence(steps=2, max_steps=3, rel_decrease=0.0, tol=1e-6))]
    table = pd.DataFrame({"replicate": [1, 0, 1], "mse": [1.0, 2.0, 3.0]})
    _add_convergence(table, fits)
    assert table["converged"].tolist() == [True, False, True]
    assert table["steps"].tolist() == [2.0, 3.0, 2.0]
    plain = pd.DataFrame({"replicate": [0]})
    _add_convergence(plain, [Fit("constant", {"c": np.array(0.0)}, {})])
    assert "converged" not in plain.columns


def test_paired_difference_interval_values_symmetry_and_coverage():
    same = np.arange(200) < 80
    d, lo, hi = paired_difference_interval(same, same)
    assert d == 0.0 and lo < 0 < hi and hi - lo < 0.02  # no discordant pair: a narrow interval around 0
    a, b = np.ones(50, bool), np.zeros(50, bool)
    d, lo, hi = paired_difference_interval(a, b)
    assert d == 1.0 and 0.85 < lo <= hi <= 1.0  # the half counts pull the centre to 50 / 52
    rng = np.random.default_rng(11)
    x, y = rng.random(300) < 0.5, rng.random(300) < 0.3
    d1, lo1, hi1 = paired_difference_interval(x, y)
    d2, lo2, hi2 = paired_difference_interval(y, x)
    assert d1 == pytest.approx(-d2) and lo1 == pytest.approx(-hi2) and hi1 == pytest.approx(-lo2)
    # coverage over 2000 paired samples of 100 (P(1,0) = 0.10, P(0,1) = 0.05; true difference 0.05)
    cover = 0
    for _ in range(2000):
        u = rng.random(100)
        a, b = (u < 0.10) | ((u >= 0.15) & (u < 0.55)), ((u >= 0.10) & (u < 0.15)) | ((u >= 0.15) & (u < 0.55))
        _, lo, hi = paired_difference_interval(a, b)
        cover += lo <= 0.05 <= hi
    assert 0.93 <= cover / 2000 <= 0.97
    with pytest.raises(ValueError, match="equal 1-D shapes"):
        paired_difference_interval(np.ones(3, bool), np.ones(4, bool))
