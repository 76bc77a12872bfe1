"""goel2021 m_scan (issue 19, figure only): the plan's grid, paired seeds across m_scale, reduction A untouched,
and the figure drawn from a table with reduction A's columns."""

from __future__ import annotations

import copy

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from conftest import REPO  # noqa: E402

from depth2 import papers  # noqa: E402
from depth2.config import validate  # noqa: E402
from depth2.plan import Plan  # noqa: E402


def _config(enabled: bool = True) -> dict:
    cfg = copy.deepcopy(yaml.safe_load((REPO / "config" / "config.yaml").read_text()))
    cfg["goel2021"]["experiments"].setdefault("m_scan", {})["enabled"] = enabled
    return validate(cfg)


def test_plan_has_m_scan_with_the_configured_m_scales():
    cfg = _config()
    e = cfg["goel2021"]["experiments"]["m_scan"]
    plan = Plan(cfg)
    pts = plan.experiments[("goel2021", "m_scan")].points
    assert sorted({pt.labels["m_scale"] for pt in pts}) == sorted(float(s) for s in e["m_scales"])
    assert len(pts) == len(e["m_scales"]) * (len(e["sizes"]) + bool(e["three_set"]))
    for pt in pts:
        assert pt.params["m_scale"] == pt.labels["m_scale"]
        assert set(pt.learners) == {"exact", "exact_bias"}
        assert pt.params["origin"] == int(np.ceil(e["origin_scale"] * pt.d))
    # the same instances at every m_scale (m_scale is out of the seed path); point names stay distinct
    by_kind = {}
    for pt in pts:
        by_kind.setdefault((pt.labels["kind"], pt.d), set()).add(pt.seed_key)
    assert all(len(keys) == 1 for keys in by_kind.values())
    assert len({pt.name for pt in pts}) == len(pts)
    paths = {plan.dataset_spec("goel2021", "m_scan", pt.name).split('"seed_path"')[1] for pt in pts}
    assert len(paths) == len(by_kind)
    # figure-only: no claim reads the m_scan table
    assert "m_scan" in {f.name for f in papers.get("goel2021").figures}
    assert ("goel2021", "m_scan") in Plan(cfg).figures()


def test_m_scan_leaves_reduction_a_and_every_other_experiment_unchanged():
    on, off = Plan(_config(True)), Plan(_config(False))
    assert ("goel2021", "m_scan") not in off.experiments
    assert ("goel2021", "m_scan") not in off.figures()
    for key, exp in off.experiments.items():
        assert on.experiments[key] == exp, key
        for pt in exp.points:
            assert on.dataset_spec(*key, pt.name) == off.dataset_spec(*key, pt.name)
            for ln in pt.learners:
                assert on.learner_params(*key, pt.name, ln) == off.learner_params(*key, pt.name, ln)
    assert on.point("goel2021", "reduction_a", "kind=random_sets=8_elements=8").seed_key == \
        "kind=random_sets=8_elements=8"


def _table() -> pd.DataFrame:
    rows = []
    for scale in (0.1, 1.0, 9.0):
        for ln in ("exact", "exact_bias"):
            for r, tau in enumerate((2.0, 3.0)):
                opt = tau * scale / (scale + 1.0)  # below the band at small m_scale, inside it at 9
                rows.append({"kind": "random", "sets": 5, "elements": 5, "m_scale": scale, "learner": ln,
                             "replicate": r, "tau": tau, "M": scale * 25, "loss_sum": opt, "loss": opt / 30,
                             "origin": 20})
    return pd.DataFrame(rows)


def test_m_scan_figure_draws_from_a_reduction_a_table():
    spec = next(f for f in papers.get("goel2021").figures if f.name == "m_scan")
    assert "no claim" in spec.caption.lower() and "9" in spec.caption
    fig = plt.figure(figsize=spec.size)
    spec.draw({"m_scan": _table()}, fig)
    ax1, ax2 = fig.axes[:2]
    assert ax1.get_xscale() == "log"
    fractions = {ln.get_label(): list(ln.get_ydata()) for ln in ax1.get_lines() if "instances" in ln.get_label()}
    assert len(fractions) == 2 and all(v == [0.0, 0.0, 1.0] for v in fractions.values())
    assert any(list(ln.get_xdata()) == [9.0, 9.0] for ln in ax1.get_lines())
    plt.close(fig)
