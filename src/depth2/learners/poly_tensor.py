"""Tensor-decomposition learners for ``y = sum_i a_i p(<w_i, x>)`` with a known polynomial ``p``
(Mondelli & Montanari, AISTATS 2019: ``p = He_3``, ``x ~ N(0, I_d)``, the hard regime ``d^1.5 < r < d^2``).

The order-3 Hermite moment is ``T3 = E[y He_3(x)] = 6 c3 sum_i a_i w_i^{(x)3}``, with ``c3`` the He_3
coefficient of ``p`` (``= coef[3]`` for a cubic). Every learner sees T3 only through the implicit operator
:class:`~depth2.core.cubic_moments.CubicMoments` (contractions against the data, chunked over the rows; no
d^3 array is ever formed), finds the directions ``w_i``, orients them so that ``T3(w, w, w) / c3 > 0`` (the
planted ``a_i`` are positive), and fits the output layer ``(a, c)`` by ridge regression on the features
``p(<w_i, x>)`` (:func:`fit_output_layer`). All return ``poly_net`` fits (``W`` with unit columns).
A "pass" below is one sweep over the n rows; ``vectors`` on k columns costs O(n d k), a contraction
``T3(., ., g)`` O(n d^2).

``tensor_jennrich`` (``width <= d``)
    Subspace ``U`` = top-``width`` left singular vectors of ``[T3(., ., g_1) ... T3(., ., g_q)]`` (q random
    Gaussian g's, ``subspace_draws``, one pass); Jennrich (:func:`depth2.core.tensor.jennrich`) on the
    restricted tensor ``h -> U^T T3(., ., U h) U`` (one pass per contraction, 2 ``draws`` of them);
    ``polish_iters`` plain power steps ``v <- T3(., v, v) / |.|`` on all columns at once; then the joint
    refinement and repair below. Jennrich itself is fragile under sampling noise (the eigenvalues of
    ``M_1 M_2^{-1}`` are ratios of Gaussians): at d = 100, n = 1e5 it alone recovers few components even
    for r = 20, and the repair rounds do most of the work (``info["repaired"]``; ``repair_rounds=0`` is the
    pure method).

``tensor_power`` (any width)
    Symmetric tensor power method ``u <- T3(., u, u) - sum_j l_j <v_j, u>^2 v_j`` (implicitly deflated by
    the components already found), batched: a *round* runs ``restarts`` starts per missing component at
    once as the columns of ``U`` (one ``vectors`` pass per step; columns that moved less than ``tol``
    (``1 - |cos|``) leave the batch), for at most ``iters`` steps. Starts are uniform (``init="random"``) or
    the top and bottom eigenvectors of random deflated contractions ``T3(., ., g)`` (``init="svd"``, one
    extra pass of O(n d^2 K / 2)). The round's candidates are ranked by ``|T3_deflated(u, u, u)|``; those
    within ``accept_frac`` of the round's best and farther than ``dedupe`` (|cos|) from every accepted
    component are accepted. (This is the textbook one-component-per-round deflation keeping the best
    restart, except that a round may keep several distinct winners: with r in the hundreds, one round per
    component would cost r * iters passes.) Rounds repeat until ``width`` components are found or a round
    adds none (``max_rounds``); a shortfall is filled with the remaining candidates least similar to the
    accepted ones. Few steps are better than many past d: with r > d, long power runs drift to maxima of
    the sampling noise (at d = 100, r = 150, n = 1e5, 10 steps then refinement recover ~97%, 50 steps ~89%).
    Then the joint refinement and repair (``refine_iters=0`` is the ablation without either).

``tensor_spectral`` (``width <= d``)
    The spectral method on the (d^2 x d^2) operator ``M = sum_j vec(T_j) vec(T_j)^T`` with ``T_j =
    T3(., ., e_j)``, applied implicitly as ``M(V) = T3(., ., c(V))``, ``c_j = <T_j, V>``
    (:meth:`~depth2.core.cubic_moments.CubicMoments.flattening_apply`). ``M = A A^T`` for the (d^2 x d)
    flattening ``A`` of T3, so its top-``width`` eigenspace is the top left singular space of ``A``, which is
    ``span{w_i w_i^T}`` in population. It is found by a randomized range finder: ``Y = A G`` for
    ``k = min(d, width + oversample)`` random g's (one pass), ``power_iters`` steps ``Y <- M(Y)``
    (two passes each), then the SVD of the k x d matrix ``Q^T A`` (one pass). Each pass costs
    O(n d^2 k) flops (one GEMM of rows x d(d+1)/2 pair features by k) and O(d^2 k) memory, so the
    subspace costs O(n d^2 k (2 + 2 power_iters)).
    Rounding: the projector ``P_S`` onto that r-dimensional subspace S of symmetric matrices is close to
    ``sum_i (w_i (x) w_i)(w_i (x) w_i)^T`` (an order-4 tensor with the same components), so the fourth-order
    power iteration ``u <- P_S(u u^T) u`` (O(d^2 r) per start and step, no pass over the data) converges
    to the w_i; fixed points are ranked by ``|P_S(u u^T)|_F^2`` (1 for an exact component), accepted as in
    ``tensor_power``, and the accepted ``w w^T`` are projected out of S before the next round. Then the joint
    refinement and repair on T3.
    Limits: ``A`` has rank <= d, so ``M`` has at most d nonzero eigenvalues and the method cannot go past
    ``width = d`` (a ValueError says so). The flattening's sampling noise has spectral norm about
    ``sd(y) d / sqrt(n)`` against a signal of ``6 |c3 a_i|``, so the subspace needs ``n >~ Var(y) d^2 / 36``
    (``= r d^2 / 6`` for He_3; at d = 100, r = 50, n = 1e5 it is at that edge and the refinement finishes
    the job). The Hopkins-Schramm-Shi-Steurer operators that go past d (Kronecker-type
    ``sum_j T_j V T_j``, and their corrected liftings) cannot be applied from samples without the d^3
    tensor or O(n^2) pair sums, and are not implemented.

Population mode (``population = true``): the learner reads the data family's exact moment operator
(:class:`~depth2.core.cubic_moments.PopulationMoments`, through :func:`depth2.core.data.population_of`) instead
of the rows, so every method runs unchanged at n = infinity in O(d r k) per contraction, and the output layer
is the exact least-squares solution (:func:`fit_output_layer_population`). ``tensor_power_only`` is
``tensor_power`` without the refinement and repair: the power search's own share of the recovery.

Convergence (``Fit.info``, :func:`depth2.learners.base.convergence`): a refined fit is converged when L-BFGS
stopped by its own test (relative decrease ``refine_tol``, default 1e-8, or the projected gradient) before
``refine_iters`` evaluations (default 5000 per refinement, so ``refine_iters * (1 + repair_rounds)`` in all);
``tensor_power_only`` when every accepted start met the power method's ``tol`` within ``iters`` steps.

Joint refinement (:func:`joint_refine`): L-BFGS on ``|T3 - sum_i l_i v_i^{(x)3}|_F^2`` over unit ``v_i``
with the weights ``l`` eliminated, computed without the dense tensor as ``|T3|^2 - 2 sum_i l_i s_i +
l^T (G o G o G) l`` (``s_i = T3(v_i, v_i, v_i)``, ``G = V^T V``): one ``vectors`` pass (O(n d r)) per
evaluation, at most ``refine_iters`` evaluations. A small ridge on ``l`` (``REFINE_RIDGE``, relative to the
unit diagonal of ``G o G o G``) rules out the degenerate optima where two nearly parallel components carry
huge cancelling weights. Repair (:func:`refine_and_repair`, ``repair_rounds``): columns whose weight is
below ``WEAK_FRAC`` times the median, or that duplicate a heavier column, are searched again by the
deflated power method against the refined others, everything is refined again, and the result is kept
only if it fits T3 better (so components of genuinely small weight cost time, not accuracy).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from depth2.core.cubic_moments import CubicMoments, PopulationMoments
from depth2.core.data import as_samples, population_of
from depth2.core.tensor import jennrich
from depth2.learners.base import Fit, check_params, convergence, register

DEFAULT_COEF = (0.0, -3.0, 0.0, 1.0)

COMMON_DEFAULTS: dict[str, Any] = {
    "coef": DEFAULT_COEF,  # the known polynomial p, monomial coefficients
    "residualize": 1,  # label parts removed before contracting (CubicMoments)
    "max_rows": 200_000,  # rows for the output-layer ridge regression
    "ridge": 1e-6,  # relative ridge of the output layer
    "cache_mb": 1024,  # a generated data stream up to this size is held in memory (many passes are made)
    "population": False,  # n = infinity: contract the data family's exact T3 (PopulationMoments), not the rows
    "refine_tol": 1e-8,  # the joint refinement stops when L-BFGS's relative decrease falls below this
    "refine_memory": 10,  # L-BFGS memory (correction pairs) of the joint refinement
}
JENNRICH_DEFAULTS: dict[str, Any] = {**COMMON_DEFAULTS, "subspace_draws": 10, "draws": 4, "polish_iters": 5,
                                     "refine_iters": 5000, "repair_rounds": 1}
POWER_DEFAULTS: dict[str, Any] = {**COMMON_DEFAULTS, "init": "random", "restarts": 3, "iters": 10, "refine_iters": 5000,
                                  "repair_rounds": 1, "tol": 1e-4, "dedupe": 0.8, "accept_frac": 0.5,
                                  "max_rounds": 8}
SPECTRAL_DEFAULTS: dict[str, Any] = {**COMMON_DEFAULTS, "oversample": 10, "power_iters": 1, "restarts": 10,
                                     "iters": 50, "refine_iters": 5000, "repair_rounds": 1, "tol": 1e-4,
                                     "dedupe": 0.8, "accept_frac": 0.5, "max_rounds": 8}
_SEARCH_KEYS = ("init", "restarts", "iters", "tol", "max_rounds")
WEAK_FRAC = 0.75  # repair: columns weighing less than this times the median weight are searched again
REFINE_RIDGE = 0.01  # ridge on the component weights in the refinement: stops diverging, cancelling pairs


# ---------------------------------------------------------------------------- shared pieces
def he3_coefficient(coef) -> float:
    """The He_3 coefficient ``c3`` of ``p(z) = sum_k coef[k] z^k`` (``E[p(z) He_3(z)] = 6 c3``).

    Raises
    ------
    ValueError
        If ``coef`` is not a non-empty 1-D list of finite numbers, or ``c3 = 0`` (T3 then carries no signal).
    """
    c = np.asarray(coef, dtype=float)
    if c.ndim != 1 or c.size == 0 or not np.all(np.isfinite(c)):
        raise ValueError(f"coef must be a non-empty 1-D list of finite monomial coefficients, got {coef!r}")
    herme = np.polynomial.hermite_e.poly2herme(c)
    c3 = float(herme[3]) if herme.size > 3 else 0.0
    if abs(c3) < 1e-12:
        raise ValueError(f"coef = {list(c)} has no He_3 component: the order-3 moment carries no signal")
    return c3


def _moments(X, y, p: dict) -> CubicMoments | PopulationMoments:
    """The moment operator: the rows' :class:`CubicMoments`, or with ``population`` the exact
    :class:`PopulationMoments` of the data family (n = infinity; the rows are not read)."""
    if p["population"]:
        pop = population_of(as_samples(X, y))
        if not isinstance(pop, PopulationMoments):
            raise ValueError("population = true needs a data family whose population is a PopulationMoments")
        return pop
    return CubicMoments(X, y, residualize=p["residualize"], cache_bytes=int(float(p["cache_mb"]) * 2**20))


def _unit_columns(V: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(V, axis=0)
    return V / np.where(norms > 0, norms, 1.0)


def _random_unit(rng: np.random.Generator, d: int, k: int) -> np.ndarray:
    return _unit_columns(rng.standard_normal((d, k)))


def _check_width(name: str, width, d: int, *, max_d: bool) -> int:
    r = int(width)
    if r != width or r < 1:
        raise ValueError(f"{name}: width must be a positive integer, got {width!r}")
    if max_d and r > d:
        raise ValueError(f"{name}: width = {r} exceeds d = {d}; this method needs width <= d "
                         "(use tensor_power for overcomplete widths)")
    return r


def joint_refine(cm: CubicMoments, V: np.ndarray, iters: int, ftol: float = 1e-9, memory: int = 10
                 ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Joint refinement of all components on ``|T3 - sum_i l_i v_i^{(x)3}|_F^2`` (see the module docstring).

    L-BFGS over the columns ``u_i`` (``v_i = u_i / |u_i|``) of the objective with the weights eliminated,
    ``f(V) = min_l [-2 l.s + l^T (G o G o G) l] = -l*.s`` (``s_i = T3(v_i, v_i, v_i)``, ``G = V^T V``), whose
    gradient in ``v_i`` is ``-6 l_i T3(., v_i, v_i) + 6 l_i sum_j l_j <v_i, v_j>^2 v_j`` (the weights at their
    optimum). One ``vectors`` pass per evaluation.

    Parameters
    ----------
    cm : CubicMoments
    V : (d, r) initial components (normalized here)
    iters : int
        Maximum objective evaluations (= passes over the data); 0 only fits ``l``.
    ftol : float
        Relative decrease of the objective below which L-BFGS stops.

    Returns
    -------
    V : (d, r) unit columns oriented so that ``T3(v, v, v) >= 0``, l : (r,) weights, info : dict with the
    evaluations made, the largest move of a column (``1 - |cos|``), the objective before and after, and
    ``refine_converged`` (L-BFGS stopped by its own test, ``ftol`` or the gradient, before the budget) and
    ``refine_rel_decrease`` (the last relative decrease between accepted iterates).
    """
    from scipy.optimize import minimize

    V0 = _unit_columns(np.asarray(V, dtype=float))
    d, r = V0.shape
    evals = [0]
    scale = [1.0]
    history: list[float] = []
    last = [float("nan")]

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        U = x.reshape(d, r)
        nrm = np.linalg.norm(U, axis=0)
        nrm = np.where(nrm > 0, nrm, 1.0)
        Vt = U / nrm
        Tv = cm.vectors(Vt)
        evals[0] += 1
        s = np.sum(Vt * Tv, axis=0)
        G = Vt.T @ Vt
        lam = _solve_weights(G, s, REFINE_RIDGE)
        f = -float(lam @ s)
        gV = 6.0 * lam[None, :] * (Vt @ (G * G * lam[:, None]) - Tv)
        gU = (gV - Vt * np.sum(Vt * gV, axis=0)) / nrm
        last[0] = f / scale[0]
        return f / scale[0], gU.ravel() / scale[0]

    def record(xk: np.ndarray) -> None:  # accepted iterates (L-BFGS evaluates at xk last): their objective
        history.append(last[0])

    V1 = V0
    converged, rel = r == 0, None
    if int(iters) > 0 and r > 0:
        f_start, _ = fun(V0.ravel())
        scale[0] = max(abs(f_start), 1e-300)  # L-BFGS works in units of the starting objective
        res = minimize(fun, V0.ravel(), jac=True, method="L-BFGS-B", callback=record,
                       options={"maxiter": int(iters), "maxfun": max(1, int(iters) - 1), "ftol": float(ftol),
                                "gtol": 1e-8, "maxcor": int(memory)})
        V1 = _unit_columns(res.x.reshape(d, r))
        f_end = float(res.fun) * scale[0]
        converged = bool(res.success)  # status 0: ftol or gtol met; 1: evaluation or iteration budget spent
        vals = [float(np.sign(f_start)), *history]  # the start is -1 or +1 in units of |f_start|
        if len(vals) >= 2:
            rel = float((vals[-2] - vals[-1]) / max(abs(vals[-2]), abs(vals[-1]), 1.0))
    else:
        f_end = f_start = float("nan")
    move = float(np.max(1.0 - np.abs(np.sum(V1 * V0, axis=0)))) if r else 0.0
    s = cm.scalars(V1)
    V1 = V1 * np.where(s < 0, -1.0, 1.0)
    lam = _solve_weights(V1.T @ V1, np.abs(s))
    return V1, lam, {"refine_evaluations": evals[0], "refine_move": move, "refine_objective_start": f_start,
                     "refine_objective_end": f_end, "refine_converged": bool(converged), "refine_rel_decrease": rel}


