"""Exception classes that carry objects are not defined in compiled modules.

mypyc compiles an exception class defined in a compiled module as a native class whose
instances never release their attributes: the JSON-LD walk's "undefined term" signal held the
refused document, so every refused 900 kB request stayed in memory (found by
tests/web/verifier/test_cache_memory.py on the compiled engine). Such classes live in plain
modules (microcred.canon.walk_signals)."""

from __future__ import annotations

import ast
from pathlib import Path

from microcred.native import COMPILED_MODULES

SRC = Path(__file__).resolve().parents[3] / "src"


def _exception_classes_with_state(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
        if not bases & {"Exception", "ValueError", "RuntimeError", "Error"}:
            continue
        for item in ast.walk(node):
            targets = item.targets if isinstance(item, ast.Assign) else []
            for target in targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                if any(isinstance(n, ast.Attribute) for n in names):
                    found.append(node.name)
    return found


def test_compiled_modules_define_no_exception_class_that_holds_objects() -> None:
    offenders = {}
    for module in COMPILED_MODULES:
        path = SRC / (module.replace(".", "/") + ".py")
        names = _exception_classes_with_state(ast.parse(path.read_text(encoding="utf-8")))
        if names:
            offenders[module] = names
    assert offenders == {}


def test_the_walk_signals_are_plain_python() -> None:
    from microcred.canon import walk_signals

    assert walk_signals.__name__ not in COMPILED_MODULES
    assert walk_signals.__file__ is not None and walk_signals.__file__.endswith(".py")
