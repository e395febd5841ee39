"""Which of the engine's modules run compiled (mypyc extension modules) in this install.

``setup.py`` compiles :data:`COMPILED_MODULES` when it can; the same modules are plain Python
otherwise, with the same behaviour (the test suite runs against both). In a source checkout
an extension module left from an earlier build would hide later edits to its ``.py`` file:
:func:`stale_modules` names them (``make install`` rebuilds).
"""

from __future__ import annotations

import importlib
import importlib.machinery
from pathlib import Path
from typing import Final

__all__ = ["COMPILED_MODULES", "compiled_modules", "engine_build", "stale_modules"]

# The one list of compiled modules: setup.py and the Makefile read it from this file.
COMPILED_MODULES: Final = (
    "microcred.canon.context_compiler",
    "microcred.canon.jsonld",
    "microcred.canon.jsonld_values",
    "microcred.canon.nquads",
    "microcred.canon.rdfc",
    "microcred.suites._eddsa",
    "microcred.suites.data_integrity",
    "microcred.suites.eddsa_rdfc_2022",
    "microcred.keys",
    "microcred.verification.endorsements",
    "microcred.verification.pipeline",
    "microcred.verification.schema_fast",
)

_EXTENSION_SUFFIXES: Final = tuple(importlib.machinery.EXTENSION_SUFFIXES)


def _is_extension(path: str | None) -> bool:
    return path is not None and path.endswith(_EXTENSION_SUFFIXES)


def compiled_modules() -> list[str]:
    """The modules of :data:`COMPILED_MODULES` loaded from an extension module."""
    return [
        name
        for name in COMPILED_MODULES
        if _is_extension(getattr(importlib.import_module(name), "__file__", None))
    ]


def engine_build() -> str:
    """``"compiled (mypyc)"``, ``"pure Python"``, or ``"partly compiled (k of n)"``."""
    count = len(compiled_modules())
    if count == len(COMPILED_MODULES):
        return "compiled (mypyc)"
    if count == 0:
        return "pure Python"
    return f"partly compiled ({count} of {len(COMPILED_MODULES)})"


def stale_modules() -> list[str]:
    """Compiled modules whose ``.py`` source beside them changed after they were built."""
    stale = []
    for name in COMPILED_MODULES:
        path = getattr(importlib.import_module(name), "__file__", None)
        if not _is_extension(path):
            continue
        if _source_newer(Path(str(path))):
            stale.append(name)
    return stale


def _source_newer(built: Path) -> bool:
    """Is the ``.py`` beside extension module ``built`` newer than it?"""
    source = built.with_name(built.name.split(".", 1)[0] + ".py")
    return source.exists() and source.stat().st_mtime > built.stat().st_mtime
