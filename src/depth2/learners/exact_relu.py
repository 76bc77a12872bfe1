"""Exact empirical-risk minimization for small ReLU networks (goel2021, "Exact solver").

Model and loss. ``f(x) = sum_j s_j relu(<v_j, x>)`` with signs ``s_j = +-1`` (output weights fold into ``v_j`` up
to their sign) and ``L(V) = (1/n) sum_i (f(x_i) - y_i)^2``. A bias is a constant coordinate appended to ``x``
(the learner :func:`fit_exact` does it when ``bias=True``).

Activation patterns. On the closed cone where every unit's pattern on the patterned points is fixed
(``<x_i, v_j> >= 0`` active, ``<= 0`` inactive; equality is allowed on both sides, so the closed cells cover
``R^d`` and the minimum over cells is the global minimum) ``f(x_i)`` is linear in ``V`` and the loss is a convex
quadratic: one convex QP per pattern. Not every point needs a pattern. With all signs ``+`` a point with
``y_i <= 0`` contributes ``(P_i - y_i)^2``, ``P_i = sum_j relu(z_ij) >= 0 >= y_i``: an increasing convex function of
a convex one, i.e. a convex term, written exactly with one slack,

    (P_i - y_i)^2 = min { (t_i - y_i)^2 : t_i >= 0, t_i >= sum_{j in J} z_ij for every set of units J },

because ``P_i = max_J sum_{j in J} z_ij``. So only the points with ``y_i > 0`` are patterned (with all signs ``-``:
those with ``y_i < 0``). Mixed signs: the ``+`` units are patterned on ``y_i > 0``, the ``-`` units on ``y_i <= 0``
(primary patterns); a point with ``y_i > 0`` active in some ``+`` unit is then also patterned in the ``-`` units, and
a point with ``y_i <= 0`` active in some ``-`` unit in the ``+`` units (secondary patterns, refinements of the
primary cell); every remaining term is convex (``(M_i + y_i)^2`` with ``y_i >= 0`` or ``(P_i - y_i)^2`` with
``y_i <= 0``) and gets a slack as above.

Cells (:func:`count_cells`). The realizable patterns of one unit are the cells of the central arrangement
``{v : <x_i, v> = 0}`` of its patterned points. Fast path: linearly independent normals (e.g. the coordinate
hyperplanes ``e_v`` of the reductions) give all ``2^m`` sign vectors. In general the arrangement is built
hyperplane by hyperplane (deletion-restriction): the cells that hyperplane ``H_h`` cuts correspond one to one to
the cells of the arrangement induced on ``H_h`` by ``H_1..H_{h-1}`` (enumerated recursively in one dimension
less; two dimensions are sorted by angle); an interior point ``q`` of such a restricted cell gives interior
points ``q +- delta x_h`` of both halves (``delta`` half the distance along ``x_h`` to the nearest earlier
hyperplane). Every final cell contains such a point generated at the last step that cut it, so the distinct
sign vectors of all candidate points (those on no hyperplane) are exactly the cells. Parallel normals are merged
and rank-deficient normals are projected onto their span first, so degenerate data are handled exactly (up to
the floating-point tests ``|<x_i, p>| > 1e-12`` on unit vectors). No list of all ``2^m`` sign patterns is formed.
For ``m`` hyperplanes in general position in ``R^r`` there are ``2 sum_{i<r} C(m-1, i)`` cells.

QP per pattern (least squares with linear inequality constraints, LSI). Variables ``x = (vec V, t)``; objective
``|E x - f|^2`` with ``E = diag(E_V, I)``: rows of ``E_V`` are ``sum_j s_j [i active in j] (e_j (x) x_i)`` for fully
patterned points, the slack rows carry the targets ``s y_i``. A ridge ``eps |vec V - anchor|^2`` (``eps = 1e-6``
times the mean squared row norm of ``X``) makes ``E`` of full column rank; with ``[E_V | f] = Q [R | g]`` (one
LAPACK QR), ``xi = R x - g`` the problem becomes a least-distance program ``min |xi|^2, G R^{-1} xi >= h'``
(Lawson-Hanson), solved as the nonnegative least squares ``min_{u >= 0} |[G R^{-1}; h'^T]^T u - e_{p+1}|`` (scipy's
compiled NNLS), with ``xi = -r_{1:p} / r_{p+1}`` for the residual ``r`` and KKT multipliers ``2 u / (-r_{p+1})``.
Constraints are generated lazily (cutting planes): solve with a working set of pattern constraints and slack
constraints, add every violated pattern constraint and every violated slack constraint (a convex point gets its
slack when ``P_i > 0``), and re-solve; each relaxation is a lower bound (a convex point without a slack counts
``y_i^2 <= (P_i - y_i)^2``) and a feasible relaxed optimum is the cell optimum, so the loop is exact and finite.
The constraints with positive multipliers seed the next pattern's working set. One unit with convex points: first
try *pattern switching* (pattern the convex points as guessed from the previous leaf, solve, flip those whose
multiplier leaves the subdifferential ``[0, -2 s y_i]`` of ``(relu(z) - s y_i)^2`` at 0; all in range = KKT point of
the convex leaf problem = its optimum), falling back to the slacks on a degenerate vertex. The ridge costs at
most ``eps |V*|^2`` in the loss (usually ``O(eps^2)``); every new incumbent and every leaf within that margin of
it is polished by proximal-point iterations (``anchor`` = the previous solution), which remove it. Every reported
loss is recomputed from the returned weights by the forward map.

Branch and bound over ``k`` units. A leaf is one pattern per unit (multisets of cells for units of equal sign,
since permuting them changes nothing). Lower bounds without the leaf's QP: (i) counting: a point with ``y_i > 0``
inactive in all ``+`` units has ``f(x_i) <= 0`` and pays ``>= y_i^2`` (symmetrically ``y_i < 0`` and the ``-``
units); with one sign every convex point pays ``>= y_i^2``; (ii) one unit: plus the least-squares residual of the
active points (constraints dropped; all cells at once from ``sum x x^T``); (iii) ``k >= 2`` units of one sign: plus
``sum_j B(c_j, X_j)``, one-unit QPs on the points unit ``j`` covers alone (:class:`_UnitBound`), cached per key and
used when the keys are far fewer than the leaves (e.g. ``k = 3`` on the 7-vertex colouring instances). Leaves are
taken in blocks sorted by (bound (i)+(ii), number of active pairs), after a few probes of every bound level (for
an early incumbent: a non-realizable instance's optimum often leaves a point uncovered), and a block stops at the
first bound ``>= best - atol`` (``atol = tol (1 + best)``; ``tol`` relative). The incumbent starts at ``V = 0``.
With signs not given, every sign vector up to permutation is searched (all ``+`` first) with a shared incumbent.
Exact up to ``tol`` and to the floating-point tests above; the running time is exponential (in ``k`` and ``d``) by
design. ``time_budget`` is checked between leaves and inside the cell enumeration.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import lapack
from scipy.optimize import nnls

from depth2.core.data import as_samples
from depth2.learners.base import Fit, check_params, register

log = logging.getLogger(__name__)

EXACT_DEFAULTS: dict[str, Any] = {"bias": True, "signs": None, "time_budget": None, "tol": 1e-9}
_ON_TOL = 1e-12  # |<x_i, p>| on unit vectors below which a candidate point counts as on hyperplane i
_PAR_TOL = 1e-14  # 1 - |<a, b>| below which unit normals a, b count as the same hyperplane
_RANK_TOL = 1e-10  # relative singular-value cut-off for the rank of a set of normals
_RIDGE = 1e-6  # ridge eps, relative to the mean squared row norm of X (removed by the proximal polish)
_CHUNK = 1 << 25  # leaves x points per sorted block (one block: global order and early stop)
_MAX_ROUNDS = 60  # cutting-plane rounds before the full constraint set is used
_POLISH_ITERS = 40
_LOG_EVERY_S = 1.0
_PROBES = 64  # leaves probed first at every count-bound level
_MAX_PROBES = 1024
_BATCH = 256  # leaves per vectorized bound evaluation
_SWITCH_ITERS = 16


def _nnls_public(M: np.ndarray, e: np.ndarray) -> np.ndarray | None:
    try:
        return nnls(M, e, maxiter=max(50, 10 * M.shape[1]))[0]
    except RuntimeError:  # iteration limit
        return None


def _nnls_fast_factory():
    """scipy's compiled NNLS without the public wrapper's checks (~15 us a call); checked on a known problem at
    import, else the public :func:`scipy.optimize.nnls`."""
    try:
        from scipy.optimize._slsqplib import nnls as raw  # private: guarded below
    except ImportError:
        return _nnls_public

    def fast(M: np.ndarray, e: np.ndarray) -> np.ndarray | None:
        x, _, info = raw(np.ascontiguousarray(M), e, max(50, 10 * M.shape[1]))
        return None if info == 3 else x

    try:
        A = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        ok = np.allclose(fast(A, np.array([2.0, 1.0, 1.0])), [1.5, 1.0]) and np.allclose(
            fast(A, np.array([-1.0, -1.0, -1.0])), [0.0, 0.0])
    except Exception:  # any change of the private signature falls back to the public function
        ok = False
    return fast if ok else _nnls_public


_nnls = _nnls_fast_factory()


# ---------------------------------------------------------------- public result


@dataclass
class ExactResult:
    """Result of :func:`exact_relu_erm`.

    Attributes
    ----------
    V : ndarray, shape (d, k)
        Weights; ``f(x) = sum_j signs[j] relu(<V[:, j], x>)``.
    signs : ndarray, shape (k,)
        Output signs, +-1 (float).
    loss : float
        Mean squared error ``(1/n) sum_i (f(x_i) - y_i)^2`` of ``V`` (recomputed by the forward map).
    cells : int
        Leaf patterns whose QP was solved.
    cells_total : int or None
        Leaf patterns in the symmetry-reduced search space (pruned ones included), summed over the sign vectors
        searched; None when a mixed sign vector was searched (its refinements are generated on the fly).
    pruned : int
        Leaf patterns skipped by the lower bound (pure sign vectors only).
    timed_out : bool
        True if ``time_budget`` ran out: ``V`` is then the best found so far, not a certified optimum.
    seconds : float
        Wall-clock time.
    """

    V: np.ndarray
    signs: np.ndarray
    loss: float
    cells: int
    cells_total: int | None
    pruned: int
    timed_out: bool
    seconds: float


# ---------------------------------------------------------------- validation


def _check_xy(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a 2-D array (n, d) with n, d >= 1, got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must be finite (found NaN or inf)")
    return X, y


def _check_width(width: Any) -> int:
    if isinstance(width, bool) or not isinstance(width, int | np.integer) or width < 1:
        raise ValueError(f"width must be an integer >= 1, got {width!r}")
    return int(width)


def _check_signs(signs: Any, width: int) -> np.ndarray | None:
    if signs is None:
        return None
    s = np.asarray(signs, dtype=float).ravel()
    if s.shape != (width,) or not np.all(np.isin(s, (-1.0, 1.0))):
        raise ValueError(f"signs must be None or a sequence of {width} values in {{+1, -1}} (one per unit, "
                         f"width={width}), got {signs!r}")
    return s


def _check_budget(time_budget: Any) -> float | None:
    if time_budget is None:
        return None
    ok = isinstance(time_budget, int | float | np.integer | np.floating) and not isinstance(time_budget, bool)
    if not ok or not np.isfinite(time_budget) or time_budget <= 0:
        raise ValueError(f"time_budget must be None or a finite number of seconds > 0, got {time_budget!r}")
    return float(time_budget)


def _check_tol(tol: Any) -> float:
    ok = isinstance(tol, int | float | np.integer | np.floating) and not isinstance(tol, bool)
    if not ok or not np.isfinite(tol) or not 0 < tol <= 1e-3:
        raise ValueError(f"tol must be a number in (0, 1e-3], got {tol!r}")
    return float(tol)


# ---------------------------------------------------------------- arrangement cells


class _OutOfTime(Exception):
    """The time budget ran out inside a phase without a natural stopping point (cell enumeration)."""


def _unit_rows(N: np.ndarray) -> np.ndarray:
    return N / np.linalg.norm(N, axis=1, keepdims=True)


def _distinct(N: np.ndarray) -> np.ndarray:
    """Indices of one representative per hyperplane among unit normals ``N`` (m, r): rows equal up to sign
    describe the same hyperplane."""
    m = N.shape[0]
    if m <= 1:
        return np.arange(m)
    same = np.abs(N @ N.T) >= 1.0 - _PAR_TOL
    return np.flatnonzero(same.argmax(axis=1) == np.arange(m))


def _perp_basis(v: np.ndarray) -> np.ndarray:
    """Orthonormal basis (r, r - 1) of ``v^perp`` for a unit vector ``v`` (columns 2.. of a Householder
    reflection that maps ``e_1`` to ``-+v``)."""
    u = v.copy()
    u[0] += 1.0 if v[0] >= 0 else -1.0
    H = np.eye(v.size) - (2.0 / (u @ u)) * np.outer(u, u)
    return H[:, 1:]


def _cells_2d(N: np.ndarray) -> np.ndarray:
    """Interior points (2m, 2) of the 2m sectors cut by m >= 1 distinct lines through 0 (unit normals N)."""
    beta = np.sort(np.mod(np.arctan2(N[:, 1], N[:, 0]) + 0.5 * np.pi, np.pi))  # directions of the lines
    mid = 0.5 * (beta + np.roll(beta, -1))
    mid[-1] = 0.5 * (beta[-1] + beta[0] + np.pi)
    ang = np.concatenate([mid, mid + np.pi])
    return np.column_stack([np.cos(ang), np.sin(ang)])


def _cell_points(N: np.ndarray, deadline: float | None = None) -> np.ndarray:
    """One interior point (unit vector) per cell of the central arrangement with unit normals ``N`` (m, r), given
    pairwise distinct (non-parallel) rows. Returns (cells, r)."""
    m, r = N.shape
    if m == 0:
        return np.eye(1, r)
    _, sv, Vt = np.linalg.svd(N, full_matrices=False)
    rank = int(np.sum(sv > _RANK_TOL * sv[0]))
    if rank < r:  # not essential: cells = cells in span(N) x its complement
        B = Vt[:rank].T
        P = _cell_points(_unit_rows(N @ B), deadline) @ B.T
        return _unit_rows(P)
    if m == r:  # independent normals: every sign vector is a cell
        S = np.array(list(itertools.product((1.0, -1.0), repeat=m)))
        return _unit_rows(np.linalg.solve(N, S.T).T)
    if r == 2:
        return _cells_2d(N)
    cands = []
    for h in range(m):
        if deadline is not None and time.perf_counter() > deadline:
            raise _OutOfTime
        v = N[h]
        B = _perp_basis(v)
        R = _unit_rows(N[:h] @ B)  # the earlier hyperplanes restricted to H_h (none parallel to it)
        Q = _unit_rows(_cell_points(R[_distinct(R)], deadline) @ B.T)
        if h:
            a = np.abs(N[:h] @ Q.T)
            b = np.abs(N[:h] @ v)
            cut = b > 1e-15
            delta = 0.5 * np.min(a[cut] / b[cut, None], axis=0) if cut.any() else np.ones(len(Q))
            delta = np.minimum(delta, 1.0)[:, None]
        else:
            delta = np.ones((len(Q), 1))
        cands.append(Q + delta * v)
        cands.append(Q - delta * v)
    P = _unit_rows(np.vstack(cands))
    S = N @ P.T
    ok = np.all(np.abs(S) > _ON_TOL, axis=0)
    P, S = P[ok], S[:, ok]
    _, first = np.unique(np.packbits(S > 0, axis=0).T, axis=0, return_index=True)
    return P[np.sort(first)]


def _cell_patterns(Xs: np.ndarray, deadline: float | None = None) -> np.ndarray:
    """Activation patterns (cells, m) bool (True = ``<x_i, v> > 0``) of the cells of the arrangement of the rows
    of ``Xs`` (m, d); zero rows are False (their hyperplane is the whole space)."""
    m, d = Xs.shape
    norms = np.linalg.norm(Xs, axis=1)
    nz = norms > 0
    if not nz.any():
        return np.zeros((1, m), dtype=bool)
    N = Xs[nz] / norms[nz, None]
    P = _cell_points(N[_distinct(N)], deadline)
    out = np.zeros((len(P), m), dtype=bool)
    out[:, nz] = (N @ P.T).T > 0
    return out


def count_cells(X: np.ndarray) -> int:
    """Number of cells (open regions) of the central arrangement ``{v in R^d : <x_i, v> = 0}`` of the rows of ``X``.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Normals; zero rows and repeated directions add no cell.

    Returns
    -------
    int
        ``2 sum_{i<d} C(n-1, i)`` for ``n`` normals in general position in ``R^d``; fewer for degenerate ones
        (e.g. ``2^n`` for ``n <= d`` independent normals).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"X must be a 2-D array (n, d) with d >= 1, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X must be finite (found NaN or inf)")
    return int(len(_cell_patterns(X)))


