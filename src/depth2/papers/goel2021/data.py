"""goel2021 data: the reduction instances (our reconstruction, :mod:`.reductions`) and a random-teacher control.

Families (``d`` is the instance's dimension; an instance has a fixed number of rows, so the point's ``n`` must
equal it: :func:`rows` computes it from the parameters):

* ``goel2021.set_cover`` (reduction A): ``kind`` ``"random"`` (``d`` sets over ``n_elements`` elements, each
  element in each set with probability ``p``, repaired so that every element is in some set) or ``"three_set"``
  (the hand-built 3-set system, cover number 2). ``M = m_scale * d^2`` (the weight of an element point; the
  digest's ``M >= 9 t^2`` separates ``tau <= t`` from ``tau >= t + 1`` for every ``t < d`` when ``m_scale >= 9``).
  ``origin`` (default 0) origin rows with label 0 follow: the gadget that makes the reduction hold for a biased
  ReLU (:mod:`.reductions`). ``hidden``: ``incidence`` (d, n_elements), ``tau`` (the cover number, by exhaustive
  search), ``M``, ``origin``. Rows: ``d + n_elements + origin``.
* ``goel2021.colouring`` (reduction B): ``kind`` ``"fano"`` (d = 7), ``"k5"`` (K_5^(3), d = 5), ``"planted"``
  (``n_edges`` random triples, none monochromatic under a hidden balanced 2-colouring), ``"random"``
  (``n_edges`` uniform triples), ``"graph_planted"`` / ``"graph_random"`` (graphs with ``n_edges`` edges, planted
  3-colourable or uniform), ``"k4"`` (d = 4) and ``"wheel5"`` (W_5, d = 6) — the last two are not 3-colourable.
  ``k`` colours (2 for hypergraphs, 3 for graphs by default). ``hidden``: ``edges`` (E, r), ``colourable``
  (1.0 / 0.0, by backtracking), ``k``, ``origin``; ``origin`` (default 0) origin rows with label 0 follow the
  vertex and edge rows (the gadget for biased units of positive sign). Rows: ``d + E + origin``.
* ``goel2021.teacher``: ``x ~ N(0, I_d)``, ``y = relu(<w*, x> + b*) + noise z``, ``w*`` uniform on the sphere,
  ``b* ~ N(0, 1)`` when ``bias`` is true and 0 otherwise. With ``bounded`` (the paper's bounded setting: inputs
  and weights in the unit ball) ``x = (g w* + xi) / |g w* + xi|``, ``g ~ N(0, 1)``, ``xi ~ N(0, I_d / d)``: unit
  inputs correlated with the teacher, so that ``<w*, x>`` is of order 1 rather than ``d^{-1/2}``. ``offset``
  (default 0) is added to every label (the solver-cost design in d lifts the labels so that all are positive).
  ``hidden``: ``w``, ``b``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from depth2.core.data import register_family
from depth2.papers.goel2021 import reductions as R

SET_COVER_KINDS = ("random", "three_set")
HYPERGRAPH_KINDS = {"fano": 7, "k5": 5, "planted": None, "random": None}
GRAPH_KINDS = {"graph_planted": None, "graph_random": None, "k4": 4, "wheel5": 6}
COLOURING_KINDS = {**HYPERGRAPH_KINDS, **GRAPH_KINDS}


def _choice(name: str, value: Any, allowed) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, got {value!r}")
    return str(value)


def _int(name: str, value: Any, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
    return int(value)


def _origin(params: Mapping[str, Any]) -> int:
    return _int("origin", params.get("origin", 0), 0)


# ----------------------------------------------------------------------------------------------- set cover
def set_cover_size(d: int, params: Mapping[str, Any]) -> tuple[int, int]:
    """(sets, elements) of a set-cover point."""
    kind = _choice("kind", params.get("kind", "random"), SET_COVER_KINDS)
    if kind == "three_set":
        inst = R.three_set_example()
        if d != len(inst.sets):
            raise ValueError(f"the three_set instance has d = {len(inst.sets)} sets, got d = {d}")
        return len(inst.sets), inst.n_elements
    return _int("d", d, 1), _int("n_elements", params.get("n_elements"), 1)


@register_family("goel2021.set_cover")
class SetCover:
    def hidden(self, rng, d, params):
        kind = _choice("kind", params.get("kind", "random"), SET_COVER_KINDS)
        N, m = set_cover_size(d, params)
        if kind == "three_set":
            sets = R.three_set_example().sets
        else:
            sets = R.random_set_system(rng, N, m, float(params.get("p", 0.3)))
        scale = float(params.get("m_scale", 9.0))
        if not scale > 0:
            raise ValueError(f"m_scale must be > 0, got {scale!r}")
        return {"incidence": R.incidence(sets, m).astype(float), "tau": np.array(float(R.cover_number(sets, m))),
                "M": np.array(scale * N * N), "origin": np.array(float(_origin(params)))}

    def sample(self, rng, m, d, params, hidden):
        A = np.asarray(hidden["incidence"]) > 0.5
        sets = [tuple(np.flatnonzero(row)) for row in A]
        X, y = R.set_cover_points(sets, A.shape[1], float(hidden["M"]), _origin(params))
        if m != X.shape[0]:
            raise ValueError(f"a set-cover instance with {A.shape[0]} sets and {A.shape[1]} elements has "
                             f"{X.shape[0]} rows; the point asked for n = {m}")
        return X, y


# ----------------------------------------------------------------------------------------------- colouring
def colouring_size(d: int, params: Mapping[str, Any]) -> tuple[int, int]:
    """(vertices, edges) of a colouring point."""
    kind = _choice("kind", params.get("kind"), COLOURING_KINDS)
    fixed = {"fano": 7, "k5": 10, "k4": 6, "wheel5": 10}
    if COLOURING_KINDS[kind] is not None:
        if d != COLOURING_KINDS[kind]:
            raise ValueError(f"kind {kind!r} has d = {COLOURING_KINDS[kind]} vertices, got d = {d}")
        return d, fixed[kind]
    return _int("d", d, 3), _int("n_edges", params.get("n_edges"), 1)


def _graph_edges(rng: np.random.Generator, n: int, n_edges: int, colouring: np.ndarray | None) -> np.ndarray:
    pairs = np.array(list(itertools.combinations(range(n), 2)), dtype=np.int64)
    if colouring is not None:
        pairs = pairs[colouring[pairs[:, 0]] != colouring[pairs[:, 1]]]
    if n_edges > len(pairs):
        raise ValueError(f"n_edges = {n_edges} exceeds the {len(pairs)} admissible pairs on {n} vertices")
    return pairs[np.sort(rng.choice(len(pairs), size=n_edges, replace=False))]


def colouring_edges(rng: np.random.Generator, kind: str, n: int, n_edges: int | None, k: int) -> np.ndarray:
    """The edges (E, r) of a colouring instance."""
    if kind == "fano":
        return R.fano_plane()
    if kind == "k5":
        return R.complete_3_uniform(5)
    if kind == "k4":
        return R.complete_graph(4)
    if kind == "wheel5":
        return R.wheel_graph(5)
    if kind == "planted":
        return R.planted_colourable(rng, n, n_edges, k=k)[0]
    if kind == "random":
        return R.random_3_uniform(rng, n, n_edges)
    colouring = rng.permutation(np.arange(n) % k) if kind == "graph_planted" else None
    return _graph_edges(rng, n, n_edges, colouring)


@register_family("goel2021.colouring")
class Colouring:
    def hidden(self, rng, d, params):
        kind = _choice("kind", params.get("kind"), COLOURING_KINDS)
        n, E = colouring_size(d, params)
        k = _int("k", params.get("k", 2 if kind in HYPERGRAPH_KINDS else 3), 2)
        edges = colouring_edges(rng, kind, n, E, k)
        return {"edges": edges.astype(float), "colourable": np.array(float(R.is_k_colourable(edges, n, k) is not None)),
                "k": np.array(float(k)), "origin": np.array(float(_origin(params)))}

    def sample(self, rng, m, d, params, hidden):
        edges = np.asarray(hidden["edges"]).astype(np.int64)
        X, y = R.colouring_points(edges, d, _origin(params))
        if m != X.shape[0]:
            raise ValueError(f"a colouring instance with {d} vertices and {len(edges)} edges has {X.shape[0]} rows; "
                             f"the point asked for n = {m}")
        return X, y


# ----------------------------------------------------------------------------------------------- teacher
@register_family("goel2021.teacher")
class Teacher:
    def hidden(self, rng, d, params):
        w = rng.standard_normal(_int("d", d, 1))
        w /= np.linalg.norm(w)
        b = float(rng.standard_normal()) if params.get("bias", True) else 0.0
        return {"w": w, "b": np.array(b)}

    def sample(self, rng, m, d, params, hidden):
        noise = float(params.get("noise", 0.0))
        if not noise >= 0:
            raise ValueError(f"noise must be >= 0, got {noise!r}")
        X = rng.standard_normal((m, d))
        if params.get("bounded", False):
            X = rng.standard_normal(m)[:, None] * hidden["w"] + X / np.sqrt(d)
            X /= np.linalg.norm(X, axis=1, keepdims=True)
        y = np.maximum(X @ hidden["w"] + float(hidden["b"]), 0.0) + float(params.get("offset", 0.0))
        if noise:
            y = y + noise * rng.standard_normal(m)
        return X, y


def rows(family: str, d: int, params: Mapping[str, Any], n: int | None = None) -> int:
    """The number of rows of a point: fixed by the instance for the reductions, ``n`` for the teacher."""
    if family == "goel2021.set_cover":
        return sum(set_cover_size(d, params)) + _origin(params)
    if family == "goel2021.colouring":
        return sum(colouring_size(d, params)) + _origin(params)
    return _int("n", n, 1)
