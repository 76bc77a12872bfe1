"""bench/mondelli2019.py's population-operator section on tiny sizes: it runs, the two operators see the same
inputs, the agreement shrinks with n, and the report renders. Nothing here asserts a time."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from depth2.papers.mondelli2019.experiments import rank_width

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # bench/ is a top-level package of the repository, not of the installed one
    sys.path.insert(0, str(REPO))

from bench import mondelli2019 as m  # noqa: E402


def test_population_section_runs_on_tiny_sizes_and_its_agreement_shrinks_with_n(monkeypatch):
    monkeypatch.setattr(m, "POP_FIT_DIM", 8)
    res = m.population_vs_data(True, dims=(8,), n_cap=4000)
    (size,) = res["sizes"]
    assert size["d"] == 8 and size["r"] == rank_width(8, m.POP_RANK_FRACTION)
    assert size["ns"] == sorted(size["ns"]) and size["ns"][-1] == size["n"] and len(size["ns"]) == 3
    assert {t["method"] for t in size["timing"]} == {"vectors", "scalars", "matrices"}
    for t in size["timing"]:
        assert t["data_s"] > 0 and t["pop_s"] > 0 and t["rounds"] >= m.POP_MIN_ROUNDS and np.isfinite(t["ratio"])
    assert len(size["agreement"]) == 5
    for a in size["agreement"]:
        assert all(np.isfinite(a["rel_diff"]))
        assert a["rel_diff"][-1] < a["rel_diff"][0], a  # 16x the rows: the sampling noise is about 4x smaller
    fit = res["fit"]
    assert fit["d"] == 8 and [row["population"] for row in fit["rows"]] == [True, False]
    assert all(row["passes"] > 0 and 0 <= row["recovered"] <= 1 for row in fit["rows"])
    md = "\n".join(m._population_markdown(res))
    assert "| d | r | r / d^1.5 | n | contraction |" in md and "`vectors(W)`" in md and "Whole fit" in md
    assert m._predict_size_s(size, 2 * size["n"], 16, 2 * size["r"], 0.5) > 0


def test_population_section_drops_a_size_past_its_budget_and_says_so():
    res = m.population_vs_data(False, dims=(6, 12), n_cap=2000, budget_s=0.0, whole_fit=False)
    assert [s["d"] for s in res["sizes"]] == [6]
    assert res["dropped"] and res["dropped"][0]["d"] == 12
    md = "\n".join(m._population_markdown(res))
    assert "Dropped: d = 12" in md and "whole-fit comparison was not run" in md
