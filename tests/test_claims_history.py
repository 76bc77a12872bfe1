"""Attempt history from git (depth2.claims.history), on a constructed repository.

The history of paper ``toy2020`` (and rows of another paper, ``other``, in the same tables), one commit per line:

====  =====================================================================  ==============================
c1    config.yaml: seed 11; claims.py v1                                     11 set
c2    claims.csv, old columns (no regime): alpha supported, beta inconcl.    11's results
c3    config.yaml: seed 12; claims.py v2 (design change)                     12 set
c4    claims.csv: alpha out of regime, beta not supported, gamma supported   12's results
c5    config.yaml: seed 13, only the seed and a comment change (no design)   13 set
c6    claims.csv: only ``other``'s rows change (toy rows stale)              13: no results
c7    config.yaml: seed 14, an experiment changes                            14 set
c8    claims.csv: alpha, beta supported, gamma inconclusive (long observed)  14's results
c9    paper.yaml: seed 21                                                    21 (paper size) set
c10   figures/paper/claims.csv: alpha supported, beta not supported          21's results
c11   config.yaml: seed 15, a bound changes (design change)                  15 set
c12   claims.csv: everything supported                                       15's results
====  =====================================================================  ==============================
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from depth2.claims.history import NO_GIT, NONE_EARLIER, attempts, history_cell, history_cells

PAPER = "toy2020"
IDS = [f"{PAPER}.alpha", f"{PAPER}.beta", f"{PAPER}.gamma"]
OLD_COLUMNS = ["id", "paper", "claim", "observed", "verdict", "reason"]
NEW_COLUMNS = ["id", "paper", "claim", "regime", "observed", "verdict", "reason", "kind"]
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), "-c", "commit.gpgsign=false", *args], capture_output=True,
                          text=True, check=True, env={**os.environ, **GIT_ENV}, timeout=30)
    return proc.stdout.strip()


def _commit(repo: Path, files: dict[str, str], message: str) -> str:
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "--short", "HEAD")


def _config(seed: int, n: int = 100, ratio_max: int = 10, comment: str = "") -> str:
    section = {"seed": seed, "experiments": {"sweep": {"n": n}}, "bounds": {"ratio_max": ratio_max}}
    return f"# {comment}\nroot_seed: 1\n" + yaml.safe_dump({"papers": [PAPER, "other"], PAPER: section,
                                                           "other": {"seed": 7}}, sort_keys=False)


def _table(rows: list[dict[str, str]], columns: list[str] = NEW_COLUMNS, other: str = "1.0") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in [*rows, {"id": "other.x", "verdict": "supported", "regime": "in", "observed": other}]:
        writer.writerow({"paper": row["id"].split(".")[0], "claim": "text", "kind": "test", **row})
    return out.getvalue()


def _row(name: str, verdict: str, observed: str = "", regime: str = "in", reason: str = "") -> dict[str, str]:
    return {"id": f"{PAPER}.{name}", "verdict": verdict, "observed": observed, "regime": regime, "reason": reason}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("history_repo")
    _git(root, "init", "-q")
    claims, experiments = f"src/depth2/papers/{PAPER}/claims.py", f"src/depth2/papers/{PAPER}/experiments.py"
    c = {}
    c["c1"] = _commit(root, {"config/config.yaml": _config(11), claims: "V = 1\n", experiments: "E = 1\n"}, "seed 11")
    c["c2"] = _commit(root, {"figures/claims.csv": _table(
        [_row("alpha", "supported", "ratio 1.2"), _row("beta", "inconclusive", "decided by: ratio 0.9 (CI 0.1..9)")],
        OLD_COLUMNS)}, "results 11")
    c["c3"] = _commit(root, {"config/config.yaml": _config(12), claims: "V = 2\n"}, "seed 12, claims v2")
    c["c4"] = _commit(root, {"figures/claims.csv": _table([
        _row("alpha", "inconclusive", "ratio 3.1", regime="out: too few rows", reason="out of regime: too few rows"),
        _row("beta", "not supported", "decided by: ratio 0.5 (95% CI 0.4..0.6); other point 0.7"),
        _row("gamma", "supported", "slope -1.0")])}, "results 12")
    c["c5"] = _commit(root, {"config/config.yaml": _config(13, comment="seed 13, same design")}, "seed 13")
    c["c6"] = _commit(root, {"figures/claims.csv": _table([
        _row("alpha", "inconclusive", "ratio 3.1", regime="out: too few rows", reason="out of regime: too few rows"),
        _row("beta", "not supported", "decided by: ratio 0.5 (95% CI 0.4..0.6); other point 0.7"),
        _row("gamma", "supported", "slope -1.0")], other="2.0")}, "other paper rerun only")
    c["c7"] = _commit(root, {"config/config.yaml": _config(14, n=200)}, "seed 14, sweep n 200")
    long = ("decided by: b=-3.25 d=10: gd_pop/sq = 0.85 (95% CI 0.49..1.95, L/OPT sq 1.39, gd_pop 8.16, more words)"
            "; other points")
    c["c8"] = _commit(root, {"figures/claims.csv": _table(
        [_row("alpha", "supported", "ratio 1.1"), _row("beta", "supported", "ratio 2.5"),
         _row("gamma", "inconclusive", long)])}, "results 14")
    c["c9"] = _commit(root, {"config/paper.yaml": yaml.safe_dump({PAPER: {"seed": 21}})}, "paper-size seed 21")
    c["c10"] = _commit(root, {"figures/paper/claims.csv": _table(
        [_row("alpha", "supported", "ratio 1.0"), _row("beta", "not supported", "ratio 0.8")])}, "paper size 21")
    c["c11"] = _commit(root, {"config/config.yaml": _config(15, n=200, ratio_max=5)}, "seed 15, ratio_max 5")
    c["c12"] = _commit(root, {"figures/claims.csv": _table(
        [_row("alpha", "supported", "ratio 1.0"), _row("beta", "supported", "ratio 2.0"),
         _row("gamma", "supported", "slope -1.0")])}, "results 15")
    return root, c


def test_attempts(repo):
    root, c = repo
    found = attempts(PAPER, root)
    assert [(a.seed, a.where, a.set_commit, a.results_commit) for a in found] == [
        (11, "config", c["c1"], c["c2"]), (12, "config", c["c3"], c["c4"]), (13, "config", c["c5"], None),
        (14, "config", c["c7"], c["c8"]), (21, "paper size", c["c9"], c["c10"]), (15, "config", c["c11"], c["c12"])]
    assert found[0].verdicts == {f"{PAPER}.alpha": "supported", f"{PAPER}.beta": "inconclusive"}  # old columns
    assert found[1].verdicts[f"{PAPER}.alpha"] == "out of regime"
    assert found[1].observed[f"{PAPER}.gamma"] == "slope -1.0"
    assert found[2].verdicts == {} and found[2].observed == {}
    assert all("other.x" not in a.verdicts for a in found)
    assert [a.seed for a in attempts("other", root)] == [7]  # set at c1, its rows first written at c2
    assert attempts("other", root)[0].results_commit == c["c8"]  # the last commit that changed its rows (back)


def test_cells_current_run(repo):
    root, _ = repo
    cells = history_cells(PAPER, IDS, 15, root)
    assert cells == {
        f"{PAPER}.alpha": "11: supported; 12: out of regime (ratio 3.1); then redesigned; 13: no results committed; "
                          "14: supported; 21 (paper size): supported; 15 (this run)",
        f"{PAPER}.beta": "11: inconclusive (ratio 0.9 (CI 0.1..9)); then redesigned; "
                         "12: not supported (ratio 0.5 (95% CI 0.4..0.6) ...); then redesigned; "
                         "13: no results committed; 14: supported; "
                         "21 (paper size): not supported (ratio 0.8); then redesigned; 15 (this run)",
        f"{PAPER}.gamma": "11: absent; 12: supported; 13: no results committed; "
                          "14: inconclusive (b=-3.25 d=10: gd_pop/sq = 0.85 (95% CI 0.49..1.95 ...)); "
                          "then redesigned; 21 (paper size): absent; 15 (this run)",
    }
    found = attempts(PAPER, root)
    assert {cid: history_cell(cid, found, 15, root) for cid in IDS} == cells


def test_cells_earlier_seed_and_pilot(repo):
    root, _ = repo
    found = attempts(PAPER, root)
    # 12's own attempt and the later ones of config.yaml are left out (the paper-size attempt 21 is listed: another
    # file's run); 13 (no results) too, when it is the current run;
    # an earlier seed whose results were never committed is listed as such (a burned seed is never hidden).
    assert history_cell(f"{PAPER}.beta", found, 12, root) == "11: inconclusive (ratio 0.9 (CI 0.1..9)); " \
        "then redesigned; 21 (paper size): not supported (ratio 0.8); 12 (this run)"
    assert history_cell(f"{PAPER}.alpha", found, 13, root) == "11: supported; 12: out of regime (ratio 3.1); " \
                                                              "21 (paper size): supported; 13 (this run)"
    assert history_cell(f"{PAPER}.alpha", found, 11, root) == "21 (paper size): supported; 11 (this run)"
    assert history_cell(f"{PAPER}.alpha", [a for a in found if a.where == "config"], 11, root) == NONE_EARLIER
    # 12's out-of-regime result: no design change before 13's seed (only the seed and a comment changed); 13's
    # results were never committed, so the window to 14 (listed next) takes in 14's design change.
    assert history_cell(f"{PAPER}.alpha", found, 14, root) == "11: supported; 12: out of regime (ratio 3.1); " \
                                                              "then redesigned; 13: no results committed; " \
                                                              "21 (paper size): supported; 14 (this run)"
    # A pilot seed (never committed): every attempt is earlier; after the last one the window ends at HEAD.
    pilot = history_cells(PAPER, IDS, 999, root)
    assert pilot[f"{PAPER}.gamma"].endswith("21 (paper size): absent; 15: supported; 999 (this run)")
    assert history_cells("nopaper", ["nopaper.x"], 1, root) == {"nopaper.x": NONE_EARLIER}


def test_no_git(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    plain = tmp_path / "plain"
    plain.mkdir()
    assert attempts(PAPER, plain) == []
    assert history_cell(f"{PAPER}.alpha", [], 15, plain) == NO_GIT
    assert history_cells(PAPER, IDS, 15, plain) == dict.fromkeys(IDS, NO_GIT)
    empty = tmp_path / "empty"  # a repository with no commit yet
    empty.mkdir()
    _git(empty, "init", "-q")
    assert history_cells(PAPER, IDS[:1], 15, empty) == {IDS[0]: NO_GIT}


def test_no_git_binary(repo, monkeypatch):
    root, _ = repo
    monkeypatch.setenv("PATH", "")
    assert history_cells(PAPER, IDS[:1], 15, root) == {IDS[0]: NO_GIT}
    assert attempts(PAPER, root) == []
