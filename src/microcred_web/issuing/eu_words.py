"""The EU micro-credential rows, now kept beside achievements (their public page shows them too)."""

from __future__ import annotations

from microcred_web.achievements.eu_words import EU_LABELS, eu_rows, skill_alignments

__all__ = ["EU_LABELS", "eu_rows", "skill_alignments"]