# ---------------------------------------------------------------- one leaf: convex QP


@dataclass
class _Leaf:
    """Structure of one leaf (fixed patterns): linear rows, constants, pattern constraints, slack candidates."""

    act: np.ndarray  # (n, k) int8: 1 active, 0 inactive, -1 not patterned
    lin: np.ndarray  # indices of points whose output is linear (fully patterned, some unit active)
    coef: np.ndarray  # (len(lin), k) output coefficients s_j [active]
    const: float  # sum of y_i^2 over fully patterned points active nowhere
    slack: np.ndarray  # indices of convex (slack) points
    sunits: np.ndarray  # (len(slack), k) bool: the units of the slack term
    starget: np.ndarray  # (len(slack),) slack target sigma y_i <= 0


class _Solver:
    """Exact per-leaf QP (LSI -> LDP -> NNLS with cutting planes) for fixed data and signs.

    Working set: pattern constraints ``wpat`` (n, k) bool, and slack constraints as parallel arrays ``sp``
    (point) and ``sJ`` (bitmask of the units J of ``t_i >= sum_{j in J} z_ij``); every slack point also has
    ``t_i >= 0``. The working set of the previous leaf seeds the next one (constraints that still apply).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, s: np.ndarray, tol: float):
        self.X, self.y, self.s = X, y, s
        self.n, self.d = X.shape
        self.k = len(s)
        self.plus = s > 0
        self.kp = int(self.plus.sum())
        if not np.all(self.plus[:self.kp]):
            raise ValueError("internal: the solver wants the + units first")
        self.bits = 1 << np.arange(self.k)
        self.eps = _RIDGE * max(float(np.mean(np.sum(X * X, axis=1))), 1e-300)
        self.ztol = tol * max(1.0, float(np.max(np.abs(y))))
        self.warm_pat = np.zeros((self.n, self.k), dtype=bool)
        self.warm_SJ = np.zeros((self.n, 1 << self.k), dtype=bool)
        self.warm_conv = np.zeros(self.n, dtype=bool)  # one unit: guessed activity of the convex points
        self.last_lam = np.zeros((self.n, self.k))
        self.last_lam_slack = np.zeros(0)
        masks = np.arange(1 << self.k)
        self._subsets = (masks[None, :] & ~masks[:, None]) == 0  # [u, J]: J is a subset of u
        pw = self.d * self.k
        self._diag_r = self._diag_c = np.arange(pw)
        self._tril = np.tril_indices(pw, -1)

    def leaf(self, act: np.ndarray) -> _Leaf:
        """Classify the points of a leaf with patterns ``act`` (n, k) int8 (1 active, 0 inactive, -1 none)."""
        y, kp = self.y, self.kp
        pat, A = act >= 0, act == 1
        pat_p, pat_m = pat[:, :kp].all(axis=1), pat[:, kp:].all(axis=1)
        act_p, act_m = A[:, :kp].any(axis=1), A[:, kp:].any(axis=1)
        full = pat_p & pat_m
        lin_mask = full & (act_p | act_m)
        const_mask = full & ~lin_mask
        sp = ~pat_p & pat_m & ~act_m  # (P_i - y_i)^2, y_i <= 0
        sm = ~pat_m & pat_p & ~act_p  # (M_i + y_i)^2, y_i >= 0
        if not np.all(full | sp | sm):
            raise AssertionError("internal: a point is neither fully patterned nor convex")
        slack = np.flatnonzero(sp | sm)
        is_p = sp[slack]
        sunits = np.where(is_p[:, None], self.plus, ~self.plus)
        starget = np.where(is_p, y[slack], -y[slack])
        lin = np.flatnonzero(lin_mask)
        yc = y[const_mask]
        return _Leaf(act, lin, A[lin] * self.s, float(yc @ yc), slack, sunits, starget)

    def _solve_working(self, pre, wpat, cp, cJ):
        """One LDP/NNLS solve for the working set: pattern constraints ``wpat`` (n, k) and slack constraints
        ``(cp, cJ)``. ``pre`` holds the leaf's factorization. Returns (W (d, k), spts, t): the slack points with a
        variable (sorted) and their values."""
        Rinv, w0, Z0, XR, sgn, ft, gsq = pre
        n, d, k = self.n, self.d, self.k
        pw = d * k
        present = np.zeros(n, dtype=bool)
        present[cp] = True
        spts = np.flatnonzero(present)
        ns = spts.size
        p = pw + ns
        ii, jj = np.nonzero(wpat)
        q1, q2 = ii.size, cp.size
        # M = [G^T; h^T] of the LDP  min |xi|  s.t.  G xi >= h  (Lawson-Hanson), built column by column block
        M = np.zeros((p + 1, q1 + q2))
        sg = sgn[ii, jj]
        M[:pw, :q1] = (sg[:, None] * XR[jj, ii]).T
        M[p, :q1] = -sg * Z0[ii, jj]
        ftS = ft[spts]
        if q2:
            sp = np.cumsum(present)[cp] - 1
            Jb = ((cJ[:, None] & self.bits) > 0).astype(float)
            M[:pw, q1:] = -np.einsum("qj,jqp->pq", Jb, XR[:, cp])
            M[pw + sp, q1 + np.arange(q2)] = 1.0
            M[p, q1:] = np.sum(Jb * Z0[cp], axis=1) - ft[cp]
        scale = 1.0 + gsq + float(ftS @ ftS)  # >= 1 + |xi*|^2, since x = 0 (xi = -(Q^T f)) is feasible
        xi, lam = self._ldp(M, p, scale)
        if xi is None:  # x = 0 is always feasible, so the cell is (numerically) thin: relax by eta, then give up
            rel = np.concatenate([np.linalg.norm(self.X[ii], axis=1), np.ones(q2)]) * max(1.0, float(np.abs(w0).max()))
            for eta in (1e-12, 1e-10):
                M2 = M.copy()
                M2[p] -= eta * rel
                xi, lam = self._ldp(M2, p, scale)
                if xi is not None:
                    break
            else:
                log.warning("exact: least-distance program failed on a degenerate cell; using V = 0 there")
                self.last_lam, self.last_lam_slack = np.zeros((n, k)), np.zeros(q2)
                return np.zeros((d, k)), spts, np.zeros(ns)
        w = Rinv @ xi[:pw] + w0
        lam_pat = np.zeros((n, k))
        lam_pat[ii, jj] = lam[:q1]
        self.last_lam = lam_pat  # KKT multipliers of the pattern constraints (for |E x - f|^2)
        self.last_lam_slack = lam[q1:]  # ... and of the slack constraints (cp, cJ)
        return w.reshape(k, d).T, spts, xi[pw:] + ftS

    @staticmethod
    def _ldp(M: np.ndarray, p: int, scale: float) -> tuple[np.ndarray | None, np.ndarray]:
        """``argmin |xi|^2`` s.t. ``G xi >= h`` from ``M = [G^T; h^T]`` by NNLS (Lawson-Hanson): ``u = argmin_{u>=0}
        |M u - e_{p+1}|``, ``r = M u - e_{p+1}``, ``xi = -r_{1:p} / r_{p+1}``, multipliers ``lam = 2 u / (-r_{p+1})``
        (``2 xi = G^T lam``). None if reported infeasible. At the optimum ``r_{p+1} = -1 / (1 + |xi|^2)``;
        ``scale >= 1 + |xi|^2`` bounds it away from 0."""
        q = M.shape[1]
        if q == 0 or np.all(M[p] <= 0):
            return np.zeros(p), np.zeros(q)
        e = np.zeros(p + 1)
        e[-1] = 1.0
        u = _nnls(M, e)
        if u is None:
            return None, np.zeros(q)
        r = M @ u - e
        if not r[-1] < -0.5 / scale:  # ~0: a (numerical) certificate of infeasibility
            return None, np.zeros(q)
        return -r[:p] / r[-1], 2.0 * u / (-r[-1])

    def objective(self, L: _Leaf, W: np.ndarray) -> float:
        """The leaf's objective at ``V = W`` (equal to the true sum of squares on the leaf's cell)."""
        Z = self.X @ W
        r = np.sum(Z[L.lin] * L.coef, axis=1) - self.y[L.lin]
        q = np.sum(np.where(L.sunits, np.maximum(Z[L.slack], 0.0), 0.0), axis=1) - L.starget
        return float(r @ r + q @ q) + L.const

    def solve(self, L: _Leaf, anchor: np.ndarray | None = None, true_loss: bool = True) -> tuple[float, np.ndarray]:
        """Minimize the loss over the leaf's closed cell (ridge ``eps |w - anchor|^2``). Returns the true sum of
        squared errors of the solution (``true_loss``; else the leaf objective) and ``V`` (d, k)."""
        X, y, d, k, n = self.X, self.y, self.d, self.k, self.n
        pw, m = d * k, len(L.lin)
        se = math.sqrt(self.eps)
        # QR of [E_V | f] in one LAPACK call: R_aug = [[R, Q^T f], [0, *]]
        Ef = np.zeros((m + pw, pw + 1), order="F")
        Ef[:m, :pw] = (L.coef[:, :, None] * X[L.lin][:, None, :]).reshape(m, pw)
        Ef[:m, pw] = y[L.lin]
        Ef[self._diag_r + m, self._diag_c] = se
        if anchor is not None:
            Ef[m:, pw] = se * anchor
        qr, _, _, info = lapack.dgeqrf(Ef, overwrite_a=1)
        Rinv, info2 = lapack.dtrtri(qr[:pw, :pw])  # reads the upper triangle only
        if info or info2:
            raise RuntimeError(f"internal: LAPACK failure in the leaf QR (info {info}, {info2})")
        Rinv[self._tril] = 0.0
        g = qr[:pw, pw]
        w0 = Rinv @ g
        Z0 = X @ w0.reshape(k, d).T  # (n, k) outputs of the unconstrained minimizer
        XR = X @ Rinv.reshape(k, d, pw)  # (k, n, pw): row i of unit j's constraint in xi-space
        sgn = np.where(L.act == 1, 1.0, -1.0)
        ft = np.zeros(n)
        ft[L.slack] = L.starget
        pre = (Rinv, w0, Z0, XR, sgn, ft, float(g @ g))
        pat = L.act >= 0
        wpat = self.warm_pat & pat
        # allowed slack constraints (i, J): i a convex point of this leaf, J a subset of its term's units
        allowed = np.zeros((n, 1 << k), dtype=bool)
        allowed[L.slack] = self._subsets[L.sunits @ self.bits]
        SJ = self.warm_SJ & allowed
        ns_ = L.slack.size
        for rnd in range(_MAX_ROUNDS + 1):
            cp, cJ = np.nonzero(SJ)
            W, spts, t = self._solve_working(pre, wpat, cp, cJ)
            Z = X @ W
            if rnd == _MAX_ROUNDS:
                break
            viol = (sgn * Z < -self.ztol) & pat & ~wpat
            added = bool(viol.any())
            if added:
                wpat |= viol
            if ns_:
                Zs = np.where(L.sunits, Z[L.slack], 0.0)
                v = np.maximum(Zs, 0.0).sum(axis=1)
                tt = np.full(n, np.nan)
                tt[spts] = t
                ts = tt[L.slack]
                bad = (v > self.ztol) & ~(ts >= v - self.ztol)  # NaN (no variable yet) counts as violated
                if bad.any():
                    Jn = (Zs[bad] > 0) @ self.bits
                    rows = L.slack[bad]
                    if not SJ[rows, Jn].all():
                        SJ[rows, Jn] = True
                        added = True
                neg = ts < -self.ztol  # t_i >= 0 (J = empty set)
                if neg.any() and not SJ[L.slack[neg], 0].all():
                    SJ[L.slack[neg], 0] = True
                    added = True
            if not added:
                break
            if rnd == _MAX_ROUNDS - 1:  # safety net: the complete constraint set
                log.debug("exact: cutting planes did not settle; solving with all constraints")
                wpat, SJ = pat.copy(), allowed.copy()
        # seed the next leaf with the constraints that carry a positive multiplier here; a convex point whose
        # output is 0 (only t_i >= 0 binds) goes back to the relaxation (its term is then y_i^2)
        self.warm_pat = wpat & (self.last_lam > 0)
        if cp.size:
            pos = self.last_lam_slack > 0
            SJ[cp[~pos], cJ[~pos]] = False
            live = np.zeros(n, dtype=bool)
            live[cp[pos & (cJ > 0)]] = True
            SJ[~live, 0] = False
        self.warm_SJ = SJ
        if not true_loss:
            return self.objective(L, W), W
        F = np.maximum(Z, 0.0) @ self.s
        res = F - y
        return float(res @ res), W

    def solve_leaf(self, L: _Leaf) -> tuple[float, np.ndarray, _Leaf]:
        """Solve a leaf; returns (true loss, V, a leaf with the same optimum for polishing). One unit with convex
        points: pattern switching (below), falling back to the slack formulation."""
        if self.k == 1 and L.slack.size:
            out = self._solve_switch(L)
            if out is not None:
                return out
        val, W = self.solve(L)
        return val, W, L

    def _solve_switch(self, L: _Leaf) -> tuple[float, np.ndarray, _Leaf] | None:
        """One unit: pattern the convex points too (guess from the previous leaf), solve that fully patterned QP,
        and switch the convex points whose KKT multiplier is out of range. With ``phi_i(z) = (relu(z) - y'_i)^2``,
        ``y'_i = s y_i <= 0``, the subdifferential at 0 is ``[0, -2 y'_i]``; the multiplier ``lam_i`` of the
        pattern constraint at ``z_i = 0`` is feasible iff ``lam_i <= -2 y'_i`` (active: the effective slope is
        ``-2 y'_i - lam_i``; inactive: ``lam_i``). With every multiplier in range the point is a KKT point of the
        convex leaf problem, hence optimal. Returns None after ``_SWITCH_ITERS`` rounds (the caller falls back)."""
        conv = L.slack
        thr = -2.0 * L.starget  # >= 0
        ltol = 1e-7 * max(1.0, float(np.max(np.abs(self.y))))
        guess = self.warm_conv[conv].copy()
        prev = np.inf
        for it in range(_SWITCH_ITERS):
            act = L.act.copy()
            act[conv, 0] = guess
            L2 = self.leaf(act)
            val, W = self.solve(L2)
            lam = self.last_lam[conv, 0]
            bad = lam > thr + ltol
            if not bad.any():
                self.warm_conv[conv] = guess
                return val, W, L2
            if val >= prev - 1e-12 * (1.0 + abs(val)):  # no progress: a degenerate vertex, let the slacks decide
                return None
            prev = val
            if it < _SWITCH_ITERS // 2:
                guess = guess ^ bad
            else:  # one at a time (the largest violation) against cycling
                b = int(np.argmax(np.where(bad, lam - thr, -np.inf)))
                guess[b] = ~guess[b]
        return None

    def polish(self, L: _Leaf, W: np.ndarray, true_loss: bool = True) -> tuple[float, np.ndarray]:
        """Proximal-point iterations ``anchor <- w`` on one leaf: removes the ridge bias. Returns the best
        (true loss, or leaf objective, V) seen, starting from ``W``."""
        if true_loss:
            F = np.maximum(self.X @ W, 0.0) @ self.s - self.y
            best, bestW = float(F @ F), W
        else:
            best, bestW = self.objective(L, W), W
        w = W.T.ravel().copy()
        prev = best
        for _ in range(_POLISH_ITERS):
            val, W2 = self.solve(L, anchor=w, true_loss=true_loss)
            w2 = W2.T.ravel()
            step = float(np.linalg.norm(w2 - w))
            w = w2
            if val < best:
                best, bestW = val, W2
            if step <= 1e-10 * (1.0 + float(np.linalg.norm(w))) or abs(prev - val) <= 1e-13 * (1.0 + val):
                break
            prev = val
        return best, bestW


# ---------------------------------------------------------------- branch and bound


def _multisets(P: int, k: int) -> np.ndarray:
    """All non-decreasing index tuples (M, k) over range(P) (multisets of size k)."""
    if k == 0:
        return np.zeros((1, 0), dtype=np.int64)
    if k == 1:
        return np.arange(P, dtype=np.int64)[:, None]
    parts = []
    for i in range(P):
        rest = _multisets(P - i, k - 1) + i
        parts.append(np.hstack([np.full((len(rest), 1), i, dtype=np.int64), rest]))
    return np.vstack(parts) if parts else np.zeros((0, k), dtype=np.int64)


def _multiset_chunks(P: int, k: int, limit: int):
    """Yield the multisets of size k over range(P) in lexicographic order, in blocks of at most about ``limit``
    rows (a block is one fixed prefix's completions, or several whole prefixes)."""
    total = math.comb(P + k - 1, k) if k else 1
    if total <= limit or k == 0:
        yield _multisets(P, k)
        return
    if k == 1:
        for a in range(0, P, limit):
            yield np.arange(a, min(P, a + limit), dtype=np.int64)[:, None]
        return
    buf, size = [], 0
    for i in range(P):
        for block in _multiset_chunks(P - i, k - 1, limit):
            blk = np.hstack([np.full((len(block), 1), i, dtype=np.int64), block + i])
            buf.append(blk)
            size += len(blk)
            if size >= limit:
                yield np.vstack(buf)
                buf, size = [], 0
    if buf:
        yield np.vstack(buf)


class _Search:
    """Shared state of one :func:`exact_relu_erm` call: incumbent, counters, clock, budget, log."""

    def __init__(self, X, y, tol, time_budget, k):
        self.X, self.y, self.tol, self.k = X, y, tol, k
        self.t0 = time.perf_counter()
        self.deadline = None if time_budget is None else self.t0 + time_budget
        self.best = float(y @ y)  # V = 0
        self.bestV = np.zeros((X.shape[1], k))
        self.bests = np.ones(k)
        self.cands: list[tuple[float, float, np.ndarray, np.ndarray, np.ndarray]] = []  # near-best leaves to polish
        self.cells = 0
        self.pruned = 0
        self.total: int | None = 0
        self.timed_out = False
        self.next_log = self.t0 + _LOG_EVERY_S

    def atol(self) -> float:
        return self.tol * (1.0 + self.best)

    def out_of_time(self) -> bool:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.timed_out = True
        return self.timed_out

    def progress(self, done: int, total: int | None, label: str) -> None:
        now = time.perf_counter()
        if now >= self.next_log:
            self.next_log = now + _LOG_EVERY_S
            log.info("exact %s: %d/%s leaves in block, %d QPs, best SSE %.6g, %.1f s", label, done,
                     "?" if total is None else total, self.cells, self.best, now - self.t0)

    def offer(self, val: float, W: np.ndarray, s: np.ndarray, act: np.ndarray, solver: _Solver, L: _Leaf) -> None:
        """A solved leaf. A new incumbent is polished at once (so that the bound test sees the exact value);
        leaves within the ridge bias of the incumbent are kept for the final polish."""
        if val < self.best:
            val, W = solver.polish(L, W)
            if val < self.best:
                self.best, self.bestV, self.bests = val, W, s.copy()
        margin = 4.0 * solver.eps * (1.0 + float(np.sum(W * W))) + self.atol()
        if val <= self.best + margin:
            self.cands.append((val, margin, W, s.copy(), act.copy()))
            self.cands = sorted((c for c in self.cands if c[0] <= self.best + c[1]), key=lambda c: c[0])[:8]


class _UnitBound:
    """Per-unit lower bounds for a pure sign vector (all ``k`` units of sign ``s0``), cached per (cell, exclusive set).

    With ``P_i = sum_j r_ij``, ``r_ij = relu(z_ij)``, a convex point (``s0 y_i <= 0``) has
    ``(P_i - s0 y_i)^2 >= y_i^2 + sum_j [(r_ij - s0 y_i)^2 - y_i^2]`` (drop the cross terms ``r_ij r_il >= 0``); a
    patterned point covered by exactly one unit ``j`` (its exclusive set ``X_j``) pays exactly ``(s0 z_ij - y_i)^2``,
    one covered by several pays ``>= 0``, one covered by none ``y_i^2``. Hence a leaf's loss is at least

        count bound + sum_j B(c_j, X_j),
        B(c, X) = min_{v in cell c} sum_{i in X} (s0 <x_i, v> - y_i)^2
                  + sum_{convex i} [(relu(<x_i, v>) - s0 y_i)^2 - y_i^2],

    a one-unit QP per key, polished and lowered by ``1e-3 tol (1 + B)`` so that it stays a bound. Worth it when the keys
    (at most ``sum_c 2^{|c|}``) are far fewer than the leaves, e.g. three units on seven vertices.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, s0: float, prim: np.ndarray, cells: np.ndarray, tol: float):
        n = len(y)
        self.solver = _Solver(X, y, np.array([s0]), tol)
        self.prim, self.cells, self.s0, self.tol = prim, cells, s0, tol
        self.conv = np.setdiff1d(np.arange(n), prim)
        self.conv_y2 = float(y[self.conv] @ y[self.conv])
        self.n = n
        self.cache: dict[bytes, float] = {}
        self.solved = 0

    def _value(self, c: int, excl: np.ndarray) -> float:
        """``B(c, X)`` minus a small safety margin; ``excl`` is bool over the patterned points."""
        act = np.full((self.n, 1), -1, dtype=np.int8)
        act[self.prim, 0] = self.cells[c]
        lin = self.prim[excl]
        yv = self.solver.y
        L = _Leaf(act, lin, np.full((lin.size, 1), self.s0), 0.0, self.conv,
                  np.ones((self.conv.size, 1), dtype=bool), self.s0 * yv[self.conv])
        v, W = self.solver.solve(L, true_loss=False)
        v, _ = self.solver.polish(L, W, true_loss=False)
        self.solved += 1
        return v - self.conv_y2 - 1e-3 * self.tol * (1.0 + abs(v))

    def block(self, T: np.ndarray) -> np.ndarray:
        """``sum_j B(T[:, j], X_j)`` for leaves ``T`` (M, k) of cell indices (bounds solved once per key)."""
        if T.shape[0] == 0:
            return np.zeros(0)
        A = self.cells[T]  # (M, k, m)
        excl = A & (A.sum(axis=1) == 1)[:, None, :]
        rows = np.concatenate([T.astype(np.int64).reshape(-1, 1).view(np.uint8),
                               np.packbits(excl, axis=2).reshape(T.size, -1)], axis=1)
        uniq, first, inv = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        vals = np.empty(len(uniq))
        flat_T, flat_X = T.reshape(-1), excl.reshape(T.size, -1)
        for u, (row, f) in enumerate(zip(uniq, first.tolist(), strict=True)):
            key = row.tobytes()
            val = self.cache.get(key)
            if val is None:
                val = self._value(int(flat_T[f]), flat_X[f])
                self.cache[key] = val
            vals[u] = val
        return vals[inv.ravel()].reshape(T.shape).sum(axis=1)


class _GroupBound:
    """Local lower bounds for a pure sign vector (all units of sign ``s0``), from small groups of points.

    Group ``G_i`` of a convex point ``i``: ``i`` and the patterned points ``j`` with ``supp(x_j) within supp(x_i)``
    (in the reductions: an edge and its vertices). With ``alpha_j = 1 / #{groups containing j}``,

        loss = sum_i l_i(V) >= sum_groups min_V [l_i(V) + sum_{j in G_i} alpha_j l_j(V)] + sum_{j in no group} l_j,

    and each group's minimum depends only on the group's local pattern (activity of its members in every unit):
    a QP on the group's points (rows scaled by ``sqrt(alpha)``; relu is positively homogeneous), solved once per
    (group, local pattern) and lowered by ``1e-3 tol (1 + value)``. Points in no group contribute ``y_j^2`` if
    active nowhere. Used when every group has at most 8 pattern bits (``|G| k <= 8``).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, s0: float, prim: np.ndarray, k: int, tol: float):
        n = len(y)
        self.k, self.tol = k, tol
        conv = np.setdiff1d(np.arange(n), prim)
        supp = X != 0
        nonzero = supp[prim].any(axis=1)
        self.groups: list[tuple[int, np.ndarray]] = []  # (convex point, positions of its members in prim)
        for i in conv.tolist():
            if not supp[i].any():
                continue
            pos = np.flatnonzero(nonzero & np.all(~supp[prim] | supp[i], axis=1))
            self.groups.append((i, pos))
        mult = np.zeros(prim.size)
        for _, pos in self.groups:
            mult[pos] += 1
        self.ok = bool(self.groups) and max(pos.size for _, pos in self.groups) * k <= 8
        self.outside = np.flatnonzero(mult == 0)
        self.y2_out = y[prim][self.outside] ** 2
        self.solvers, self.tables = [], []
        if not self.ok:
            return
        for i, pos in self.groups:
            a = 1.0 / mult[pos]
            Xg = np.vstack([X[i][None, :], np.sqrt(a)[:, None] * X[prim[pos]]])
            yg = np.concatenate([[y[i]], np.sqrt(a) * y[prim[pos]]])
            self.solvers.append(_Solver(Xg, yg, np.full(k, s0), tol))
            self.tables.append({})
        self.solved = 0

    def _value(self, g: int, bits: np.ndarray) -> float:
        sol = self.solvers[g]
        act = np.full((sol.n, self.k), -1, dtype=np.int8)
        act[1:] = bits.reshape(self.k, -1).T
        L = sol.leaf(act)
        v, W = sol.solve(L, true_loss=False)
        v, _ = sol.polish(L, W, true_loss=False)
        self.solved += 1
        return v - 1e-3 * self.tol * (1.0 + abs(v))

    def block(self, A: np.ndarray) -> np.ndarray:
        """The bound for leaves with activity ``A`` (M, k, m) over the patterned points."""
        if len(A) == 0:
            return np.zeros(0)
        total = (~A.any(axis=1))[:, self.outside].astype(float) @ self.y2_out
        for g, (_, pos) in enumerate(self.groups):
            bits = A[:, :, pos].reshape(len(A), -1)
            idx = bits @ (1 << np.arange(bits.shape[1]))
            uniq, inv = np.unique(idx, return_inverse=True)
            table = self.tables[g]
            vals = np.empty(len(uniq))
            for u, key in enumerate(uniq.tolist()):
                val = table.get(key)
                if val is None:
                    val = table[key] = self._value(g, bits[np.argmax(idx == key)])
                vals[u] = val
            total += vals[inv.ravel()]
        return total


