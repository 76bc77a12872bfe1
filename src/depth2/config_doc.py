"""Render ``config/README.md`` from the config schema: ``python -m depth2.config_doc > config/README.md``.

The schema is the single source of truth for keys, ranges, defaults and meanings; a test checks that the
committed README matches this rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from depth2.config import _allowed, load_schema

HEADER = """# Configuration keys

Generated from `workflow/schemas/config.schema.yaml`, the single source of truth (regenerate with
`python -m depth2.config_doc > config/README.md`). Keys left out of a config file take these defaults.
Unknown keys, wrong types and out-of-range values are refused before any job runs, with the key named.

Configs shipped: `config.yaml` (the default: every implemented paper, sized for a laptop with 2 cores: about 22
minutes, `bench/pipeline.md`), `paper.yaml` (the full sizes: more seeds, larger n, d and widths; for a
workstation or a cluster, `profiles/slurm`) and `smoke.yaml` (tiny sizes; the tests run it end to end).
Override one key on the command line with `snakemake --config root_seed=1`, or layer files with `--configfile`.

Expected cost of `paper.yaml`, per paper, in core-hours (`python bench/core_hours.py --measured
config/config.yaml --target config/paper.yaml --root <run>`, re-costed 7 Dec 2026 from the benchmark files of the
confirmatory default run of commit 86190bf, a fresh clone). These are extrapolated, not measured: each paper.yaml
job is priced from the default run's benchmark files of the same rule, paper, experiment and learner through a
linear work proxy (replicates x rows x d x width x steps x restarts; rows = n Phi(b) for learners that read only
the tail rows).
Methods whose cost grows faster than that (tensor power iterations ~ width^2, exact solvers) make these figures a
floor:

| paper | jobs | default run, measured | paper.yaml, expected |
|---|---|---|---|
| guo2025 | 464 | 0.13 | 11.5 |
| goel2021 | 346 | 0.07 | 0.4 |
| safran2022 | 249 | 0.07 | 9.2 |
| awasthi2021 | 125 | 0.05 | 0.7 |
| mondelli2019 | 419 | 0.08 | 16.0 |
| all | 1604 | 0.39 | 37.7 |

Measured at paper size on 2 cores: goel2021 (seed 6309) in 25.8 min of wall time and 0.83 core-hours of job time,
twice the proxy (its claims: `figures/paper/claims.md`); awasthi2021 stopped after 8 min (one
`hermite_tensor_zero_bias` fit at d = 40, m = 20, n = 1e6 takes 121-144 s per replicate, so the proxy's 0.7 is far
below the truth). The other papers were not run at paper size.

The `bounds` of each paper are the pre-registered thresholds of its claims: they were fixed before the first
run and are never adjusted after seeing results.

## Pilot and confirmatory runs

Each paper section has its own `seed`, mixed into every seed path of that paper (after `root_seed`), so one
paper's run changes no other paper's numbers. Designs (sizes, seeds per point, bounds) are tuned on **pilot**
runs with other seeds: layer `config/pilot.yaml` (pilot seeds for every paper) over a config, e.g.
`snakemake -s "$PWD/Snakefile" -d /tmp/pilot --cores 2 --configfile config/config.yaml config/pilot.yaml`.
The **confirmatory** seed is the `seed` in the committed
`config.yaml`: it is set in the commit that fixes the design and its bounds, no run uses it before that commit,
and its results land in a later commit. `figures/claims.md` states, per paper, the seed and that design commit
(found from git history by `depth2.confirmatory`); a paper-size run's seed is set the same way in `paper.yaml`
and labelled `paper size`; a run with any other seed is labelled a pilot there.

## Robustness variants

Every test pre-registers, beside its bounds, at least two variants that the paper predicts must not change its
verdict (`<paper>.variants.<name>`): `kind: replication` with a fresh `seed` (the deciding experiments rerun on a
second confirmatory seed), and `kind: nuisance` with a `set` deep-merged over the paper's section (a grid offset,
an initial scale, the next size up, the strongest competitor). `claims` names the tests that read it, `why` what
the paper predicts of it, and the optional `learners` the only learners its points fit (what its claims read).
Each variant runs the experiments its claims read as ordinary jobs, tabled as `<experiment>__<variant>`; the
claims table evaluates each test on its variants with the same bounds, and a test whose variants do not all
give its main verdict is `fragile`. The config check refuses a replication without a fresh seed, a claim that
is not a test, an unknown learner, and a `set` whose merged section is not a valid section.

| key | allowed | default | meaning |
|---|---|---|---|"""


def _rows(schema: Mapping[str, Any], prefix: str = "") -> list[str]:
    rows = []
    for key, sub in schema.get("properties", {}).items():
        name = f"{prefix}.{key}" if prefix else key
        desc = str(sub.get("description", "")).replace("|", "\\|")
        if sub.get("type") == "object" and "properties" in sub:
            rows.append(f"| `{name}` | section | | {desc} |")
            rows += _rows(sub, name)
        else:
            allowed = _allowed(sub)
            if sub.get("type") == "array" and "items" in sub:
                allowed += "; items: " + _allowed(sub["items"])
            rows.append(f"| `{name}` | {allowed} | `{sub.get('default', '')}` | {desc} |")
    return rows


def render() -> str:
    """The Markdown text of ``config/README.md``."""
    return "\n".join([HEADER, *_rows(load_schema())]) + "\n"


if __name__ == "__main__":
    print(render(), end="")
