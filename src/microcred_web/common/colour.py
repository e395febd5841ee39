"""Brand colours: WCAG contrast so text on an organisation's colour stays readable."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def relative_luminance(hex_colour: str) -> float:
    r, g, b = _rgb(hex_colour)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable_text_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return (
        "#000000"
        if contrast_ratio(background, "#000000") >= contrast_ratio(background, "#ffffff")
        else "#ffffff"
    )


def ink_on_white(colour: str, *, minimum: float = 4.5) -> str:
    """``colour`` darkened just enough to be readable as text on white (WCAG AA)."""
    r, g, b = _rgb(colour)
    factor = 1.0
    candidate = colour.lower()
    while contrast_ratio(candidate, "#ffffff") < minimum and factor > 0:
        factor -= 0.05
        scale = max(factor, 0)
        candidate = f"#{int(r * scale):02x}{int(g * scale):02x}{int(b * scale):02x}"
    return candidate
