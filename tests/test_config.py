"""A bad config is refused before any job runs, with the key and the allowed values named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from depth2.config import ConfigError, load, validate

REPO = Path(__file__).resolve().parents[1]


def test_shipped_configs_are_valid_and_filled_with_defaults():
    for name in ("config.yaml", "smoke.yaml", "paper.yaml", "pilot.yaml"):
        cfg = load(REPO / "config" / name)
        assert cfg["guo2025"]["learners"]["sq"]["rho"] == 0.5
        assert cfg["storage"]["block_rows"] >= 1024
    assert validate({})["guo2025"]["bounds"]["ratio_max"] == 10


BAD = [
    ({"root_sed": 1}, "'<top level>'", "root_sed"),
    ({"root_seed": -1}, "root_seed", ">= 0"),
    ({"root_seed": "abc"}, "root_seed", "integer"),
    ({"papers": []}, "papers", "at least 1"),
    ({"papers": ["nature2030"]}, "papers.0", "guo2025"),
    ({"guo2025": {"d": 1}}, "guo2025.d", ">= 2"),
    ({"guo2025": {"replicates": 2.5}}, "guo2025.replicates", "integer"),
    ({"guo2025": {"experiments": {"bias_sweep": {"biases": []}}}}, "guo2025.experiments.bias_sweep.biases",
     "at least 1"),
    ({"guo2025": {"experiments": {"bias_sweep": {"learners": ["gd", "magic"]}}}},
     "guo2025.experiments.bias_sweep.learners", "unknown learner 'magic'"),
    ({"guo2025": {"experiments": {"bias_sweep": {"families": ["eq5"]}}}},
     "guo2025.experiments.bias_sweep.families.0", "eq4"),
    ({"guo2025": {"learners": {"sq": {"rho": 1.5}}}}, "guo2025.learners.sq.rho", "< 1"),
    ({"guo2025": {"learners": {"sq": {"split": [0.5, 0.5]}}}}, "guo2025.learners.sq.split", "at least 3"),
    ({"guo2025": {"learners": {"gd": {"max_stepz": 3}}}}, "guo2025.learners.gd", "max_steps"),
    ({"guo2025": {"n_min": 5000, "n_max": 1000}}, "guo2025.n_min", "must not exceed"),
    ({"guo2025": {"bounds": {"success_ratio": 0.5}}}, "guo2025.bounds.success_ratio", "> 1"),
    ({"guo2025": {"experiments": {k: {"enabled": False} for k in
                                  ("bias_sweep", "population_gd", "pca_overlap", "pca_tail", "sq_vs_n", "eq4_gd",
                                   "csq_gd", "csq")}}},
     "guo2025.experiments", "empty grid"),
    ({"guo2025": {"bounds": {"escape_fraction": 1.5}}}, "guo2025.bounds.escape_fraction", "< 1"),
    ({"storage": {"block_rows": 10}}, "storage.block_rows", ">= 1024"),
    ({"awasthi2021": {"experiments": {"recovery_vs_n": {"shapes": [[5, 8]]}}}},
     "awasthi2021.experiments.recovery_vs_n.shapes", "m <= d"),
    ({"awasthi2021": {"experiments": {"bias_sweep": {"learners": ["hermite"]}}}}, "awasthi2021.experiments",
     "unknown learner 'hermite'"),
    # eps = 0.12 gives m = 8 and 9.5e7 grid points: refused when the plan is built, not at its fit job
    ({"goel2021": {"experiments": {"project_grid": {"max_points": 20_000_000, "eps": {"realizable": [0.2, 0.12]}}}}},
     "goel2021.experiments.project_grid.max_points", "eps = 0.12 (realizable) gives m = 8"),
]


@pytest.mark.parametrize("config,key,allowed", BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_bad_config_is_refused_naming_key_and_allowed(config, key, allowed):
    with pytest.raises(ConfigError) as err:
        validate(config)
    msg = str(err.value)
    assert key in msg and allowed in msg, msg


def test_snakemake_refuses_a_bad_config_before_any_job(tmp_path):
    from conftest import run_snakemake

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"guo2025": {"d": 0}}))
    proc = run_snakemake(tmp_path, "-n", "--configfile", str(bad), check=False)
    assert proc.returncode != 0
    assert "guo2025.d" in proc.stdout + proc.stderr
    assert not (tmp_path / "results").exists()


def test_config_readme_documents_every_key():
    from depth2.config_doc import render

    assert (REPO / "config" / "README.md").read_text() == render(), "regenerate: python -m depth2.config_doc"


def test_pilot_seeds_layer_over_the_default_and_move_every_seed_path():
    from depth2.plan import Plan

    base = yaml.safe_load((REPO / "config" / "smoke.yaml").read_text())
    pilot = yaml.safe_load((REPO / "config" / "pilot.yaml").read_text())
    layered = {**base, **{k: {**base.get(k, {}), **v} for k, v in pilot.items()}}
    a, b = Plan(validate(base)), Plan(validate(layered))
    for key in pilot:
        assert validate(layered)[key]["seed"] == pilot[key]["seed"] != validate(base)[key]["seed"]
    ds = a.datasets()[0]
    assert a.dataset_spec(*ds) != b.dataset_spec(*ds)
    # Snakemake's --config delivers a nested seed as a string of digits: read as the integer
    assert validate({"guo2025": {"seed": "101"}})["guo2025"]["seed"] == 101
    with pytest.raises(ConfigError, match="guo2025.seed"):
        validate({"guo2025": {"seed": "abc"}})


def test_a_notebook_runs_only_when_the_experiments_it_opens_are_enabled():
    # A run with guo2025's bias_sweep disabled used to fail in the notebook's first table cell; the plan now
    # skips that notebook (and its benchmark file) and keeps the others.
    from depth2.plan import Plan

    base = yaml.safe_load((REPO / "config" / "smoke.yaml").read_text())
    full = Plan(validate(base))
    assert full.notebooks() == list(validate(base)["papers"])
    base["guo2025"]["experiments"]["bias_sweep"]["enabled"] = False
    part = Plan(validate(base))
    assert "guo2025" not in part.notebooks() and set(part.notebooks()) == set(full.notebooks()) - {"guo2025"}
    assert "notebook/guo2025.tsv" not in part.benchmarks()["notebook"]


def test_every_notebook_declares_the_experiments_it_opens():
    # The declaration (Paper.notebook_reads) must cover every experiment the notebook names in a call such as
    # artifacts.load_table("guo2025", "bias_sweep", ...): otherwise a disabled experiment fails the run again.
    import json
    import re

    from depth2 import papers

    for key in validate({})["papers"]:
        nb = json.loads((REPO / "workflow" / "notebooks" / f"{key}.ipynb").read_text())
        code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        named = set(re.findall(rf'"{key}",\s*"(\w+)"', code))
        assert named and named <= set(papers.get(key).notebook_reads), (key, named)
