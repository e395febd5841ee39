"""Build hook: compile the credential engine's hot modules with mypyc when possible.

The modules stay plain Python; compiling them is an optimisation (about 1.3-1.5x on signing
and verifying, see docs/decisions/0012-compiled-engine.md). Set MICROCRED_PURE_PYTHON=1 to
skip it; without mypyc or a working C compiler the plain-Python modules are installed as they are.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup

# The engine's hot path: JSON-LD walk, RDFC-1.0, N-Quads, the EdDSA Data Integrity suites.
# Kept in step with microcred.native.COMPILED_MODULES (a test compares the two).
COMPILED = [
    "src/microcred/canon/context_compiler.py",
    "src/microcred/canon/jsonld.py",
    "src/microcred/canon/jsonld_values.py",
    "src/microcred/canon/nquads.py",
    "src/microcred/canon/rdfc.py",
    "src/microcred/suites/_eddsa.py",
    "src/microcred/suites/data_integrity.py",
    "src/microcred/suites/eddsa_rdfc_2022.py",
    # keys (base58, multibase) and the verifier's per-credential checks
    "src/microcred/keys.py",
    "src/microcred/verification/endorsements.py",
    "src/microcred/verification/pipeline.py",
    "src/microcred/verification/schema_fast.py",
]


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
    extensions = mypycify([*options, *COMPILED], group_name="microcred_native")
    for extension in extensions:
        extension.optional = True  # no C compiler: keep the plain-Python modules
    return extensions


setup(ext_modules=_extensions())
