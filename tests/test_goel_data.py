"""goel2021 data families: instance sizes, hidden instance facts, and errors that name the parameter."""

from __future__ import annotations

import numpy as np
import pytest

from depth2.core.data import get_family
from depth2.papers.goel2021 import data as G
from depth2.papers.goel2021 import reductions as R
from depth2.papers.goel2021.metrics import known_optimum


def _make(family: str, d: int, params: dict, seed: int = 0):
    fam = get_family(family)
    rng = np.random.default_rng(seed)
    hid = fam.hidden(rng, d, params)
    n = G.rows(family, d, params, 30)
    return hid, *fam.sample(rng, n, d, params, hid)


def test_set_cover_instance_rows_and_cover_number():
    params = {"kind": "random", "n_elements": 7, "p": 0.3, "m_scale": 9}
    hid, X, y = _make("goel2021.set_cover", 6, params)
    assert X.shape == (13, 6) and y.sum() == 6  # one labelled-1 point per set
    A = hid["incidence"] > 0.5
    assert A.any(axis=0).all()  # every element can be covered
    assert float(hid["tau"]) == R.cover_number([tuple(np.flatnonzero(a)) for a in A], 7)
    assert float(hid["M"]) == 9 * 36
    # the element rows are sqrt(M) times the incidence columns
    np.testing.assert_allclose(X[6:], np.sqrt(9 * 36) * A.T.astype(float))
    hid3, X3, _ = _make("goel2021.set_cover", 3, {"kind": "three_set"})
    assert float(hid3["tau"]) == 2 and X3.shape == (9, 3)


def test_colouring_instances():
    hid, X, y = _make("goel2021.colouring", 7, {"kind": "fano"})
    assert X.shape == (14, 7) and float(hid["colourable"]) == 0.0 and float(hid["k"]) == 2
    hid, X, y = _make("goel2021.colouring", 8, {"kind": "planted", "n_edges": 12})
    assert X.shape == (20, 8) and float(hid["colourable"]) == 1.0
    hid, X, _ = _make("goel2021.colouring", 7, {"kind": "graph_planted", "n_edges": 10})
    assert X.shape == (17, 7) and float(hid["colourable"]) == 1.0 and float(hid["k"]) == 3
    hid, _, _ = _make("goel2021.colouring", 6, {"kind": "wheel5"})
    assert float(hid["colourable"]) == 0.0


def test_known_optimum_of_a_colourable_instance_is_zero_and_of_fano_with_two_units_unknown():
    hid, X, y = _make("goel2021.colouring", 7, {"kind": "fano"})
    assert np.isnan(known_optimum("goel2021.colouring", hid, 7, 2, 14))
    assert known_optimum("goel2021.colouring", hid, 7, 3, 14) == 0.0  # the Fano plane is 3-colourable
    hid, X, y = _make("goel2021.set_cover", 3, {"kind": "three_set"})
    opt = known_optimum("goel2021.set_cover", hid, 3, 1, 9)
    lo, hi = R.reduction_a_bounds(2, float(hid["M"]), "sharp")
    assert lo / 9 - 1e-12 <= opt <= hi / 9 + 1e-12


def test_bounded_teacher_has_unit_inputs():
    hid, X, y = _make("goel2021.teacher", 20, {"noise": 0.0, "bias": False, "bounded": True})
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0)
    np.testing.assert_allclose(y, np.maximum(X @ hid["w"], 0.0))
    assert np.mean(np.abs(X @ hid["w"])) > 0.3  # correlated with the teacher, not ~ d^-1/2


@pytest.mark.parametrize(("family", "d", "params", "match"), [
    ("goel2021.colouring", 6, {"kind": "fano"}, "fano"),
    ("goel2021.colouring", 7, {"kind": "petersen"}, "kind"),
    ("goel2021.set_cover", 4, {"kind": "three_set"}, "three_set"),
    ("goel2021.set_cover", 4, {"kind": "random"}, "n_elements"),
])
def test_bad_parameters_name_the_key(family, d, params, match):
    with pytest.raises(ValueError, match=match):
        get_family(family).hidden(np.random.default_rng(0), d, params)


def test_wrong_row_count_is_refused():
    fam = get_family("goel2021.colouring")
    hid = fam.hidden(np.random.default_rng(0), 7, {"kind": "fano"})
    with pytest.raises(ValueError, match="n = 10"):
        fam.sample(np.random.default_rng(0), 10, 7, {"kind": "fano"}, hid)