def _group_cells(X: np.ndarray, idx: np.ndarray, deadline: float | None = None) -> np.ndarray:
    """Activation patterns (cells, len(idx)) of one unit on the points ``idx``."""
    if idx.size == 0:
        return np.zeros((1, 0), dtype=bool)
    return _cell_patterns(X[idx], deadline)


def _probes(level: np.ndarray, nact: np.ndarray, order: np.ndarray, below: float) -> list[int]:
    """Leaves to evaluate first, for an early incumbent: at every count-bound ``level < below``, ``_PROBES``
    leaves spread evenly over those with the fewest active pairs (``order`` sorts by (level, nact)); the optimum of
    a non-realizable instance often sits at a higher level than the bulk of the leaves. Deterministic."""
    key = np.stack([level[order], nact[order]], axis=1)
    _, starts, counts = np.unique(key, axis=0, return_index=True, return_counts=True)
    out: list[int] = []
    last = None
    for a, c in zip(starts.tolist(), counts.tolist(), strict=True):
        lvl = float(level[order[a]])
        if lvl >= below or len(out) >= _MAX_PROBES:
            break
        if lvl == last:  # only the sub-level with the fewest active pairs
            continue
        last = lvl
        pick = np.unique(np.linspace(a, a + c - 1, min(_PROBES, c)).round().astype(np.int64))
        out.extend(order[pick].tolist())
    return out[:_MAX_PROBES]


