"""Config loading and validation: one schema (``workflow/schemas/config.schema.yaml``), defaults filled in,
every error naming the key and what is allowed. Used by the Snakefile and the CLI alike."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


class ConfigError(ValueError):
    """A config value is missing, unknown, of the wrong type or out of range."""


def load_schema(path: str | os.PathLike | None = None) -> dict:
    """The config schema (YAML)."""
    return yaml.safe_load(Path(path or SCHEMA_PATH).read_text())


def _fill_defaults(schema: Mapping[str, Any], obj: Any) -> Any:
    """Fill ``default`` values of object properties recursively (parents need ``default: {}``)."""
    if schema.get("type") != "object" or not isinstance(obj, dict):
        return obj
    for key, sub in schema.get("properties", {}).items():
        if key not in obj and "default" in sub:
            obj[key] = copy.deepcopy(sub["default"])
        if key in obj:
            obj[key] = _fill_defaults(sub, obj[key])
    return obj


def _allowed(schema: Mapping[str, Any]) -> str:
    parts = []
    if "enum" in schema:
        parts.append(f"one of {schema['enum']}")
    if "type" in schema:
        parts.append(f"type {schema['type']}")
    for k, sym in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")):
        if k in schema:
            parts.append(f"{sym} {schema[k]}")
    if "minItems" in schema:
        parts.append(f"at least {schema['minItems']} item(s)")
    if "maxItems" in schema:
        parts.append(f"at most {schema['maxItems']} item(s)")
    if "properties" in schema and schema.get("additionalProperties") is False:
        parts.append(f"keys {sorted(schema['properties'])}")
    return ", ".join(parts)


def _message(error) -> str:
    path = ".".join(str(p) for p in error.absolute_path) or "<top level>"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return f"config key {path!r}: {error.message}; allowed keys here: {allowed}"
    return f"config key {path!r}: {error.message} (allowed: {_allowed(error.schema)})"


def _semantic_checks(cfg: Mapping[str, Any]) -> list[str]:
    """Checks a schema cannot express: learner names against the registry, ranges between keys."""
    from depth2 import learners

    known = set(learners.names())
    errors = []
    g = cfg.get("guo2025", {})
    for exp in ("bias_sweep", "csq"):
        for name in g.get("experiments", {}).get(exp, {}).get("learners", []):
            if name not in known:
                errors.append(f"config key 'guo2025.experiments.{exp}.learners': unknown learner {name!r} "
                              f"(allowed: {sorted(known)})")
    if g and g["n_min"] > g["n_max"]:
        errors.append(f"config keys 'guo2025.n_min' ({g['n_min']}) and 'guo2025.n_max' ({g['n_max']}): "
                      "n_min must not exceed n_max")
    sq = g.get("learners", {}).get("sq", {})
    if sq and sq["bias_min"] > sq["bias_max"]:
        errors.append(f"config keys 'guo2025.learners.sq.bias_min' ({sq['bias_min']}) and 'bias_max' "
                      f"({sq['bias_max']}): bias_min must not exceed bias_max")
    for name in cfg.get("awasthi2021", {}).get("experiments", {}).get("recovery_vs_n", {}).get("learners", []) + \
            cfg.get("awasthi2021", {}).get("experiments", {}).get("bias_sweep", {}).get("learners", []):
        if name not in known:
            errors.append(f"config key 'awasthi2021.experiments': unknown learner {name!r} (allowed: {sorted(known)})")
    for exp in ("recovery_vs_n", "baselines"):
        for d, m in cfg.get("awasthi2021", {}).get("experiments", {}).get(exp, {}).get("shapes", []):
            if m > d:
                errors.append(f"config key 'awasthi2021.experiments.{exp}.shapes': (d, m) = ({d}, {m}) needs "
                              "m <= d (full-rank case)")
    errors += _project_grid_sizes(cfg.get("goel2021", {}).get("experiments", {}).get("project_grid", {}))
    st = cfg.get("mondelli2019", {}).get("experiments", {}).get("student", {})
    if st.get("enabled"):
        from depth2.papers.mondelli2019.experiments import width

        if not any(width(d, q) * d < st["n_fraction"] * d**3 / 6 for d in st["dims"] for q in st["ratios"]):
            errors.append("config key 'mondelli2019.experiments.student': no (d, ratio) gives r d < n = n_fraction "
                          "d^3 / 6 (the experiment's regime); raise dims or n_fraction, or lower ratios")
    exps = g.get("experiments", {})
    if g and not any(e.get("enabled") for e in exps.values()):
        errors.append("config key 'guo2025.experiments': every experiment is disabled (empty grid); enable one "
                      f"of {sorted(exps)} or drop guo2025 from 'papers'")
    return errors


def _variant_checks(cfg: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """Each paper's robustness variants (``<paper>.variants``): a replication has a ``seed`` other than the
    paper's and no ``set``; every claim named is a test of the paper; the merged section a variant runs with
    is itself a valid section (its ``set`` keys exist, with allowed values)."""
    from depth2 import learners, papers
    from depth2.claims.variants import variant_section

    errors = []
    for key in cfg.get("papers", []):
        section = cfg.get(key, {})
        if not section.get("variants"):
            continue
        tests = {c.short for c in papers.get(key).claims if c.kind == "test"}
        for name, v in section["variants"].items():
            where = f"config key '{key}.variants.{name}'"
            if v["kind"] == "replication" and (v.get("seed") is None or v.get("set")):
                errors.append(f"{where}: a replication needs a 'seed' and no 'set'")
            if v.get("seed") is not None and int(v["seed"]) == int(section["seed"]):
                errors.append(f"{where}: seed {v['seed']} is the main run's seed; a variant needs a fresh one")
            for ln in v.get("learners", []):
                if ln not in learners.names():
                    errors.append(f"{where}.learners: unknown learner {ln!r} (allowed: {sorted(learners.names())})")
            for c in v["claims"]:
                if c not in tests:
                    errors.append(f"{where}.claims: {c!r} is not a test of {key} (allowed: {sorted(tests)})")
            merged = _fill_defaults(schema["properties"][key], variant_section(section, v))
            for e in Draft202012Validator(schema["properties"][key]).iter_errors(merged):
                at = ".".join(str(p) for p in e.absolute_path)
                errors.append(f"config key '{key}.variants.{name}.set' (merged over '{key}{'.' + at if at else ''}'): "
                              f"{e.message}")
    return errors


def _project_grid_sizes(e: Mapping[str, Any]) -> list[str]:
    """goel2021's project_grid: every eps must give a grid within max_points (the learner refuses a larger one
    at fit time, after the jobs before it have run). Width 1 and the learner's default c_m and delta = eps,
    as the experiment fits it."""
    if not e.get("enabled"):
        return []
    from depth2.learners.project_grid import DEFAULTS, default_m, grid_size

    errors = []
    for regime, grid in e.get("eps", {}).items():
        for eps in grid:
            m = default_m(float(eps), 1, float(DEFAULTS["c_m"]), regime)
            n_units, candidates = grid_size(m, float(eps), 1, e["max_points"])
            if candidates is None:
                errors.append(f"config key 'goel2021.experiments.project_grid.max_points' ({e['max_points']:,}): "
                              f"eps = {eps:g} ({regime}) gives m = {m} and >= {n_units:.3g} grid points; raise "
                              "max_points or drop that eps")
    return errors


def _seeds_as_int(cfg: dict) -> dict:
    """Snakemake's ``--config guo2025='{seed: 101}'`` delivers nested values as strings: read a paper seed
    written in digits as the integer it is (anything else is left for the schema to refuse)."""
    for section in cfg.values():
        if isinstance(section, dict) and isinstance(section.get("seed"), str) and section["seed"].isdigit():
            section["seed"] = int(section["seed"])
    return cfg


def validate(config: Mapping[str, Any], schema_path: str | os.PathLike | None = None) -> dict:
    """Validate ``config`` and return a copy with every default filled in.

    Raises
    ------
    ConfigError
        Listing every problem, each naming its key and the allowed values.
    """
    if not isinstance(config, Mapping):
        raise ConfigError(f"config must be a mapping of keys to values, got {type(config).__name__}")
    schema = load_schema(schema_path)
    cfg = _fill_defaults(schema, _seeds_as_int(copy.deepcopy(dict(config))))
    errors = sorted(_message(e) for e in Draft202012Validator(schema).iter_errors(cfg))
    if not errors:
        errors = _semantic_checks(cfg) + _variant_checks(cfg, schema)
    if errors:
        raise ConfigError("invalid config:\n  " + "\n  ".join(errors))
    return cfg


def _yaml_message(path: str | os.PathLike, error: yaml.YAMLError) -> str:
    """``file:line:column: what is wrong`` for a YAML syntax error (PyYAML's marks count from 0)."""
    mark = getattr(error, "problem_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if context and context_mark is not None:
        # e.g. "while scanning a quoted scalar" that began on another line: say where it began
        context = f"{context} (line {context_mark.line + 1}, column {context_mark.column + 1})"
    return f"{where}: YAML syntax error: {problem}" + (f", {context}" if context else "")


def load(path: str | os.PathLike) -> dict:
    """Read a YAML config file and validate it (see :func:`validate`).

    Raises
    ------
    ConfigError
        On a YAML syntax error (naming ``file:line:column``) or an invalid config (naming the file, then
        every problem as :func:`validate` does).
    FileNotFoundError
        If ``path`` does not exist.
    """
    text = Path(path).read_text()
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ConfigError(_yaml_message(path, e)) from e
    try:
        return validate(config or {})
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None  # validate's own message is complete; no chained traceback
