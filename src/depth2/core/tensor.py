"""Symmetric tensor decompositions, written against contractions so that they run on any backend.

A rank-r symmetric tensor ``T = sum_i l_i v_i^{(x)k}`` is seen through its contractions: ``T(., ., g)``
(order 3) or ``T(., ., g, h)`` (order 4) as (m, m) matrices. Dense small tensors (tests, projected moments)
and implicit data-backed operators (:class:`~depth2.core.moments.HermiteMoments`) provide the same calls.

* :func:`jennrich` — simultaneous diagonalization: for ``M_j = V D_j V^T`` (V invertible, m x m),
  the eigenvectors of ``M_1 M_2^{-1} = V D_1 D_2^{-1} V^{-1}`` are the columns of V. Several random draws;
  the one with the best-separated, most nearly real spectrum is kept.
* :func:`power_iteration` — the symmetric tensor power method ``u <- T(I, u, u) / |T(I, u, u)|`` with random
  restarts and deflation, for orthogonal components (after whitening).
* :func:`match_components` — Hungarian matching of recovered to planted columns by |cos|.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

import numpy as np


def dense_symmetric(weights: np.ndarray, V: np.ndarray, order: int) -> np.ndarray:
    """``sum_i weights_i V[:, i]^{(x)order}`` as a dense array (small dimensions only: tests, projections)."""
    V = np.asarray(V, dtype=float)
    if order == 3:
        return np.einsum("i,ai,bi,ci->abc", weights, V, V, V)
    if order == 4:
        return np.einsum("i,ai,bi,ci,di->abcd", weights, V, V, V, V)
    raise ValueError(f"order must be 3 or 4, got {order}")


def contract_matrix(T: np.ndarray, *vecs: np.ndarray) -> np.ndarray:
    """T(., ., v_1, ..., v_{k-2}) of a dense order-k tensor, shape (m, m)."""
    out = T
    for v in reversed(vecs):
        out = out @ v
    return out


def _normalize_columns(V: np.ndarray) -> np.ndarray:
    return V / np.linalg.norm(V, axis=0, keepdims=True)


def jennrich_candidates(contract: Callable[[np.ndarray], np.ndarray], m: int, rng: np.random.Generator,
                        draws: int = 8, reference: np.ndarray | None = None) -> list[tuple[np.ndarray, float]]:
    """Every Jennrich draw's components: a list of ``(V (m, m) unit columns, eigen-score)``, one per draw
    whose second matrix was invertible (see :func:`jennrich` for the score).

    ``reference``: a fixed second matrix ``V L V^T`` with every l_i != 0 (e.g. the projected T2, whose
    weights a_i phi(b_i) never vanish) in place of a second random contraction. Then
    ``M(g) reference^{-1} = V D(g) L^{-1} V^{-1}``: a component the tensor does not see (d_i = 0) gets the
    eigenvalue 0 and cannot spoil the others, where with two contractions both matrices are singular."""
    out = []
    for _ in range(max(1, int(draws))):
        M1 = contract(rng.standard_normal(m))
        M2 = contract(rng.standard_normal(m)) if reference is None else reference
        try:
            vals, vecs = np.linalg.eig(M1 @ np.linalg.inv(M2))
        except np.linalg.LinAlgError:
            continue
        re = np.real(vals)
        scale = np.max(np.abs(vals)) + 1e-300
        gaps = np.where(np.eye(m, dtype=bool), np.inf, np.abs(re[:, None] - re[None, :]))
        score = float((np.min(gaps) if m > 1 else scale) / scale - np.max(np.abs(np.imag(vals))) / scale)
        out.append((_normalize_columns(np.real(vecs)), score))
    if not out:
        raise np.linalg.LinAlgError("every Jennrich draw met a singular contraction (degenerate tensor)")
    return out


def jennrich(contract: Callable[[np.ndarray], np.ndarray], m: int, rng: np.random.Generator,
             draws: int = 8) -> tuple[np.ndarray, float]:
    """Components of ``M(g) = V diag(l_i <v_i, g>...) V^T`` from two random contractions.

    Parameters
    ----------
    contract : callable
        ``g (m,) -> (m, m)`` symmetric matrix whose eigen-structure is ``V D(g) V^T``.
    m : int
        Number of components (= the dimension of the space ``contract`` works in).
    rng : Generator
    draws : int
        Independent pairs (g1, g2); the best-conditioned draw is kept.

    Returns
    -------
    V : (m, m) unit columns (signs arbitrary), score : the kept draw's conditioning score
        (smallest relative gap between eigenvalues; larger is better). The eigen-score says nothing about
        how well the draw fits a *noisy* tensor: :func:`depth2.learners.tensor_nets` refines every
        candidate of :func:`jennrich_candidates` and keeps the lowest tensor residual instead.
    """
    return max(jennrich_candidates(contract, m, rng, draws), key=lambda c: c[1])


def symmetric_weights(V: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Least-squares weights ``l`` of ``T ~ sum_i l_i v_i^{(x)k}`` for fixed columns ``V`` (k = T.ndim, 2-4)."""
    V = np.asarray(V, dtype=float)
    k = T.ndim
    if k == 2:
        D = np.stack([np.outer(V[:, i], V[:, i]).ravel() for i in range(V.shape[1])], axis=1)
    else:
        D = np.stack([dense_symmetric(np.array([1.0]), V[:, [i]], k).ravel() for i in range(V.shape[1])], axis=1)
    return np.linalg.lstsq(D, T.ravel(), rcond=None)[0]