def _solve_weights(G: np.ndarray, s: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """Weights of unit components from ``(G o G o G + ridge I) l = s`` (least squares when ridge = 0)."""
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    G3 = G * G * G  # a Hadamard product of Gram matrices: positive semidefinite, so Cholesky with the ridge
    try:
        return cho_solve(cho_factor(G3 + (float(ridge) + 1e-10) * np.eye(G.shape[0])), s)
    except (LinAlgError, np.linalg.LinAlgError):
        return np.linalg.lstsq(G3, s, rcond=None)[0]


def _accept(cands: np.ndarray, vals: np.ndarray, found: np.ndarray, need: int, dedupe: float,
            accept_frac: float) -> np.ndarray:
    """Indices of the candidates (columns) to accept: best |val| first, within ``accept_frac`` of the best,
    and farther than ``dedupe`` (|cos|) from the found components and from each other."""
    order = np.argsort(-np.abs(vals))
    if order.size == 0:
        return order
    thresh = accept_frac * abs(vals[order[0]])
    chosen: list[int] = []
    basis = found
    for i in order:
        if len(chosen) >= need or abs(vals[i]) < thresh:
            break
        u = cands[:, i]
        if basis.shape[1] and np.max(np.abs(basis.T @ u)) >= dedupe:
            continue
        chosen.append(int(i))
        basis = np.column_stack([basis, u])
    return np.array(chosen, dtype=int)


def _fill(found: np.ndarray, pool: np.ndarray, pool_vals: np.ndarray, r: int, rng: np.random.Generator,
          dedupe: float) -> np.ndarray:
    """Complete ``found`` to r columns: first the best remaining candidates that duplicate nothing (those that
    fell below the acceptance threshold), then the candidates least similar to the columns so far, then
    random unit vectors (the joint refinement moves them)."""
    V = found
    if V.shape[1] < r and pool.size:
        extra = _accept(pool, pool_vals, V, r - V.shape[1], dedupe, 0.0)
        V = np.column_stack([V, pool[:, extra]])
        rest = np.setdiff1d(np.arange(pool.shape[1]), extra)
        while V.shape[1] < r and rest.size:
            sim = np.max(np.abs(V.T @ pool[:, rest]), axis=0) if V.shape[1] else np.zeros(rest.size)
            j = int(np.argmin(sim))
            V = np.column_stack([V, pool[:, rest[j]]])
            rest = np.delete(rest, j)
    if V.shape[1] < r:
        V = np.column_stack([V, _random_unit(rng, found.shape[0], r - V.shape[1])])
    return V[:, :r]


def fit_output_layer(samples, W: np.ndarray, coef, *, max_rows: int = 200_000,
                     ridge: float = 1e-6) -> tuple[np.ndarray, float]:
    """Ridge regression of y on the features ``p(<w_i, x>)`` and an intercept over the first ``max_rows`` rows.

    Chunked normal equations; the ridge is ``ridge * mean diag`` of the feature block (the intercept is not
    penalized). Returns (a (r,), c).
    """
    c = np.asarray(coef, dtype=float)
    r = W.shape[1]
    A = np.zeros((r + 1, r + 1))
    b = np.zeros(r + 1)
    m = min(samples.n, int(max_rows))
    for Xc, yc in samples.chunks(0, m, chunk_rows=8192):
        F = np.polynomial.polynomial.polyval(Xc @ W, c)
        F1 = np.column_stack([F, np.ones(F.shape[0])])
        A += F1.T @ F1
        b += F1.T @ yc
    scale = float(np.trace(A[:r, :r])) / max(r, 1)
    A[np.arange(r), np.arange(r)] += float(ridge) * (scale if scale > 0 else 1.0)
    try:
        sol = np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        sol = np.linalg.lstsq(A, b, rcond=None)[0]
    return sol[:r], float(sol[r])


def fit_output_layer_population(pm: PopulationMoments, W: np.ndarray, coef, *,
                                 ridge: float = 1e-6) -> tuple[np.ndarray, float]:
    """The output layer at n = infinity: the ridge regression of :func:`fit_output_layer` with the exact
    moments ``E[F F^T]``, ``E[F y]`` of the features ``F_j = p(<w_j, x>)`` (:meth:`PopulationMoments.covariance`;
    centred, so the intercept is ``E[y] - sum_j a_j E[p(G)]``). Returns (a (r,), c)."""
    herm = np.polynomial.hermite_e.poly2herme(np.asarray(coef, dtype=float))
    cov_ff, cov_fy, ey, ep = pm.covariance(_unit_columns(W), herm)
    r = W.shape[1]
    scale = float(np.trace(cov_ff)) / max(r, 1)
    A = cov_ff + float(ridge) * (scale if scale > 0 else 1.0) * np.eye(r)
    try:
        a = np.linalg.solve(A, cov_fy)
    except np.linalg.LinAlgError:
        a = np.linalg.lstsq(A, cov_fy, rcond=None)[0]
    return a, float(ey - ep * a.sum())


def _convergence_record(p: dict, info: dict) -> dict:
    """The :func:`depth2.learners.base.convergence` record of a tensor learner: the joint refinement's own
    test (L-BFGS stopped by ``refine_tol`` or its gradient test before ``refine_iters`` evaluations) when it
    ran; else, for the power method, every power iteration stopped by its ``tol`` before ``iters`` steps;
    else (a one-shot method) nothing."""
    if int(p["refine_iters"]) > 0 and "refine_converged" in info:
        budget = int(p["refine_iters"]) * (1 + max(0, int(p["repair_rounds"])))
        return convergence(steps=int(info["refine_evaluations"]), max_steps=budget,
                           rel_decrease=info.get("refine_rel_decrease"), tol=float(p["refine_tol"]),
                           stopped_by_test=bool(info["refine_converged"]))
    if "search_converged" in info:
        rounds = max(1, len(info.get("search_steps", [])))
        return convergence(steps=int(sum(info.get("search_steps", [0]))), max_steps=int(p["iters"]) * rounds,
                           rel_decrease=None, tol=float(p["tol"]), stopped_by_test=bool(info["search_converged"]))
    return {}


def _finish(cm: CubicMoments | PopulationMoments, V: np.ndarray, lam: np.ndarray, c3: float, p: dict, info: dict,
            t0: float) -> Fit:
    """Orient the columns by the sign of ``T3(v, v, v) / c3`` (``lam`` is >= 0 after :func:`joint_refine`),
    fit the output layer (from the rows, or exactly at n = infinity), record convergence and pack the Fit."""
    W = _unit_columns(V) * (1.0 if c3 > 0 else -1.0)
    t_out = time.perf_counter()
    if isinstance(cm, PopulationMoments):
        a, c = fit_output_layer_population(cm, W, p["coef"], ridge=float(p["ridge"]))
    else:
        a, c = fit_output_layer(cm.samples, W, p["coef"], max_rows=int(p["max_rows"]), ridge=float(p["ridge"]))
    info = {**info, **_convergence_record(p, info), "population": bool(p["population"])}
    info = {**info, "c3": c3, "weights_from_tensor": [float(v) for v in lam / (6.0 * abs(c3))],
            "passes": cm.passes, "seconds_output_layer": time.perf_counter() - t_out,
            "seconds": time.perf_counter() - t0}
    return Fit("poly_net", {"a": a, "W": W, "coef": np.asarray(p["coef"], dtype=float), "c": np.array(c)},
               info=info)


# ---------------------------------------------------------------------------- tensor_jennrich
@register("tensor_jennrich")
def fit_tensor_jennrich(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Jennrich's algorithm on the order-3 moment restricted to its top-``width`` subspace (``width <= d``).

    Parameters (``JENNRICH_DEFAULTS``): ``coef`` (the known p), ``subspace_draws`` (random contractions
    for the subspace), ``draws`` (Jennrich draws), ``polish_iters`` (power steps after Jennrich),
    ``refine_iters`` (joint refinement: at most this many passes per refinement), ``repair_rounds``
    (0 = pure Jennrich + refinement), ``residualize`` and ``cache_mb`` (the moment operator), ``max_rows``
    and ``ridge`` (output layer). See the module docstring.
    """
    t0 = time.perf_counter()
    p = check_params("tensor_jennrich", params, JENNRICH_DEFAULTS)
    c3 = he3_coefficient(p["coef"])
    cm = _moments(X, y, p)
    d = cm.d
    r = _check_width("tensor_jennrich", width, d, max_d=True)
    q = max(1, int(p["subspace_draws"]))
    Ms = cm.matrices(rng.standard_normal((d, q)))  # (q, d, d)
    Uall, sv, _ = np.linalg.svd(np.concatenate(list(Ms), axis=1), full_matrices=False)
    U = Uall[:, :r]

    def contract(h: np.ndarray) -> np.ndarray:
        return U.T @ cm.matrix(U @ h) @ U

    Vs, score = jennrich(contract, r, rng, draws=int(p["draws"]))
    V = U @ Vs
    for _ in range(max(0, int(p["polish_iters"]))):
        V = _unit_columns(cm.vectors(V))
    V, lam, rinfo = refine_and_repair(cm, V, rng, p)
    info = {"method": "tensor_jennrich", "jennrich_score": float(score),
            "subspace_singular_values": [float(v) for v in sv[: r + 1]], **rinfo}
    return _finish(cm, V, lam, c3, p, info, t0)


# ---------------------------------------------------------------------------- tensor_power
def _starts(cm: CubicMoments, K: int, rng: np.random.Generator, init: str, found: np.ndarray,
            lams: np.ndarray) -> np.ndarray:
    """K starting vectors (d, K) for the power method.

    ``"random"``: uniform on the sphere. ``"svd"``: the top and bottom eigenvectors of ``ceil(K / 2)`` random
    contractions ``T3(., ., g) - sum_j l_j <v_j, g> v_j v_j^T`` (deflated by the found components); each is
    correlated with the components of largest ``|<w_i, g>|`` (Anandkumar, Ge & Janzamin's initialization;
    one pass, O(n d^2 K / 2)).
    """
    if init == "random":
        return _random_unit(rng, cm.d, K)
    if init != "svd":
        raise ValueError(f"init must be 'svd' or 'random', got {init!r}")
    L = (K + 1) // 2
    G = rng.standard_normal((cm.d, L))
    Ms = cm.matrices(G)
    if found.shape[1]:
        Ms -= np.einsum("jl,bj,cj->lbc", lams[:, None] * (found.T @ G), found, found, optimize=True)
    _, vecs = np.linalg.eigh(Ms)
    return np.concatenate([vecs[:, :, -1], vecs[:, :, 0]], axis=0).T[:, :K].copy()


def power_search(cm: CubicMoments, r: int, rng: np.random.Generator, *, restarts: int, iters: int, tol: float,
                 dedupe: float, accept_frac: float, max_rounds: int, init: str = "svd",
                 found: np.ndarray | None = None, lams: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Batched, deflated tensor power method (rounds of ``restarts`` starts per missing component).

    ``found`` (d, m) and ``lams`` (m,): components already known (deflated from the start).
    Returns (V (d, r) unit columns, l (r,) the deflated T3(v, v, v) at acceptance, info).
    """
    d = cm.d
    found = np.zeros((d, 0)) if found is None else np.asarray(found, dtype=float)
    lams = np.zeros(0) if lams is None else np.asarray(lams, dtype=float)
    n_known = found.shape[1]
    pool, pool_vals = np.zeros((d, 0)), np.zeros(0)
    per_round, steps, all_stopped = [], [], True
    for _ in range(max(1, int(max_rounds))):
        need = r - found.shape[1]
        if need <= 0:
            break
        K = max(1, int(restarts)) * need
        U = _starts(cm, K, rng, init, found, lams)
        K = U.shape[1]
        active = np.ones(K, dtype=bool)
        step = 0
        for step in range(1, max(1, int(iters)) + 1):  # noqa: B007 (the count is recorded below)
            Ua = U[:, active]
            Tv = cm.vectors(Ua)
            if found.shape[1]:
                P = found.T @ Ua
                Tv -= found @ (lams[:, None] * P * P)
            Un = _unit_columns(Tv)
            move = 1.0 - np.abs(np.sum(Un * Ua, axis=0))
            U[:, active] = Un
            idx = np.flatnonzero(active)
            active[idx[move < tol]] = False
            if not active.any():
                break
        steps.append(step)
        vals = cm.scalars(U)
        if found.shape[1]:
            vals -= lams @ (found.T @ U) ** 3
        chosen = _accept(U, vals, found, need, float(dedupe), float(accept_frac))
        all_stopped = all_stopped and not active[chosen].any()  # every accepted start met tol
        per_round.append(int(chosen.size))
        rest = np.setdiff1d(np.arange(K), chosen)
        pool, pool_vals = np.column_stack([pool, U[:, rest]]), np.concatenate([pool_vals, vals[rest]])
        if chosen.size == 0:
            break
        found = np.column_stack([found, U[:, chosen]])
        lams = np.concatenate([lams, vals[chosen]])
    n_found = found.shape[1] - n_known
    V = _fill(found, pool, pool_vals, r, rng, float(dedupe))
    lams = np.concatenate([lams, np.zeros(r - lams.size)])[:r]
    return V, lams, {"search_found": n_found, "search_per_round": per_round, "search_steps": steps,
                     "search_converged": bool(all_stopped)}


def weak_columns(V: np.ndarray, lam: np.ndarray, *, weak_frac: float, dedupe: float) -> np.ndarray:
    """Columns to search again after a refinement: weight below ``weak_frac`` times the median weight, or
    within ``dedupe`` (|cos|) of a column of larger weight."""
    lam = np.asarray(lam, dtype=float)
    weak = lam < weak_frac * np.median(lam)
    order = np.argsort(-lam)
    kept: list[int] = []
    for i in order:
        if weak[i]:
            continue
        if kept and np.max(np.abs(V[:, kept].T @ V[:, i])) >= dedupe:
            weak[i] = True
            continue
        kept.append(int(i))
    return np.flatnonzero(weak)


def refine_and_repair(cm: CubicMoments, V: np.ndarray, rng: np.random.Generator,
                      p: dict) -> tuple[np.ndarray, np.ndarray, dict]:
    """Joint refinement, then up to ``repair_rounds`` times: the weak columns (:func:`weak_columns`) are
    searched again by the deflated power method against the other, refined components, and everything is
    refined jointly again. Skipped entirely with ``refine_iters = 0`` (the ablation).

    ``p`` holds ``refine_iters``, ``repair_rounds``, ``dedupe``, ``accept_frac`` and, for ``tensor_power``,
    the search settings (``init``, ``restarts``, ``iters``, ``tol``, ``max_rounds``); the other learners
    search with ``POWER_DEFAULTS``' settings.
    """
    own = "init" in p  # tensor_power: its own search settings
    p = {**POWER_DEFAULTS, **p, **({} if own else {k: POWER_DEFAULTS[k] for k in _SEARCH_KEYS})}
    iters = int(p["refine_iters"])
    V, lam, info = joint_refine(cm, V, iters, float(p["refine_tol"]), int(p["refine_memory"]))
    evals, repaired, rejected = info["refine_evaluations"], [], 0
    for _ in range(max(0, int(p["repair_rounds"])) if iters > 0 else 0):
        weak = weak_columns(V, lam, weak_frac=WEAK_FRAC, dedupe=float(p["dedupe"]))
        if weak.size == 0:
            break
        keep = np.setdiff1d(np.arange(V.shape[1]), weak)
        Vn, _, _ = power_search(cm, V.shape[1], rng, restarts=int(p["restarts"]), iters=int(p["iters"]),
                                tol=float(p["tol"]), dedupe=float(p["dedupe"]), accept_frac=float(p["accept_frac"]),
                                max_rounds=int(p["max_rounds"]), init=str(p["init"]),
                                found=V[:, keep], lams=lam[keep])
        Vn, lamn, more = joint_refine(cm, Vn, iters, float(p["refine_tol"]), int(p["refine_memory"]))
        evals += more["refine_evaluations"]
        if not more["refine_objective_end"] < info["refine_objective_end"]:
            rejected += 1  # the repaired decomposition fits T3 no better: keep the previous one
            break
        V, lam, info = Vn, lamn, more
        repaired.append(int(weak.size))
    return V, lam, {**info, "refine_evaluations": evals, "repaired": repaired, "repair_rejected": rejected}


@register("tensor_power")
def fit_tensor_power(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Batched deflated tensor power method with random restarts, then joint refinement (any width).

    Parameters (``POWER_DEFAULTS``): ``coef``; ``init`` ("random" or "svd" starts), ``restarts`` (starts
    per missing component per round), ``iters`` (power steps per round), ``tol`` (convergence, 1 - |cos|),
    ``dedupe`` (|cos| above which a candidate duplicates an accepted component), ``accept_frac``,
    ``max_rounds``; ``refine_iters`` (joint refinement: at most this many passes per refinement; 0 = the
    ablation without refinement and repair), ``repair_rounds``; ``residualize``, ``cache_mb``,
    ``max_rows``, ``ridge``.
    """
    t0 = time.perf_counter()
    p = check_params("tensor_power", params, POWER_DEFAULTS)
    c3 = he3_coefficient(p["coef"])
    cm = _moments(X, y, p)
    r = _check_width("tensor_power", width, cm.d, max_d=False)
    V, lam, sinfo = power_search(cm, r, rng, restarts=int(p["restarts"]), iters=int(p["iters"]),
                                 tol=float(p["tol"]), dedupe=float(p["dedupe"]),
                                 accept_frac=float(p["accept_frac"]), max_rounds=int(p["max_rounds"]),
                                 init=str(p["init"]))
    t_search = time.perf_counter() - t0
    V, lam, rinfo = refine_and_repair(cm, V, rng, p)
    info = {"method": "tensor_power", "seconds_search": t_search, **sinfo, **rinfo}
    return _finish(cm, V, lam, c3, p, info, t0)


POWER_ONLY_DEFAULTS: dict[str, Any] = {k: v for k, v in POWER_DEFAULTS.items()
                                       if k not in ("refine_iters", "repair_rounds", "refine_tol", "refine_memory")}


@register("tensor_power_only")
def fit_tensor_power_only(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """``tensor_power`` without the joint refinement and repair (``refine_iters = 0``): the power search's own
    share of the recovery, reported beside the refined learner. Parameters: ``POWER_ONLY_DEFAULTS``; its
    convergence record is the power iteration's (every start stopped by ``tol`` within ``iters`` steps)."""
    check_params("tensor_power_only", params, POWER_ONLY_DEFAULTS)
    fit = fit_tensor_power(X, y, rng=rng, width=width, **params, refine_iters=0, repair_rounds=0)
    fit.info["method"] = "tensor_power_only"
    return fit


# ---------------------------------------------------------------------------- tensor_spectral
def flattening_subspace(cm: CubicMoments, r: int, rng: np.random.Generator, *, oversample: int,
                        power_iters: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-r eigenspace of ``M = A A^T`` (A the d^2 x d flattening of T3) by a randomized range finder.

    Returns (B (r, d, d): a Frobenius-orthonormal basis of symmetric matrices, the top singular values of A).
    """
    d = cm.d
    k = min(d, r + max(0, int(oversample)))
    Y = cm.matrices(rng.standard_normal((d, k))).reshape(k, d * d).T  # (d^2, k): A G
    Q, _ = np.linalg.qr(Y)
    for _ in range(max(0, int(power_iters))):
        Y = cm.flattening_apply(Q.T.reshape(k, d, d).transpose(1, 2, 0)).reshape(d * d, k)
        Q, _ = np.linalg.qr(Y)
    Bt = cm.contract_pairs(Q.T.reshape(k, d, d).transpose(1, 2, 0))  # (d, k) = A^T Q
    Us, sv, _ = np.linalg.svd(Bt.T, full_matrices=False)  # Q^T A = Us diag(sv) Vt
    B = (Q @ Us[:, :r]).T.reshape(r, d, d)
    B = 0.5 * (B + B.transpose(0, 2, 1))
    return B, sv


def _subspace_power(B: np.ndarray, U: np.ndarray, iters: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Fourth-order power iteration ``u <- P_S(u u^T) u`` in the span S of the orthonormal matrices B (k, d, d),
    all columns of U at once. Returns (U, |P_S(u u^T)|_F^2 per column)."""
    k, d, _ = B.shape
    K = U.shape[1]
    block = max(1, 2**22 // max(1, k * d))
    Bf = B.reshape(k * d, d)
    vals = np.zeros(K)
    for s in range(0, K, block):
        Ub = U[:, s : s + block]
        active = np.ones(Ub.shape[1], dtype=bool)
        for _ in range(max(1, int(iters))):
            Ua = Ub[:, active]
            BU = (Bf @ Ua).reshape(k, d, -1)
            C = np.einsum("ak,lak->lk", Ua, BU)
            Un = _unit_columns(np.einsum("lk,lak->ak", C, BU))
            move = 1.0 - np.abs(np.sum(Un * Ua, axis=0))
            Ub[:, active] = Un
            idx = np.flatnonzero(active)
            active[idx[move < tol]] = False
            if not active.any():
                break
        BU = (Bf @ Ub).reshape(k, d, -1)
        C = np.einsum("ak,lak->lk", Ub, BU)
        U[:, s : s + block] = Ub
        vals[s : s + block] = np.sum(C * C, axis=0)
    return U, vals


def round_subspace(B: np.ndarray, r: int, rng: np.random.Generator, *, restarts: int, iters: int, tol: float,
                   dedupe: float, accept_frac: float, max_rounds: int) -> tuple[np.ndarray, dict]:
    """Recover r vectors w_i from an (r, d, d) orthonormal basis of ~span{w_i w_i^T} (see the module
    docstring): rounds of fourth-order power iterations, accepted components projected out of the span."""
    d = B.shape[1]
    found = np.zeros((d, 0))
    pool, pool_vals = np.zeros((d, 0)), np.zeros(0)
    per_round = []
    Bcur = B
    for _ in range(max(1, int(max_rounds))):
        need = r - found.shape[1]
        if need <= 0 or Bcur.shape[0] == 0:
            break
        U, vals = _subspace_power(Bcur, _random_unit(rng, d, max(1, int(restarts)) * need), iters, tol)
        chosen = _accept(U, vals, found, need, float(dedupe), float(accept_frac))
        per_round.append(int(chosen.size))
        rest = np.setdiff1d(np.arange(U.shape[1]), chosen)
        pool, pool_vals = np.column_stack([pool, U[:, rest]]), np.concatenate([pool_vals, vals[rest]])
        if chosen.size == 0:
            break
        new = U[:, chosen]
        found = np.column_stack([found, new])
        # project the accepted w w^T out of the current span: coordinates, then the orthogonal complement
        Cf = np.einsum("ai,lab,bi->li", new, Bcur, new)  # (k, m)
        Qf, _ = np.linalg.qr(Cf, mode="complete")
        N = Qf[:, chosen.size :]
        Bcur = np.einsum("lab,lm->mab", Bcur, N)
    n_found = found.shape[1]
    return _fill(found, pool, pool_vals, r, rng, float(dedupe)), {"round_found": n_found, "round_per_round": per_round}


@register("tensor_spectral")
def fit_tensor_spectral(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Spectral method on ``M = sum_j vec(T_j) vec(T_j)^T`` (the flattening; ``width <= d``), subspace
    rounding by fourth-order power iteration, then joint refinement (see the module docstring).

    Parameters (``SPECTRAL_DEFAULTS``): ``coef``; ``oversample`` and ``power_iters`` (randomized range
    finder); ``restarts``, ``iters``, ``tol``, ``dedupe``, ``accept_frac``, ``max_rounds`` (rounding in
    the subspace); ``refine_iters`` (joint refinement on T3; 0 disables it and the repair),
    ``repair_rounds``; ``residualize``, ``cache_mb``, ``max_rows``, ``ridge``.
    """
    t0 = time.perf_counter()
    p = check_params("tensor_spectral", params, SPECTRAL_DEFAULTS)
    c3 = he3_coefficient(p["coef"])
    cm = _moments(X, y, p)
    r = _check_width("tensor_spectral", width, cm.d, max_d=True)
    B, sv = flattening_subspace(cm, r, rng, oversample=int(p["oversample"]), power_iters=int(p["power_iters"]))
    t_sub = time.perf_counter() - t0
    V, rinfo0 = round_subspace(B, r, rng, restarts=int(p["restarts"]), iters=int(p["iters"]), tol=float(p["tol"]),
                               dedupe=float(p["dedupe"]), accept_frac=float(p["accept_frac"]),
                               max_rounds=int(p["max_rounds"]))
    t_round = time.perf_counter() - t0 - t_sub
    V, lam, rinfo = refine_and_repair(cm, V, rng, p)
    info = {"method": "tensor_spectral", "flattening_singular_values": [float(v) for v in sv[: r + 1]],
            "seconds_subspace": t_sub, "seconds_rounding": t_round, **rinfo0, **rinfo}
    return _finish(cm, V, lam, c3, p, info, t0)
