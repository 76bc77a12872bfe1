"""The claims kit and the v3 table: kinds and falsifiers, robustness variants (a variant that disagrees makes
a test fragile), one band edge, statements rendered from the bounds, coverage, and the variants' jobs in the
plan."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import yaml

from depth2.claims import (
    CHECK,
    FRAGILE,
    INCONCLUSIVE,
    NOT_SUPPORTED,
    SUPPORTED,
    Claim,
    Headline,
    Regime,
    band,
    check_coverage,
    converged,
    every_point,
    in_band,
    log_mean_interval,
    min_seeds,
    per_point,
    ratio,
    side,
)
from depth2.claims.report import counts_sentence, readme_summary, to_markdown
from depth2.claims.table import NO_VARIANTS, claims_table
from depth2.claims.variants import deep_merge, variant_experiment, variant_section
from depth2.config import ConfigError, validate

BOUNDS = {"ratio_max": 10.0, "min_seeds": 3}


def _table(values: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([{"point": p, "b": float(i), "replicate": r, "learner": "sq", "ratio": x}
                         for i, (p, xs) in enumerate(values.items()) for r, x in enumerate(xs)])


def _below(tables, bounds):
    """Geometric mean of L/OPT below ratio_max at every b (a predicate written with the kit)."""
    verdicts, obs = per_point(tables["e"].groupby("b"), lambda g: g["ratio"], side(bounds["ratio_max"], "below"),
                              lambda b, m, lo, hi: f"b={b:g}: {m:.3g} ({lo:.3g}..{hi:.3g})", stat=log_mean_interval)
    return every_point(verdicts, obs, "L/OPT", "an interval straddles ratio_max")


REGIME = Regime.of(min_seeds("e", ["b"]), converged("e", ["sq"]))
CLAIM = Claim("x.c", "x", "L/OPT is bounded", "Thm 1", ("e",), "L/OPT < {ratio_max}", _below, regime=REGIME,
              falsifier="an interval above ratio_max: the learner misses the planted direction")
GOOD = _table({"a": [2.0, 2.2, 2.1], "b": [3.0, 3.1, 2.9]})
BAD = _table({"a": [2.0, 2.2, 2.1], "b": [30.0, 31.0, 29.0]})


def test_a_test_needs_a_falsifier_and_a_known_kind():
    with pytest.raises(ValueError, match="falsifier"):
        Claim("x.t", "x", "s", "p", ("e",), "pred", _below)
    with pytest.raises(ValueError, match="kind"):
        Claim("x.t", "x", "s", "p", ("e",), "pred", _below, kind="sanity")
    assert Claim("x.t", "x", "s", "p", ("e",), "pred", _below, kind=CHECK).falsifier == ""


def test_falsifying_table_gives_not_supported_and_regime_renders_its_bounds():
    ev, regime = CLAIM.evaluate({"e": BAD}, BOUNDS)
    assert ev.verdict == NOT_SUPPORTED and ev.observed.startswith("decided by: b=1: 30")
    assert CLAIM.evaluate({"e": GOOD}, BOUNDS)[0].verdict == SUPPORTED
    assert REGIME.text(BOUNDS) == ">= 3 seeds per (b); every sq fit read converged"
    ev, regime = CLAIM.evaluate({"e": GOOD}, {**BOUNDS, "min_seeds": 4})
    assert ev.verdict == INCONCLUSIVE and regime == "out: 2 of 2 points have < 4 seeds (fewest: 3)"


def test_one_band_edge_convention():
    assert in_band(-0.75, -0.25, -0.75, -0.25) == SUPPORTED  # closed band: touching an edge is inside
    assert in_band(-0.8, -0.5, -0.75, -0.25) == INCONCLUSIVE
    assert in_band(-1.2, -0.8, -0.75, -0.25) == NOT_SUPPORTED == in_band(0.1, 0.2, -0.75, -0.25)
    assert band(-1, 1)(-0.5, 0.5) == SUPPORTED and side(1.0, "above")(1.5, 2.0) == SUPPORTED


def test_ratio_pairs_on_keys_and_seed():
    df = pd.DataFrame({"d": [5] * 4, "replicate": [0, 1, 0, 1], "learner": ["a", "a", "b", "b"],
                       "mse": [1.0, 2.0, 4.0, 4.0]})
    assert ratio(df, ["d"], "a", "b", "mse").tolist() == [0.25, 0.5]
    assert ratio(df, ["d"], "a", "c", "mse").empty


VARIANTS = {"x": {"replication": {"kind": "replication", "seed": 9, "claims": ["c"]},
                  "offset": {"kind": "nuisance", "claims": ["c"]}}}


def test_a_variant_that_disagrees_makes_the_test_fragile():
    tables = {"x": {"e": GOOD, variant_experiment("e", "replication"): GOOD, variant_experiment("e", "offset"): BAD}}
    row = claims_table([CLAIM], tables, {"x": BOUNDS}, VARIANTS).iloc[0]
    assert row["verdict"] == FRAGILE
    assert row["reason"].startswith("main run supported, but offset gives not supported")
    assert row["variants"].startswith("replication (seed 9): supported [b=0: 2.1")
    agree = {"x": {**tables["x"], variant_experiment("e", "offset"): GOOD}}
    assert claims_table([CLAIM], agree, {"x": BOUNDS}, VARIANTS).iloc[0]["verdict"] == SUPPORTED
    # a failing main run whose variants fail too stays not supported; a missing variant table is inconclusive
    fail = {"x": {"e": BAD, variant_experiment("e", "replication"): BAD, variant_experiment("e", "offset"): BAD}}
    assert claims_table([CLAIM], fail, {"x": BOUNDS}, VARIANTS).iloc[0]["verdict"] == NOT_SUPPORTED
    gone = {"x": {"e": GOOD, variant_experiment("e", "replication"): GOOD}}
    row = claims_table([CLAIM], gone, {"x": BOUNDS}, VARIANTS).iloc[0]
    assert row["verdict"] == FRAGILE and "offset gives inconclusive" in row["reason"]
    assert "offset: inconclusive (no data for experiment(s) ['e']" in row["variants"]
    # a variant never softens a failure nor rescues an undecided main run: the disagreement is named
    mixed = {"x": {"e": BAD, variant_experiment("e", "replication"): GOOD, variant_experiment("e", "offset"): BAD}}
    row = claims_table([CLAIM], mixed, {"x": BOUNDS}, VARIANTS).iloc[0]
    assert row["verdict"] == NOT_SUPPORTED
    assert row["reason"] == "variants disagree: replication (seed 9) gives supported"
    few = {"x": {"e": GOOD.iloc[:4], variant_experiment("e", "replication"): GOOD,
                 variant_experiment("e", "offset"): GOOD}}
    row = claims_table([CLAIM], few, {"x": BOUNDS}, VARIANTS).iloc[0]
    assert row["verdict"] == INCONCLUSIVE and row["reason"].startswith("variants disagree: replication")
    assert claims_table([CLAIM], {"x": {"e": GOOD}}, {"x": BOUNDS}).iloc[0]["variants"] == NO_VARIANTS


def test_checks_are_not_counted_and_have_no_variants():
    chk = Claim("x.k", "x", "identity", "ours", ("e",), "holds", _below, kind=CHECK)
    table = claims_table([CLAIM, chk], {"x": {"e": GOOD}}, {"x": BOUNDS}, {"x": {}})
    assert table.set_index("id").loc["x.k", "variants"] == "n/a (not a test)"
    assert counts_sentence(table) == ("1 tests: 1 supported, 0 not supported, 0 inconclusive, 0 fragile; "
                                      "not evidence: 1 check, 0 observations, 0 proof checks")
    cov = {"x": (Headline("L/OPT = O(OPT)", "Thm 1 (abstract)", ("c",)),
                 Headline("lower bound", "Thm 2 (abstract)", ("k",), not_tested="the SQ lower bound needs ..."))}
    md = to_markdown(table, {"x": {"seed": 7}}, cov)
    minute = md.split("## In a minute")[1]
    assert minute.lstrip().startswith("**1 tests: 1 supported")
    assert "## Coverage" in md and "**x** (1 of 2 headline results tested, 0 in part)" in md
    assert "lower bound (Thm 2 (abstract)): **not tested**; also read by `k` (check) (not evidence)" in md
    assert "1 of 2 headline results tested, 0 in part" in readme_summary(table, cov)


def test_coverage_needs_rows_or_what_it_would_take():
    with pytest.raises(ValueError, match="what it would take"):
        Headline("a result", "abstract")
    chk = Claim("x.k", "x", "identity", "ours", ("e",), "holds", _below, kind=CHECK)
    assert check_coverage([CLAIM, chk], [Headline("r", "s", ("c",))]) == []
    assert check_coverage([CLAIM, chk], [Headline("r", "s", ("nope",), not_tested="x")]) == \
        ["'r': row 'nope' is not a claim"]
    assert check_coverage([CLAIM, chk], [Headline("r", "s", ("k",))]) == \
        ["'r': no test row covers it and not_tested is empty"]


def test_variant_section_merges_and_reseeds():
    sec = {"seed": 1, "experiments": {"a": {"x": [1, 2], "y": 3}}, "variants": {"v": {}}}
    merged = variant_section(sec, {"kind": "nuisance", "set": {"experiments": {"a": {"x": [5]}}}})
    assert merged == {"seed": 1, "experiments": {"a": {"x": [5], "y": 3}}}
    assert variant_section(sec, {"kind": "replication", "seed": 8})["seed"] == 8
    assert deep_merge({"a": {"b": 1}}, {"a": 2}) == {"a": 2} and sec["experiments"]["a"]["x"] == [1, 2]


def _smoke() -> dict:
    return yaml.safe_load(open("config/smoke.yaml"))


def test_config_refuses_bad_variants():
    from depth2 import papers

    cfg = _smoke()
    key = cfg["papers"][0]
    test = next(c.short for c in papers.get(key).claims if c.kind == "test")
    other = next((c.short for c in papers.get(key).claims if c.kind != "test"), None)
    seed = int(cfg[key].get("seed", 0))
    bad = copy.deepcopy(cfg)
    bad[key]["variants"] = {"rep": {"kind": "replication", "claims": [test], "why": "w"},
                            "same": {"kind": "replication", "seed": seed, "claims": [test], "why": "w"},
                            "knob": {"kind": "nuisance", "claims": [test], "why": "w", "set": {"no_such_key": 1}}}
    if other:
        bad[key]["variants"]["chk"] = {"kind": "nuisance", "claims": [other], "why": "w"}
    with pytest.raises(ConfigError) as err:
        validate(bad)
    msg = str(err.value)
    assert f"'{key}.variants.rep': a replication needs a 'seed'" in msg
    assert f"'{key}.variants.same': seed {seed} is the main run's seed" in msg
    assert f"config key '{key}.variants.knob.set' (merged over '{key}'): Additional properties" in msg
    if other:
        assert f"{other!r} is not a test of {key}" in msg


def test_plan_runs_a_variant_as_ordinary_jobs_with_its_own_seed():
    from depth2 import papers
    from depth2.plan import Plan

    cfg = _smoke()
    key = cfg["papers"][0]
    claim = next(c for c in papers.get(key).claims if c.kind == "test")
    cfg[key]["variants"] = {"rep": {"kind": "replication", "seed": 424242, "claims": [claim.short], "why": "w"}}
    plan = Plan(validate(cfg))
    names = [e for p, e in plan.tables(key)]
    for e in claim.experiments:
        if e in names:
            assert variant_experiment(e, "rep") in names
            main, var = plan.experiments[(key, e)], plan.experiments[(key, variant_experiment(e, "rep"))]
            assert [p.name for p in main.points] == [p.name for p in var.points]
            pt = main.points[0].name
            spec_main = yaml.safe_load(plan.dataset_spec(key, e, pt))["spec"]["seed_path"]
            spec_var = yaml.safe_load(plan.dataset_spec(key, variant_experiment(e, "rep"), pt))["spec"]["seed_path"]
            main_seed = int(validate(cfg)[key]["seed"])
            assert spec_main[2:4] == [main_seed, e] and spec_var[2:5] == [main_seed, 424242, e]
    assert "424242" in plan.all_variants()


def test_readme_summary_matches_the_committed_claims_table():
    from pathlib import Path

    from depth2.readme import current_block, summary

    repo = Path(__file__).resolve().parents[1]
    assert current_block(repo / "README.md") == summary(repo / "figures" / "claims.csv"), \
        "regenerate: depth2 readme"


def test_every_test_of_the_default_config_has_a_replication_and_a_nuisance():
    """issue 27: every test row has >= 2 pre-registered variants in the committed default config, one of them a
    replication on a fresh seed (paper.yaml and pilots register none: their tables say so in `variants`)."""
    from pathlib import Path

    from depth2 import papers
    from depth2.config import load

    cfg = load(Path(__file__).resolve().parents[1] / "config" / "config.yaml")
    for key in cfg["papers"]:
        for c in (c for c in papers.get(key).claims if c.kind == "test"):
            mine = [v for v in cfg[key]["variants"].values() if c.short in v["claims"]]
            assert len(mine) >= 2 and {v["kind"] for v in mine} == {"replication", "nuisance"}, c.id
