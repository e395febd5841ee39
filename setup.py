"""Build hook: compile the credential engine's hot modules with mypyc when possible.

The modules stay plain Python; compiling them is an optimisation (about 1.3-1.5x on signing
and verifying, see docs/decisions/0012-compiled-engine.md). Set MICROCRED_PURE_PYTHON=1 to
skip it; without mypyc or a working C compiler the plain-Python modules are installed as they are.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

from setuptools import setup


def compiled_sources() -> list[str]:
    """The source files of ``microcred.native.COMPILED_MODULES`` (the one list of what is
    compiled), read from the file without importing the package (its dependencies may not be
    installed yet)."""
    native = Path(__file__).resolve().parent / "src" / "microcred" / "native.py"
    tree = ast.parse(native.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "COMPILED_MODULES" for t in targets):
                names = ast.literal_eval(node.value)
                return ["src/" + name.replace(".", "/") + ".py" for name in names]
    raise RuntimeError("src/microcred/native.py has no COMPILED_MODULES")


def _extensions() -> list:
    if os.environ.get("MICROCRED_PURE_PYTHON") == "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("microcred: mypyc not available, installing the pure-Python engine", file=sys.stderr)
        return []
    # An empty config file: the project's mypy settings (Django plugin) are for type checking.
    options = ["--config-file", os.devnull, "--ignore-missing-imports"]
    extensions = mypycify([*options, *compiled_sources()], group_name="microcred_native")
    for extension in extensions:
        extension.optional = True  # no C compiler: keep the plain-Python modules
    return extensions


if __name__ == "__main__":  # pip and setuptools run this file as __main__
    setup(ext_modules=_extensions())