def relative_residual(V: np.ndarray, weights: list[np.ndarray], tensors: list[np.ndarray]) -> float:
    """``sqrt(sum_t |T_t - sum_i l_{t,i} v_i^{(x)k_t}|^2 / sum_t |T_t|^2)``: how well shared components fit."""
    num = den = 0.0
    for lam, T in zip(weights, tensors, strict=True):
        fit = dense_symmetric(np.asarray(lam, float), V, T.ndim) if T.ndim > 2 else (V * lam) @ V.T
        num += float(np.sum((T - fit) ** 2))
        den += float(np.sum(T**2))
    return float(np.sqrt(num / den)) if den > 0 else 0.0


def best_refined_draw(candidates: list[tuple[np.ndarray, float]], tensors: list[np.ndarray], *,
                      screen_nfev: int = 10, max_nfev: int = 100) -> tuple[np.ndarray, list[np.ndarray], dict]:
    """The Jennrich draw whose *refined* components fit ``tensors`` best.

    On noisy tensors a draw's eigen-gap says how separated its spectrum is, not how close its components
    are: every candidate is polished by :func:`joint_refine` for ``screen_nfev`` evaluations, the one with
    the lowest :func:`relative_residual` is kept and refined on to ``max_nfev``. Returns (V, weights,
    info) with info ``{"eigen_score", "tensor_residual", "nfev", "max_nfev", "converged", "draw"}``.
    """
    best = None
    for j, (V0, eig) in enumerate(candidates):
        V, lams = joint_refine(V0, tensors, max_nfev=screen_nfev)
        res = relative_residual(V, lams, tensors)
        if best is None or res < best[0]:
            best = (res, V, eig, j)
    _, V, eig, j = best
    rec: dict = {}
    V, lams = joint_refine(V, tensors, max_nfev=max_nfev, info=rec)
    return V, lams, {"eigen_score": float(eig), "tensor_residual": relative_residual(V, lams, tensors),
                     "draw": int(j), **rec}


