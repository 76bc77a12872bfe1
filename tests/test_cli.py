"""The command line's error handling: user errors exit 2 with a message and no traceback (unless --debug);
genuine job failures exit 1 with the traceback logged."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from depth2.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _restore_logging():
    """main() installs root handlers on the (captured) stderr and the --log file: drop them after each test,
    so that no later log record is written to a closed stream."""
    yield
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
        h.close()


@pytest.fixture
def invalid_config(tmp_path) -> Path:
    path = tmp_path / "invalid.yaml"
    path.write_text("papers: [nonsense]\nstorage:\n  max_stored_mb: -1\n")
    return path


@pytest.fixture
def broken_yaml(tmp_path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text("papers: [guo2025\nroot_seed: 3\n")  # unclosed flow sequence; ':' on line 2, column 10
    return path


def test_validate_invalid_config_exits_2_with_key_and_allowed_values(invalid_config, capsys):
    assert main(["validate", str(invalid_config)]) == 2
    err = capsys.readouterr().err
    assert f"depth2 validate: error: {invalid_config}: invalid config" in err
    assert "config key 'papers.0': 'nonsense' is not one of" in err
    assert "'guo2025'" in err and "'mondelli2019'" in err  # the allowed values
    assert "config key 'storage.max_stored_mb'" in err
    assert "Traceback" not in err


def test_validate_yaml_syntax_error_names_file_line_column(broken_yaml, capsys):
    assert main(["validate", str(broken_yaml)]) == 2
    err = capsys.readouterr().err
    assert f"{broken_yaml}:2:10: YAML syntax error" in err
    assert "Traceback" not in err


def test_validate_missing_file_exits_2(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    assert main(["validate", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"no such file: {missing}" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(invalid_config, broken_yaml, capsys):
    for path in (invalid_config, broken_yaml):
        assert main(["--debug", "validate", str(path)]) == 2  # still a user error, now with its traceback
        err = capsys.readouterr().err
        assert "Traceback" in err and "ConfigError" in err


def test_user_error_is_written_to_the_log_file(broken_yaml, tmp_path, capsys):
    log_file = tmp_path / "logs" / "validate.log"
    assert main(["--log", str(log_file), "validate", str(broken_yaml)]) == 2
    text = log_file.read_text()
    assert f"{broken_yaml}:2:10: YAML syntax error" in text and "Traceback" not in text
    assert capsys.readouterr().err.count("YAML syntax error") == 1  # stderr gets the plain message once


def test_notebook_of_unknown_paper_is_a_user_error(tmp_path, capsys):
    assert main(["notebook", "--paper", "nopaper", "--out", str(tmp_path / "x.ipynb")]) == 2
    err = capsys.readouterr().err
    assert "no notebook for paper 'nopaper'" in err and "Traceback" not in err


def test_job_failure_exits_1_with_traceback(tmp_path, capsys):
    # data.json beside the named data.npz is missing: an artifact a rule should have made, so a failed job
    assert main(["fit", "--data", str(tmp_path / "data.npz"), "--learner", "sq", "--out",
                 str(tmp_path / "fit.npz")]) == 1
    err = capsys.readouterr().err
    assert "depth2 fit failed" in err and "Traceback" in err and "FileNotFoundError" in err


def test_console_exit_status_without_traceback(broken_yaml):
    """The same through a real process (what a user's shell sees)."""
    proc = subprocess.run([sys.executable, "-m", "depth2.cli", "validate", str(broken_yaml)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert f"{broken_yaml}:2:10" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""