def _ls_bound(X: np.ndarray, y: np.ndarray, s0: float, prim: np.ndarray, cells: np.ndarray):
    """For one unit of sign ``s0``: ``B(c) = min_v sum_{i active in c} (s0 <x_i, v> - y_i)^2`` (least squares, the
    cell's constraints and the other points dropped: a lower bound on that part of the loss), for all cells at once
    from ``G_c = sum x_i x_i^T``, ``b_c = sum s0 y_i x_i``, ``r_c = sum y_i^2`` as ``r_c - b_c^T G_c^+ b_c``. Returns a
    function of cell indices, lowered by a relative 1e-12 for rounding."""
    Xp, yp = X[prim], y[prim]
    A = cells.astype(float)
    d = X.shape[1]
    G = (A @ (Xp[:, :, None] * Xp[:, None, :]).reshape(len(prim), d * d)).reshape(len(cells), d, d)
    b = A @ (s0 * yp[:, None] * Xp)
    r = A @ (yp * yp)
    val = np.empty(len(cells))
    for a in range(0, len(cells), 65536):
        sl = slice(a, a + 65536)
        val[sl] = r[sl] - np.einsum("ci,ci->c", b[sl], np.einsum("cij,cj->ci", np.linalg.pinv(G[sl], hermitian=True),
                                                                 b[sl]))
    val = np.maximum(val - 1e-12 * (1.0 + r), 0.0)
    return lambda idx: val[idx]


