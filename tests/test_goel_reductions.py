"""goel2021 reductions (our reconstruction): set systems and exact cover numbers, reduction A (Set Cover -> one
bias-free ReLU) with its bounds and exact optimum, hypergraph / graph colouring and reduction B's witness, the
random-teacher control."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp, minimize

from depth2.papers.goel2021 import reductions as R

# ---------------------------------------------------------------- independent implementations for cross-checks


def _cover_number_milp(sets, m: int) -> int:
    """Set Cover as a 0/1 integer program (HiGHS): min sum x s.t. A^T x >= 1."""
    A = R.incidence(sets, m).astype(float)
    res = milp(np.ones(A.shape[0]), constraints=LinearConstraint(A.T, lb=1.0), integrality=np.ones(A.shape[0]),
               bounds=Bounds(0, 1))
    assert res.success
    return round(res.fun)


def _colourable_exhaustive(edges, n: int, k: int) -> bool:
    """Every one of the k^n colourings, vectorized: is one of them proper?"""
    C = np.array(list(itertools.product(range(k), repeat=n)), dtype=np.int64)
    ok = np.ones(C.shape[0], dtype=bool)
    for e in edges:
        cols = C[:, list(e)]
        ok &= ~(cols == cols[:, :1]).all(axis=1)
    return bool(ok.any())


def _raw_restart_min(X, y, rng, restarts: int) -> float:
    """Random-restart L-BFGS on the raw summed loss of relu(<w, x>)."""

    def fg(w):
        p = X @ w
        r = np.maximum(p, 0.0) - y
        return float(r @ r), X.T @ (2.0 * r * (p > 0))

    best = np.inf
    for _ in range(restarts):
        w0 = rng.standard_normal(X.shape[1]) * rng.choice([0.3, 1.0, 3.0])
        best = min(best, minimize(fg, w0, jac=True, method="L-BFGS-B").fun)
    return best


# ---------------------------------------------------------------- set systems


def test_three_set_example_has_cover_number_two():
    inst = R.three_set_example()
    assert R.cover_number(inst.sets, inst.n_elements) == inst.cover_number == 2
    assert R.min_cover(inst.sets, inst.n_elements) == (0, 1)
    assert not any(R.is_cover(inst.sets, [i], 6) for i in range(3))
    assert R.is_cover(inst.sets, [0, 1], 6) and not R.is_cover(inst.sets, [0, 2], 6)


def test_cover_number_matches_integer_program_on_random_systems():
    rng = np.random.default_rng(0)
    taus = []
    for _ in range(40):
        N, m = int(rng.integers(1, 12)), int(rng.integers(1, 14))
        sets = R.random_set_system(rng, N, m, float(rng.uniform(0.05, 0.7)))
        assert R.incidence(sets, m).any(axis=0).all()  # the repair leaves every element in some set
        cover = R.min_cover(sets, m)
        assert R.is_cover(sets, cover, m)
        assert len(cover) == _cover_number_milp(sets, m)
        taus.append(len(cover))
    assert len(set(taus)) >= 4  # the instances are not all alike


def test_random_set_system_is_deterministic():
    a = R.random_set_system(np.random.default_rng(5), 6, 9, 0.3)
    b = R.random_set_system(np.random.default_rng(5), 6, 9, 0.3)
    assert a == b and len(a) == 6


# ---------------------------------------------------------------- reduction A


@pytest.mark.parametrize("M", [0.5, 4.0, 1e4])
def test_cover_witness_has_loss_equal_to_cover_size(M):
    rng = np.random.default_rng(1)
    for _ in range(10):
        N, m = int(rng.integers(2, 9)), int(rng.integers(2, 10))
        sets = R.random_set_system(rng, N, m, 0.3)
        X, y = R.set_cover_points(sets, m, M)
        assert X.shape == (N + m, N) and y.shape == (N + m,)
        for cover in (R.min_cover(sets, m), tuple(range(N))):
            w = R.cover_witness(sets, cover, m)
            assert R.sum_squared_loss(w, X, y) == pytest.approx(len(cover), abs=1e-12)
            # mean loss = sum / n with n = N + m
            assert np.mean((np.maximum(X @ w, 0) - y) ** 2) == pytest.approx(len(cover) / (N + m), abs=1e-12)


def test_element_points_carry_weight_M():
    sets, m, M = [(0, 1), (1,)], 2, 7.0
    X, y = R.set_cover_points(sets, m, M)
    np.testing.assert_allclose(X[2:], np.sqrt(M) * np.array([[1.0, 0.0], [1.0, 1.0]]))
    w = np.array([0.3, 0.2])
    weighted = (0.3 - 1) ** 2 + (0.2 - 1) ** 2 + M * (0.3**2 + 0.5**2)
    assert R.sum_squared_loss(w, X, y) == pytest.approx(weighted, rel=1e-14)


def test_exact_opt_within_bounds_and_not_beaten_by_restarts():
    """OPT (exact, NNLS over patterns) lies in [tau M/(M+1), tau], above the digest's bound too; its minimizer
    attains it; random-restart L-BFGS on the raw loss never goes below it."""
    rng = np.random.default_rng(2)
    for trial in range(12):
        N, m = int(rng.integers(2, 5)), int(rng.integers(2, 6))
        sets = R.random_set_system(rng, N, m, 0.4)
        tau = R.cover_number(sets, m)
        M = float(rng.choice([1.0, 4.0 * N, 25.0]))
        X, y = R.set_cover_points(sets, m, M)
        opt, w = R.set_cover_relu_opt(sets, m, M)
        assert R.sum_squared_loss(w, X, y) == pytest.approx(opt, abs=1e-9)
        lo_digest, hi = R.reduction_a_bounds(tau, M)
        lo_sharp, _ = R.reduction_a_bounds(tau, M, bound="sharp")
        assert lo_digest < lo_sharp <= opt + 1e-12 and opt <= hi + 1e-12
        if trial < 6:
            assert _raw_restart_min(X, y, rng, 15) >= opt - 1e-7


def test_sharp_lower_bound_is_attained_and_holds_for_random_weights():
    # one set, one element: min_w (w - 1)^2 + M w^2 = M / (M + 1), strictly above the digest's bound
    for M in (1.0, 9.0, 100.0):
        opt, _ = R.set_cover_relu_opt([(0,)], 1, M)
        assert opt == pytest.approx(M / (M + 1), rel=1e-12)
        assert R.reduction_a_bounds(1, M)[0] < opt
    # disjoint singletons: OPT = tau M / (M + 1) exactly
    opt, _ = R.set_cover_relu_opt([(0,), (1,), (2,)], 3, 4.0)
    assert opt == pytest.approx(3 * 4.0 / 5.0, rel=1e-12)
    # the bound for arbitrary w (the rounding argument), probed at many random scales
    rng = np.random.default_rng(3)
    for _ in range(5):
        sets = R.random_set_system(rng, 6, 7, 0.35)
        tau, M = R.cover_number(sets, 7), 3.0
        X, y = R.set_cover_points(sets, 7, M)
        W = rng.standard_normal((6, 20000)) * rng.choice([0.05, 0.3, 1.0, 3.0], size=20000)
        losses = np.sum((np.maximum(X @ W, 0) - y[:, None]) ** 2, axis=0)
        assert losses.min() >= tau * M / (M + 1) - 1e-12


def test_separation_thresholds():
    for t in (1, 2, 5, 30):
        M9 = R.digest_separating_M(t)
        assert M9 == 9 * t * t and M9 > R.min_separating_M(t) > R.min_separating_M(t, "sharp") == t
        # the digest's M = 9 t^2 guarantees less than t + 1/2 for tau >= t + 1 (its bound is loose) ...
        assert R.reduction_a_bounds(t + 1, M9)[0] < t + 0.5
        # ... the sharp bound with M > 2t + 1 guarantees more
        assert R.reduction_a_bounds(t + 1, 2 * t + 1.01, bound="sharp")[0] > t + 0.5
        assert t < R.reduction_a_threshold(t, M9, bound="digest") < R.reduction_a_bounds(t + 1, M9)[0]
    with pytest.raises(ValueError, match="does not separate"):
        R.reduction_a_threshold(3, 40.0, bound="digest")  # needs M > 41.8
    with pytest.raises(ValueError, match="does not separate"):
        R.reduction_a_threshold(3, 3.0, bound="sharp")
    # on instances: the exact optimum falls on the right side of the threshold
    rng = np.random.default_rng(4)
    for _ in range(8):
        sets = R.random_set_system(rng, 6, 7, 0.3)
        tau = R.cover_number(sets, 7)
        for t in {max(1, tau - 1), tau}:
            thr = R.reduction_a_threshold(t, 4.0 * 6)
            assert (R.set_cover_relu_opt(sets, 7, 4.0 * 6)[0] < thr) == (tau <= t)


# ---------------------------------------------------------------- hypergraphs, graphs, reduction B


def test_fano_plane_is_a_projective_plane_and_not_2_colourable():
    F = R.fano_plane()
    pairs = [tuple(sorted(p)) for e in F for p in itertools.combinations(e, 2)]
    assert sorted(pairs) == list(itertools.combinations(range(7), 2))  # every pair on exactly one line
    assert R.is_k_colourable(F, 7, 2) is None
    col = R.is_k_colourable(F, 7, 3)
    assert col is not None and R.is_proper_colouring(F, col)


def test_known_non_colourable_instances():
    K5 = R.complete_3_uniform(5)
    assert K5.shape == (10, 3) and R.is_k_colourable(K5, 5, 2) is None
    assert R.is_k_colourable(R.complete_3_uniform(7), 7, 3) is None
    assert R.is_k_colourable(R.complete_graph(4), 4, 3) is None
    assert R.is_k_colourable(R.complete_graph(4), 4, 4) is not None
    assert R.is_k_colourable(R.wheel_graph(5), 6, 3) is None  # odd wheel W_5
    assert R.is_k_colourable(R.wheel_graph(4), 5, 3) is not None  # even wheel: 3-colourable


def test_planted_instances_are_colourable():
    rng = np.random.default_rng(6)
    for k in (2, 3):
        E, col = R.planted_colourable(rng, 10, 30, k=k)
        assert E.shape == (30, 3) and len({tuple(e) for e in E}) == 30
        assert R.is_proper_colouring(E, col) and set(col.tolist()) == set(range(k))
        found = R.is_k_colourable(E, 10, k)
        assert found is not None and R.is_proper_colouring(E, found)
    E, col = R.planted_3_colourable(rng, 12, 0.7)
    assert R.is_proper_colouring(E, col) and R.is_k_colourable(E, 12, 3) is not None


def test_backtracking_matches_exhaustive_search():
    rng = np.random.default_rng(7)
    answers = []
    for _ in range(30):
        n = int(rng.integers(5, 9))
        E = R.random_3_uniform(rng, n, int(rng.integers(1, min(25, n * (n - 1) * (n - 2) // 6))))
        col = R.is_k_colourable(E, n, 2)
        assert (col is not None) == _colourable_exhaustive(E, n, 2)
        assert col is None or R.is_proper_colouring(E, col)
        answers.append(col is not None)
    for _ in range(20):
        n = int(rng.integers(4, 8))
        G = R.random_graph(rng, n, float(rng.uniform(0.3, 0.9)))
        col = R.is_k_colourable(G, n, 3)
        assert (col is not None) == _colourable_exhaustive(G, n, 3)
        answers.append(col is not None)
    assert any(answers) and not all(answers)


def test_colouring_witness_has_zero_loss():
    rng = np.random.default_rng(8)
    for k in (2, 3):
        E, col = R.planted_colourable(rng, 9, 25, k=k)
        X, y = R.colouring_points(E, 9)
        assert X.shape == (9 + 25, 9) and y.sum() == 9
        V = R.colouring_witness(col, k)
        assert V.shape == (9, k) and R.sum_squared_loss(V, X, y) == 0.0
        # -2 is tight for 3-uniform edges: -1 fails wherever an edge has two vertices of one colour
        assert R.sum_squared_loss(R.colouring_witness(col, k, off=-1.0), X, y) > 0
    G, col = R.planted_3_colourable(rng, 10, 0.6)
    X, y = R.colouring_points(G, 10)
    assert R.sum_squared_loss(R.colouring_witness(col, 3), X, y) == 0.0
    assert R.sum_squared_loss(R.colouring_witness(col, 3, off=-1.0), X, y) == 0.0  # graph edges: -1 suffices
    bad = col.copy()
    u, v = G[0]
    bad[v] = bad[u]  # make one edge monochromatic
    assert R.sum_squared_loss(R.colouring_witness(bad, 3), X, y) > 0


# ---------------------------------------------------------------- teacher control


def test_teacher_data():
    X, y, w, b = R.teacher_data(np.random.default_rng(9), 200, 4, 0.0)
    assert X.shape == (200, 4) and y.shape == (200,) and np.linalg.norm(w) == pytest.approx(1.0)
    np.testing.assert_allclose(y, np.maximum(X @ w + b, 0.0))
    X2, y2, w2, b2 = R.teacher_data(np.random.default_rng(9), 200, 4, 0.5)
    np.testing.assert_array_equal(X, X2)
    assert b2 == b and 0.3 < np.std(y2 - y) < 0.7


# ---------------------------------------------------------------- bad arguments


def test_bad_arguments_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="n_sets"):
        R.random_set_system(rng, 0, 3, 0.5)
    with pytest.raises(ValueError, match="p must"):
        R.random_set_system(rng, 3, 3, 1.5)
    with pytest.raises(TypeError, match="rng"):
        R.random_set_system(0, 3, 3, 0.5)
    with pytest.raises(ValueError, match="outside"):
        R.cover_number([(0, 5)], 3)
    with pytest.raises(ValueError, match="in no set"):
        R.cover_number([(0,), (1,)], 3)
    with pytest.raises(ValueError, match="M must"):
        R.set_cover_points([(0,)], 1, 0.0)
    with pytest.raises(ValueError, match="M must"):
        R.set_cover_points([(0,)], 1, float("nan"))
    with pytest.raises(ValueError, match="does not cover"):
        R.cover_witness([(0,), (1,)], [0], 2)
    with pytest.raises(ValueError, match="bound must"):
        R.reduction_a_bounds(2, 4.0, bound="tight")
    with pytest.raises(ValueError, match="tau"):
        R.reduction_a_bounds(0, 4.0)
    with pytest.raises(ValueError, match="n_edges"):
        R.random_3_uniform(rng, 5, 11)
    with pytest.raises(ValueError, match="distinct"):
        R.colouring_points([(0, 0, 1)], 3)
    with pytest.raises(ValueError, match="colouring"):
        R.colouring_witness(np.array([0, 2]), 2)
    with pytest.raises(ValueError, match="off"):
        R.colouring_witness(np.array([0, 1]), 2, off=0.5)
    with pytest.raises(ValueError, match="W must"):
        R.sum_squared_loss(np.ones(3), np.ones((4, 2)), np.ones(4))
    with pytest.raises(ValueError, match="noise"):
        R.teacher_data(rng, 10, 2, -1.0)
    with pytest.raises(ValueError, match="max_subsets"):
        R.min_cover([(j,) for j in range(30)], 30, max_subsets=1000)


# ---------------------------------------------------------------- with a bias (issue 19)


def test_biased_relu_fits_reduction_a_without_the_gadget():
    """w = -c 1, b = 1 + c, c = 1 / (sqrt(M) - 1): loss 0 on every instance (the bias-free reduction fails)."""
    for seed in range(4):
        rng = np.random.default_rng(seed)
        sets = R.random_set_system(rng, 7, 8, 0.3)
        M = 9.0 * 49
        X, y = R.set_cover_points(sets, 8, M)
        w, b = R.bias_free_fit_with_bias(M, 7)
        assert np.sum((np.maximum(X @ w + b, 0.0) - y) ** 2) < 1e-20
        # with the gadget the same net pays W0 relu(b)^2 at the origin
        Xo, yo = R.set_cover_points(sets, 8, M, origin=28)
        assert np.sum((np.maximum(Xo @ w + b, 0.0) - yo) ** 2) == pytest.approx(28 * b * b)


def test_origin_gadget_restores_reduction_a_with_a_bias():
    """Exact OPT of one biased ReLU with the origin gadget lies in [proven lower bound, tau] and above tau - 1;
    the bias-free optimum is unchanged by the origin rows."""
    from depth2.learners.exact_relu import exact_relu_erm

    for seed in range(3):
        rng = np.random.default_rng(10 + seed)
        sets = R.random_set_system(rng, 6, 6, 0.35)
        tau, M, W0 = R.cover_number(sets, 6), 9.0 * 36, 24
        X, y = R.set_cover_points(sets, 6, M, origin=W0)
        assert X.shape == (6 + 6 + W0, 6) and np.all(X[-W0:] == 0) and np.all(y[-W0:] == 0)
        Xa = np.hstack([X, np.ones((X.shape[0], 1))])
        opt_bias = exact_relu_erm(Xa, y, width=1).loss * X.shape[0]
        lower = R.reduction_a_bias_lower(tau, M, W0)
        assert tau - 1 < lower <= opt_bias + 1e-9 and opt_bias <= tau + 1e-9
        opt_free = exact_relu_erm(X, y, width=1).loss * X.shape[0]
        assert opt_free == pytest.approx(R.set_cover_relu_opt(sets, 6, M)[0], abs=1e-7)


def test_bias_lower_bound_formula():
    assert R.reduction_a_bias_lower(3, 900.0, 0) == 0.0
    rho = (1 + 900**-0.5) ** -2
    assert R.reduction_a_bias_lower(3, 900.0, 40) == pytest.approx(3 * rho * 40 / (40 + 3 * rho))
    # it increases to tau rho as the origin weight grows
    assert R.reduction_a_bias_lower(3, 900.0, 10**9) == pytest.approx(3 * rho, rel=1e-8)
    with pytest.raises(ValueError, match="origin"):
        R.reduction_a_bias_lower(3, 900.0, -1)


def test_mixed_sign_biased_pair_fits_every_colouring_instance():
    """relu(S) - relu(r/(r-1) (S - 1)): loss 0 on every instance, colourable or not, with or without origin rows;
    for k = 3 with a zero unit it is the (1, 1, -1), b = (0, 0, -2) fit of K_4."""
    from depth2.core.models import forward

    cases = [(R.fano_plane(), 7, 3), (R.complete_3_uniform(5), 5, 3), (R.complete_graph(4), 4, 2),
             (R.wheel_graph(5), 6, 2)]
    for edges, n, r in cases:
        assert R.is_k_colourable(edges, n, 2) is None  # none is 2-colourable
        net = R.mixed_sign_bias_net(n, r)
        for origin in (0, n):
            X, y = R.colouring_points(edges, n, origin=origin)
            assert np.max(np.abs(forward("relu_net", net, X) - y)) < 1e-12
    net = R.mixed_sign_bias_net(4, 2)
    k3 = {"a": np.array([1.0, 1.0, -1.0]), "W": np.column_stack([net["W"][:, 0], np.zeros(4), net["W"][:, 1]]),
          "b": np.array([0.0, 0.0, net["b"][1]])}
    assert k3["b"][2] == -2.0 and R.is_k_colourable(R.complete_graph(4), 4, 3) is None
    X, y = R.colouring_points(R.complete_graph(4), 4, origin=4)
    assert np.max(np.abs(forward("relu_net", k3, X) - y)) < 1e-12


def test_positive_biased_units_with_gadget_realizable_iff_colourable():
    """Exact solver, k = 2 positive biased units, origin rows: loss 0 on a planted instance, > 0 on
    K_5^(3) (which one biased unit fits exactly without the gadget)."""
    from depth2.learners.exact_relu import exact_relu_erm

    rng = np.random.default_rng(5)
    planted, _ = R.planted_colourable(rng, 6, 6)
    for edges, n, colourable in ((planted, 6, True), (R.complete_3_uniform(5), 5, False)):
        X, y = R.colouring_points(edges, n)
        one = np.full(n, -0.5)  # w = -1/(r-1) 1, b = 1 + 1/(r-1) without the gadget
        assert np.sum((np.maximum(X @ one + 1.5, 0.0) - y) ** 2) < 1e-20
        Xo, yo = R.colouring_points(edges, n, origin=n)
        Xa = np.hstack([Xo, np.ones((Xo.shape[0], 1))])
        opt = exact_relu_erm(Xa, yo, width=2, signs=[1.0, 1.0]).loss * Xo.shape[0]
        assert (opt <= 1e-8) == colourable


def test_arrangement_count_matches_the_enumeration():
    """Cover's count 2 sum_{i<d} C(n-1, i) equals the cells the exact solver enumerates (brute force)."""
    from depth2.learners.exact_relu import count_cells

    rng = np.random.default_rng(0)
    for n, d in ((5, 2), (7, 3), (8, 4), (6, 3), (9, 3)):
        assert count_cells(rng.standard_normal((n, d))) == R.arrangement_cells(n, d)
    assert R.arrangement_cells(8, 4) == 2 ** 7 and R.arrangement_cells(0, 3) == 1