def power_iteration(T: np.ndarray, rank: int, rng: np.random.Generator, *, restarts: int = 10,
                    iters: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric tensor power method with restarts and deflation on a dense order-3 tensor.

    Exact for orthogonal components ``T = sum_i l_i v_i^{(x)3}`` (l_i > 0 up to the sign of v_i).
    Returns (weights (rank,), V (m, rank)).
    """
    T = np.array(T, dtype=float)
    m = T.shape[0]
    lams, vecs = [], []
    for _ in range(int(rank)):
        best_u, best_val = None, -np.inf
        for _ in range(int(restarts)):
            u = rng.standard_normal(m)
            u /= np.linalg.norm(u)
            for _ in range(int(iters)):
                nu = contract_matrix(T, u) @ u
                norm = np.linalg.norm(nu)
                if norm == 0:
                    break
                u = nu / norm
            val = float(u @ contract_matrix(T, u) @ u)
            if abs(val) > best_val:
                best_u, best_val = u, abs(val)
        u = best_u
        lam = float(u @ contract_matrix(T, u) @ u)
        lams.append(lam)
        vecs.append(u)
        T = T - lam * np.einsum("a,b,c->abc", u, u, u)
    return np.array(lams), np.stack(vecs, axis=1)


def match_components(V_hat: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hungarian matching of the columns of ``V_hat`` to those of ``V`` maximizing total |cos|.

    Returns (perm, cos): ``V_hat[:, perm[i]]`` is matched to ``V[:, i]`` with cosine ``cos[i]`` (signed).
    """
    from scipy.optimize import linear_sum_assignment  # imported here: scipy.optimize costs ~0.5 s per process

    A, B = _normalize_columns(np.asarray(V_hat, float)), _normalize_columns(np.asarray(V, float))
    C = B.T @ A  # (planted, recovered)
    rows, cols = linear_sum_assignment(-np.abs(C))
    perm = np.empty(B.shape[1], dtype=int)
    perm[rows] = cols
    return perm, C[np.arange(B.shape[1]), perm]


def _sym_jacobian(V: np.ndarray, lam: np.ndarray, k: int) -> np.ndarray:
    """d vec(sum_i lam_i v_i^{(x)k}) / d vec(V) (V of shape (m, r), C order), shape (m^k, m * r)."""
    m, r = V.shape
    eye = np.eye(m)
    J = np.zeros((m,) * k + (m, r))
    for i in range(r):
        v = V[:, i]
        if k == 3:
            block = (np.einsum("aj,b,c->abcj", eye, v, v) + np.einsum("a,bj,c->abcj", v, eye, v)
                     + np.einsum("a,b,cj->abcj", v, v, eye))
        elif k == 4:
            vv = np.einsum("a,b->ab", v, v)
            block = (np.einsum("aj,bc,d->abcdj", eye, vv, v) + np.einsum("bj,ac,d->abcdj", eye, vv, v)
                     + np.einsum("cj,ab,d->abcdj", eye, vv, v) + np.einsum("dj,ab,c->abcdj", eye, vv, v))
        else:
            raise ValueError(f"order must be 3 or 4, got {k}")
        J[..., i] = lam[i] * block
    return J.reshape(m**k, m * r)


def _distinct_tuples(m: int, k: int) -> np.ndarray:
    """The index tuples i_1 <= ... <= i_k of an m^k tensor, shape (C(m + k - 1, k), k), in the order of
    :func:`_distinct_entries`."""
    return np.array(list(itertools.combinations_with_replacement(range(m), k)), dtype=int).reshape(-1, k)


def _design_at(V: np.ndarray, tuples: np.ndarray) -> np.ndarray:
    """Entries ``prod_t V[i_t, c]`` of each component's v_c^{(x)k} at the given index tuples, shape (N, r)."""
    return np.prod(V[tuples], axis=1)


def _jacobian_at(V: np.ndarray, lam: np.ndarray, tuples: np.ndarray) -> np.ndarray:
    """Rows of :func:`_sym_jacobian` at the given index tuples only, shape (N, m * r): the entry
    ``lam_c prod_t V[i_t, c]`` has derivative ``lam_c sum_t [i_t = j] prod_{t' != t} V[i_t', c]`` in V[j, c]."""
    m, r = V.shape
    N, k = tuples.shape
    F = V[tuples]  # (N, k, r)
    others = np.stack([np.prod(np.delete(F, t, axis=1), axis=1) for t in range(k)], axis=1)  # (N, k, r)
    J = np.zeros((N, m, r))
    for t in range(k):
        np.add.at(J, (np.arange(N), tuples[:, t]), others[:, t, :])
    return (J * lam[None, None, :]).reshape(N, m * r)


@functools.lru_cache(maxsize=32)
def _distinct_entries(m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat (C-order) indices of the entries i_1 <= ... <= i_k of an m^k tensor, and the square roots of
    their multiplicities (the number of index permutations that give the same entry)."""
    from math import factorial

    idx, w = [], []
    for tup in itertools.combinations_with_replacement(range(m), k):
        idx.append(int(np.ravel_multi_index(tup, (m,) * k)))
        counts = np.unique(tup, return_counts=True)[1]
        w.append(factorial(k) / np.prod([factorial(int(c)) for c in counts]))
    return np.array(idx, dtype=int), np.sqrt(np.array(w))


def joint_refine(V: np.ndarray, tensors: list[np.ndarray], max_nfev: int = 100,
                 info: dict | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Refine shared components of several dense symmetric tensors by nonlinear least squares.

    Minimizes ``sum_t |T_t - sum_i l_{t,i} v_i^{(x)k_t}|^2`` jointly over the components ``v_i`` (columns of
    ``V``, (m, r)) and the weights ``l_t`` (one vector per tensor), starting from ``V`` (e.g. Jennrich's
    output, exact only for noiseless tensors) with weights fitted by linear least squares. The Jacobian is
    analytic. Works on small dense tensors (projected moments: m^3 and m^4 entries).

    The scale of each ``v_i`` is a gauge freedom (``v -> c v``, ``l -> l / c^k``) that leaves the Jacobian
    rank-deficient and lets a component drift to 0 or infinity; the residual gets ``mu (|v_i|^2 - 1)`` rows,
    with ``mu`` the tensors' largest entry, to pin it. Should the solver still fail (a non-finite step on a
    degenerate start), the start is returned unchanged.

    Returns (V (m, r) unit columns, [weights per tensor], rescaled to the unit columns). ``info``, when
    given, receives ``nfev``, ``max_nfev`` and ``converged`` (the solver stopped by its own tolerance test,
    not by ``max_nfev`` or a failure).
    """
    from scipy.optimize import least_squares

    V = _normalize_columns(np.asarray(V, dtype=float))
    m, r = V.shape
    orders = [t.ndim for t in tensors]
    flat = [t.ravel() for t in tensors]

    def design(Vn: np.ndarray, k: int) -> np.ndarray:
        return np.stack([dense_symmetric(np.array([1.0]), Vn[:, [i]], k).ravel() for i in range(r)], axis=1)

    lams0 = [np.linalg.lstsq(design(V, k), t.ravel(), rcond=None)[0] for t, k in zip(tensors, orders, strict=True)]

    def unpack(theta: np.ndarray):
        Vt = theta[: m * r].reshape(m, r)
        lams = [theta[m * r + j * r : m * r + (j + 1) * r] for j in range(len(tensors))]
        return Vt, lams

    mu = max(float(np.max(np.abs(t))) for t in flat) or 1.0
    # A symmetric tensor's residual is carried by its C(m + k - 1, k) distinct entries, each weighted by the
    # square root of its multiplicity: the same objective with m^k / k! times fewer rows (the solver's SVD
    # of the Jacobian dominates the cost).
    uniq = [_distinct_entries(m, k) for k in orders]
    flat = [t[idx] for t, (idx, _) in zip(flat, uniq, strict=True)]

    tuples = [_distinct_tuples(m, k) for k in orders]  # the distinct entries' index tuples, same order

    def residual(theta: np.ndarray) -> np.ndarray:
        Vt, lams = unpack(theta)
        fits = [w * (_design_at(Vt, tup) @ lam - t) for t, tup, lam, (_, w) in zip(flat, tuples, lams, uniq,
                                                                                  strict=True)]
        return np.concatenate([*fits, mu * (np.sum(Vt * Vt, axis=0) - 1.0)])

    def jac(theta: np.ndarray) -> np.ndarray:
        Vt, lams = unpack(theta)
        rows = []
        for j, (tup, lam, (idx, w)) in enumerate(zip(tuples, lams, uniq, strict=True)):
            block = np.zeros((idx.size, len(theta)))
            block[:, : m * r] = _jacobian_at(Vt, lam, tup)  # = _sym_jacobian(Vt, lam, k)[idx], no m^k array
            block[:, m * r + j * r : m * r + (j + 1) * r] = _design_at(Vt, tup)
            rows.append(w[:, None] * block)
        gauge = np.zeros((r, len(theta)))
        for i in range(r):  # d/dv_i of mu (|v_i|^2 - 1) = 2 mu v_i, at the C-order positions of column i
            gauge[i, i : m * r : r] = 2.0 * mu * Vt[:, i]
        rows.append(gauge)
        return np.vstack(rows)

    theta0 = np.concatenate([V.ravel(), *lams0])
    nfev, converged = 0, False
    try:
        res = least_squares(residual, theta0, jac=jac, max_nfev=int(max_nfev))
        ok = bool(np.all(np.isfinite(res.x)))
        theta = res.x if ok else theta0
        nfev, converged = int(res.nfev), ok and int(res.status) > 0
    except (np.linalg.LinAlgError, ValueError):
        theta = theta0
    if info is not None:
        info.update(nfev=nfev, max_nfev=int(max_nfev), converged=converged)
    Vt, lams = unpack(theta)
    norms = np.linalg.norm(Vt, axis=0)
    return Vt / norms, [lam * norms**k for lam, k in zip(lams, orders, strict=True)]
