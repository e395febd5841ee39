"""Per-skill visibility: wider settings include narrower ones; private by default."""

from __future__ import annotations

import pytest

from microcred.skills.visibility import Viewer, Visibility, can_see


@pytest.mark.parametrize(
    ("visibility", "seen_by"),
    [
        (Visibility.PRIVATE, {Viewer.SELF}),
        (Visibility.MANAGER, {Viewer.SELF, Viewer.MANAGER}),
        (Visibility.ORGANISATION, {Viewer.SELF, Viewer.MANAGER, Viewer.COLLEAGUE}),
        (Visibility.PUBLIC, set(Viewer)),
    ],
)
def test_each_setting_reaches_exactly_its_viewers(visibility, seen_by):
    assert {viewer for viewer in Viewer if can_see(visibility, viewer)} == seen_by


@pytest.mark.parametrize("unset", [None, "", "everyone"])
def test_unset_or_unknown_is_private(unset):
    assert can_see(unset, Viewer.SELF)
    assert not can_see(unset, Viewer.MANAGER)
