"""Search keys: accent- and case-insensitive text (``"Élévateur"`` and ``"elevateur"`` match)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, without accents, spaces collapsed: the form both data and queries take."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("ø", "o").replace("ł", "l").split())


__all__ = ["fold"]
