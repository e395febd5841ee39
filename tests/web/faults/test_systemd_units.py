"""The systemd units shipped in deploy/systemd restart every program and pass
``systemd-analyze verify`` (with the install path pointed at this virtualenv)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.web.faults.processes import ROOT

UNITS = ROOT / "deploy" / "systemd"
SERVICES = ["microcred-web.service", "microcred-worker.service", "microcred-scheduler.service"]


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


@pytest.mark.parametrize("name", SERVICES)
def test_every_program_is_restarted_whatever_its_exit(name: str) -> None:
    unit = _unit(name)
    assert unit["Service"]["Restart"] == "always"
    assert unit["Service"]["KillMode"] == "control-group"  # no orphaned granian workers
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"  # never gives up
    assert "/microcred-admin " in unit["Service"]["ExecStart"]


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("SKIP: systemd-analyze is not installed (Debian package systemd)")
        pytest.skip("systemd-analyze is not installed")
    admin = Path(sys.executable).with_name("microcred-admin")
    assert admin.exists(), "the project is installed in this virtualenv (make install)"
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/opt/microcred/.venv/bin/microcred-admin", str(admin))
        (tmp_path / unit.name).write_text(text)
    names = [str(tmp_path / unit.name) for unit in sorted(UNITS.iterdir())]
    done = subprocess.run(
        [analyze, "verify", "--man=no", *names], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr
