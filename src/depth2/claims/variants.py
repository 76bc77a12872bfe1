"""Robustness variants: pre-registered perturbations of a test's design that the paper predicts must not change
its verdict (a replication seed, grid offsets, initial scales, step sizes, instance draws, the next size up, the
strongest competitor).

A variant is declared in the config beside the bounds, ``<paper>.variants.<name>``:
``{kind: replication | nuisance, claims: [short ids], seed: N, set: {...}, why: "..."}``. The plan runs the
experiments its claims read with the paper's section deep-merged with ``set`` (and ``seed`` as the paper's seed),
as ordinary jobs under the experiment name :func:`variant_experiment`; the claims table evaluates each claim on
its variants' tables with the same bounds. A test whose variants do not all give the main run's verdict is
``fragile``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

SEPARATOR = "__"  # experiment and variant names never contain it (the schema's patterns say so)


def variant_experiment(experiment: str, variant: str) -> str:
    """The name a variant's run of ``experiment`` is tabled under (``bias_sweep__replication``)."""
    return f"{experiment}{SEPARATOR}{variant}"


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``over`` merged in: mappings recursively, anything else replaced (a new copy)."""
    out = copy.deepcopy(dict(base))
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) \
            else copy.deepcopy(v)
    return out


def variant_section(section: Mapping[str, Any], variant: Mapping[str, Any]) -> dict[str, Any]:
    """The paper's config section a variant runs with: ``set`` deep-merged in, ``seed`` replaced when given,
    and no variants of its own."""
    out = deep_merge({k: v for k, v in section.items() if k != "variants"}, variant.get("set") or {})
    if variant.get("seed") is not None:
        out["seed"] = int(variant["seed"])
    return out


def describe(name: str, variant: Mapping[str, Any]) -> str:
    """A variant's label in the table: its name, and its seed for a replication."""
    return f"{name} (seed {variant['seed']})" if variant.get("kind") == "replication" else name
