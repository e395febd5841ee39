"""Who may see one of a person's skills (issue 17 item 3, ADR 0024 addendum).

Each person chooses, per skill, how far it is shown: *private* (only themselves; the default),
*manager* (also the managers of their teams and the organisation's administrators),
*organisation* (also every colleague) or *public*. Wider settings include the narrower ones.
"""

from __future__ import annotations

import enum


class Visibility(enum.StrEnum):
    PRIVATE = "private"
    MANAGER = "manager"
    ORGANISATION = "organisation"
    PUBLIC = "public"


class Viewer(enum.IntEnum):
    """The viewer's relation to the person, closest first (the value is the reach needed)."""

    SELF = 0
    MANAGER = 1
    COLLEAGUE = 2
    ANYONE = 3


_REACH = {
    Visibility.PRIVATE: 0,
    Visibility.MANAGER: 1,
    Visibility.ORGANISATION: 2,
    Visibility.PUBLIC: 3,
}

DEFAULT = Visibility.PRIVATE


def can_see(visibility: Visibility | str | None, viewer: Viewer) -> bool:
    """True when a viewer with this relation may see a skill shown at ``visibility``
    (``None`` or an unknown value: the default, private)."""
    try:
        chosen = Visibility(visibility) if visibility else DEFAULT
    except ValueError:
        chosen = DEFAULT
    return _REACH[chosen] >= viewer.value


__all__ = ["DEFAULT", "Viewer", "Visibility", "can_see"]
