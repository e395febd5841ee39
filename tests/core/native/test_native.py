"""The compiled engine (mypyc) and the pure-Python one are the same modules, kept in step.

CI runs the core tests twice: once on the install (``MICROCRED_EXPECT_ENGINE=compiled``) and
once on a copy of the sources without extension modules (``=pure``); the expectation makes a
silently failed build, or a compiled module shadowing edited sources, fail the run.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

from microcred import native

ROOT = Path(__file__).resolve().parents[3]


def _setup_py_modules() -> list[str]:
    """What setup.py hands mypyc, as module names (setup.py only builds when run as main)."""
    setup_py = runpy.run_path(str(ROOT / "setup.py"), run_name="microcred_setup_check")
    paths = setup_py["compiled_sources"]()
    assert all((ROOT / path).is_file() for path in paths), paths
    return [p.removeprefix("src/").removesuffix(".py").replace("/", ".") for p in paths]


def test_setup_py_compiles_exactly_the_listed_modules() -> None:
    assert sorted(_setup_py_modules()) == sorted(native.COMPILED_MODULES)


def test_no_compiled_module_hides_an_edited_source() -> None:
    assert native.stale_modules() == [], "sources changed since the build: run `make install`"


def test_engine_build_matches_what_the_run_expects() -> None:
    expected = os.environ.get("MICROCRED_EXPECT_ENGINE")
    build = native.engine_build()
    if expected is None:
        assert build in {"compiled (mypyc)", "pure Python"}, build
        return
    assert expected in {"compiled", "pure"}, f"MICROCRED_EXPECT_ENGINE={expected!r}"
    assert build == ("compiled (mypyc)" if expected == "compiled" else "pure Python")


def test_compiled_modules_are_extension_modules_or_sources() -> None:
    import importlib

    for name in native.COMPILED_MODULES:
        path = importlib.import_module(name).__file__ or ""
        compiled = name in native.compiled_modules()
        assert path.endswith(".py") != compiled, (name, path)


@pytest.mark.parametrize("edit", [True, False])
def test_stale_module_is_named_after_its_source_changes(tmp_path: Path, edit: bool) -> None:
    """The staleness rule on a fake layout: a ``.py`` newer than its ``.so`` is stale."""
    built = tmp_path / "mod.cpython-311-x86_64-linux-gnu.so"
    source = tmp_path / "mod.py"
    source.write_text("x = 1\n")
    built.write_bytes(b"\0")
    past = source.stat().st_mtime - 10
    os.utime(source, (past, past))
    if edit:
        future = built.stat().st_mtime + 10
        os.utime(source, (future, future))
    assert native._source_newer(built) is edit