def _search_signs(st: _Search, s: np.ndarray) -> None:
    """Branch and bound over the leaves of one sign vector (sorted: + units first)."""
    X, y = st.X, st.y
    n = X.shape[0]
    k = len(s)
    plus = s > 0
    kp, km = int(plus.sum()), int((~plus).sum())
    mixed = kp > 0 and km > 0
    prim_p = np.flatnonzero(y > 0) if kp else np.zeros(0, dtype=np.int64)
    prim_m = np.flatnonzero(y <= 0 if mixed else y < 0) if km else np.zeros(0, dtype=np.int64)
    solver = _Solver(X, y, s, st.tol)
    label = "".join("+" if v > 0 else "-" for v in s)
    if mixed:  # one arrangement over all points serves both groups' primary and secondary patterns
        full = _group_cells(X, np.arange(n), st.deadline)
        cp, inv_p = np.unique(full[:, prim_p], axis=0, return_inverse=True)
        cm, inv_m = np.unique(full[:, prim_m], axis=0, return_inverse=True)
        inv_p, inv_m = inv_p.ravel(), inv_m.ravel()
    else:
        full = None
        cp = _group_cells(X, prim_p, st.deadline) if kp else np.zeros((1, 0), dtype=bool)
        cm = _group_cells(X, prim_m, st.deadline) if km else np.zeros((1, 0), dtype=bool)
    yp2 = y[prim_p] ** 2
    ym2 = np.where(y[prim_m] < 0, y[prim_m] ** 2, 0.0)
    # pure signs: every convex point pays at least y_i^2 (its output has the sign opposite to y_i, or is 0)
    lb0 = 0.0 if mixed else float(np.sum(y[y < 0] ** 2) if kp else np.sum(y[y > 0] ** 2))
    log.info("exact %s: %d + cells on %d points, %d - cells on %d points", label, len(cp), prim_p.size, len(cm),
             prim_m.size)
    if mixed:
        st.total = None
    elif st.total is not None:
        st.total += (math.comb(len(cp) + kp - 1, kp) if kp else 1) * (math.comb(len(cm) + km - 1, km) if km else 1)
    chunk = max(1024, _CHUNK // max(1, n))  # leaves per block (the block's bound arrays are leaves x points)
    ubound = None
    if not mixed:  # per-unit bounds, when their keys are much fewer than the leaves
        kg, cg = (kp, cp) if kp else (km, cm)
        keys = float(np.sum(2.0 ** cg.sum(axis=1)))
        if kg >= 2 and keys <= 0.05 * math.comb(len(cg) + kg - 1, kg):
            ubound = _UnitBound(X, y, 1.0 if kp else -1.0, prim_p if kp else prim_m, cg, st.tol)
    gbound = None
    if not mixed:
        gbound = _GroupBound(X, y, 1.0 if kp else -1.0, prim_p if kp else prim_m, k, st.tol)
        gbound = gbound if gbound.ok else None
    ls_bound = None
    if not mixed and k == 1:
        ls_bound = _ls_bound(X, y, s[0], prim_p if kp else prim_m, cp if kp else cm)
    refine_cache: dict[tuple[int, int, bytes], np.ndarray] = {}

    def refinements(group: int, cell: int, needed: np.ndarray) -> np.ndarray:
        """Patterns (r, len(needed)) of the full cells inside primary cell ``cell`` on the points ``needed``."""
        key = (group, cell, needed.tobytes())
        out = refine_cache.get(key)
        if out is None:
            members = inv_p == cell if group == 0 else inv_m == cell
            out = np.unique(full[members][:, needed], axis=0)
            refine_cache[key] = out
        return out

    def _evaluate(o: int) -> None:
        """Solve leaf ``o`` of the current block (all its refinements for mixed signs)."""
        tp, tm = Tp[ip[o]], Tm[im[o]]
        act = np.full((n, k), -1, dtype=np.int8)
        for j in range(kp):
            act[prim_p, j] = cp[tp[j]]
        for j in range(km):
            act[prim_m, kp + j] = cm[tm[j]]
        if not mixed:
            val, W, L = solver.solve_leaf(solver.leaf(act))
            st.cells += 1
            st.offer(val, W, s, L.act, solver, L)
            return
        # mixed: secondary patterns (refinements of the primary cells)
        need_m = prim_p[act[prim_p, :kp].max(axis=1) == 1] if kp else prim_p[:0]
        need_p = prim_m[act[prim_m, kp:].max(axis=1) == 1] if km else prim_m[:0]
        opts = [refinements(0, int(tp[j]), need_p) for j in range(kp)]
        opts += [refinements(1, int(tm[j]), need_m) for j in range(km)]
        prim_ids = list(tp) + list(tm)
        for choice in itertools.product(*[range(len(o_)) for o_ in opts]):
            # symmetry: units of one sign with the same primary cell take refinements in order
            if any(plus[a] == plus[a + 1] and prim_ids[a] == prim_ids[a + 1] and choice[a] > choice[a + 1]
                   for a in range(k - 1)):
                continue
            if st.out_of_time():
                return
            act2 = act.copy()
            for j in range(k):
                cols = need_p if plus[j] else need_m
                act2[cols, j] = opts[j][choice[j]]
            L = solver.leaf(act2)
            val, W = solver.solve(L)
            st.cells += 1
            st.offer(val, W, s, act2, solver, L)

    for Tm in _multiset_chunks(len(cm), km, chunk):
        n_m = len(Tm)
        for Tp in _multiset_chunks(len(cp), kp, max(1, chunk // n_m)):
            # all (plus tuple, minus tuple) pairs of this block
            ip = np.repeat(np.arange(len(Tp)), n_m)
            im = np.tile(np.arange(n_m), len(Tp))
            cov_p = np.zeros((len(Tp), prim_p.size), dtype=bool)
            for j in range(kp):
                cov_p |= cp[Tp[:, j]]
            cov_m = np.zeros((n_m, prim_m.size), dtype=bool)
            for j in range(km):
                cov_m |= cm[Tm[:, j]]
            lb = lb0 + ((~cov_p).astype(float) @ yp2)[ip] + ((~cov_m).astype(float) @ ym2)[im]
            nact = cp[Tp].sum(axis=(1, 2))[ip] + cm[Tm].sum(axis=(1, 2))[im]
            if ls_bound is not None:  # one unit: + least squares on the active points, constraints dropped
                lb += ls_bound(Tp[ip, 0] if kp else Tm[im, 0])
            lbc = lb.copy()  # the count (+ least-squares) bound; lb: the best bound known before the batches
            probes = _probes(lbc, nact, np.lexsort((nact, lbc)), st.best - st.atol())
            if gbound is not None:
                live = np.flatnonzero(lbc < st.best - st.atol())
                A = cp[Tp[ip[live]]] if kp else cm[Tm[im[live]]]
                lb[live] = np.maximum(lb[live], gbound.block(A))
            order = np.lexsort((nact, lb))
            nblock = len(order)
            bound = lb.copy()  # raised by the per-unit bounds batch by batch (lazily: keys solve once)
            done = np.zeros(nblock, dtype=bool)
            seq = np.concatenate([np.asarray(probes, dtype=np.int64), order])
            stop = False
            for b0 in range(0, len(seq), _BATCH):
                batch = seq[b0:b0 + _BATCH]
                batch = batch[~done[batch]]
                if ubound is not None and batch.size:
                    live = batch[lb[batch] < st.best - st.atol()]
                    bound[live] = np.maximum(lb[live], lbc[live] + ubound.block(Tp[ip[live]] if kp else Tm[im[live]]))
                for o in batch.tolist():
                    if done[o]:
                        continue
                    done[o] = True
                    if lb[o] >= st.best - st.atol() and b0 + 1 > len(probes):  # sorted by lb: all the rest too
                        if not mixed:
                            st.pruned += int(np.count_nonzero(~done)) + 1
                        stop = True
                        break
                    if bound[o] >= st.best - st.atol():
                        if not mixed:
                            st.pruned += 1
                        continue
                    if st.out_of_time():
                        return
                    st.progress(int(np.count_nonzero(done)), nblock, label)
                    _evaluate(o)
                if stop:
                    break


def _sign_vectors(k: int) -> list[np.ndarray]:
    """Every sign vector up to permutation, + units first: (+..+), (+..+-), ..., (-..-)."""
    return [np.array([1.0] * a + [-1.0] * (k - a)) for a in range(k, -1, -1)]


def exact_relu_erm(X: np.ndarray, y: np.ndarray, *, width: int = 1, signs: Any = None,
                   time_budget: float | None = None, tol: float = 1e-9) -> ExactResult:
    """Exact least-squares fit of ``f(x) = sum_j s_j relu(<v_j, x>)`` (module docstring for the method).

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Inputs (append a constant column for a bias).
    y : ndarray, shape (n,)
        Labels.
    width : int
        Number of units ``k >= 1``. The cost grows like (number of cells)^k.
    signs : sequence of k values in {+1, -1}, optional
        Output signs. None: every sign vector up to permutation of units of equal sign (``k + 1`` of them).
    time_budget : float, optional
        Seconds; when exceeded the search stops cleanly and the best weights found so far are returned with
        ``timed_out=True``. None: no limit.
    tol : float
        Relative tolerance in (0, 1e-3] of the feasibility tests and of pruning (a leaf is skipped when its lower
        bound is ``>= best - tol (1 + best)`` in sum-of-squares units).

    Returns
    -------
    ExactResult
        ``V`` (d, k), ``signs`` (k,), ``loss`` (mean squared error), ``cells``, ``cells_total``, ``pruned``,
        ``timed_out``, ``seconds``.
    """
    X, y = _check_xy(X, y)
    k = _check_width(width)
    s = _check_signs(signs, k)
    budget = _check_budget(time_budget)
    tol = _check_tol(tol)
    n = X.shape[0]
    # the search wants + units first: sort a given sign vector, map the columns back at the end
    order = np.argsort(-s, kind="stable") if s is not None else np.arange(k)
    vectors = [s[order]] if s is not None else _sign_vectors(k)
    st = _Search(X, y, tol, budget, k)
    st.bests = vectors[0].copy()
    for sv in vectors:
        try:
            _search_signs(st, sv)
        except _OutOfTime:
            st.timed_out = True
        if st.timed_out:
            break
    # polish the near-best leaves (ridge bias), then report the best true loss
    for val, margin, W, sg, act in list(st.cands):
        if val > st.best + margin or np.array_equal(W, st.bestV):
            continue
        solver = _Solver(X, y, sg, tol)
        v2, W2 = solver.polish(solver.leaf(act), W)
        if v2 < st.best:
            st.best, st.bestV, st.bests = v2, W2, sg
    V, sg = np.empty_like(st.bestV), np.empty(k)
    V[:, order], sg[order] = st.bestV, st.bests
    F = np.maximum(X @ V, 0.0) @ sg - y
    loss = float(F @ F) / n
    seconds = time.perf_counter() - st.t0
    log.info("exact: loss %.6g (MSE), %d QPs, %s leaves, %d pruned, %.2f s%s", loss, st.cells,
             "?" if st.total is None else st.total, st.pruned, seconds, " (timed out)" if st.timed_out else "")
    return ExactResult(V=V, signs=sg.astype(float), loss=loss, cells=st.cells, cells_total=st.total,
                       pruned=st.pruned, timed_out=st.timed_out, seconds=seconds)


# ---------------------------------------------------------------- learner


@register("exact")
def fit_exact(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Exact ERM for a width-``k`` ReLU net ``sum_j a_j relu(<W_j, x> + b_j)``, ``a_j = +-1`` (:func:`exact_relu_erm`).

    ``rng`` is accepted for the learner interface and unused: the method is deterministic.
    Params: ``bias`` (True: a constant coordinate 1 is appended and its weight becomes ``b``; False: ``b = 0``),
    ``signs`` (None: all sign vectors), ``time_budget`` (seconds or None), ``tol`` (1e-9). All rows of ``X`` are
    used (the cost is exponential; subsample before calling). ``info``: ``loss`` (training MSE), ``cells``,
    ``cells_total``, ``pruned``, ``timed_out``, ``seconds``, ``width``, ``bias``.
    """
    name = "exact"
    p = check_params(name, params, EXACT_DEFAULTS)
    if not isinstance(p["bias"], bool | np.bool_):
        raise ValueError(f"{name}: parameter 'bias' must be True or False, got {p['bias']!r}")
    k = _check_width(width)
    S = as_samples(X, y)
    Xm, ym = S.materialize(0, S.n)
    Xm, ym = np.asarray(Xm, dtype=float), np.asarray(ym, dtype=float)
    d = Xm.shape[1]
    Xa = np.hstack([Xm, np.ones((Xm.shape[0], 1))]) if p["bias"] else Xm
    res = exact_relu_erm(Xa, ym, width=k, signs=p["signs"], time_budget=p["time_budget"], tol=p["tol"])
    W = res.V[:d].copy()
    b = res.V[d].copy() if p["bias"] else np.zeros(k)
    info = {"loss": res.loss, "train_loss": res.loss, "cells": res.cells, "cells_total": res.cells_total,
            "pruned": res.pruned, "timed_out": res.timed_out, "seconds": res.seconds, "width": k,
            "bias": bool(p["bias"]), "rng_used": False}
    return Fit("relu_net", {"a": res.signs.copy(), "W": W, "b": b}, info=info)


@register("exact_bias")
def fit_exact_bias(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """:func:`fit_exact` with ``bias=True`` by default: the same exact ERM for units with a bias, registered under
    its own name so that one grid point can fit both models to the same data (goel2021's reductions, with and
    without a bias, on the same instances)."""
    return fit_exact(X, y, rng=rng, width=width, **{"bias": True, **params})
