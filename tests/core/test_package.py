from __future__ import annotations

import microcred


def test_version_is_exposed() -> None:
    assert microcred.__version__.count(".") == 2
