"""Server-rendered SVG bar charts (no JavaScript); every text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 960, 170, 36, 22, 10


def daily_bars(
    *, chart_id: str, title: str, days: Sequence[date], values: Sequence[int], colour: str
) -> SafeString:
    """A bar per day; the accessible name is ``title``, the data table sits beside it."""
    top = max([*values, 1])
    plot_w, plot_h = WIDTH - PAD_LEFT - 4, HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(days), 1)
    bar = max(step * 0.7, 1.0)
    cid = escape(chart_id)
    parts = [
        f'<svg class="chart" id="{cid}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{cid}-t"><title id="{cid}-t">{escape(title)}</title>'
    ]
    for tick in (0, top):
        y = PAD_TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}" class="chart-grid"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" class="chart-axis" text-anchor="end">'
            f"{int(tick)}</text>"
        )
    for i, (day, value) in enumerate(zip(days, values, strict=True)):
        h = plot_h * value / top
        x = PAD_LEFT + i * step + (step - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{PAD_TOP + plot_h - h:.1f}" width="{bar:.1f}" '
            f'height="{h:.1f}" fill="{escape(colour)}"><title>{day.isoformat()}: {int(value)}'
            "</title></rect>"
        )
    if days:
        for day, anchor, x in ((days[0], "start", PAD_LEFT), (days[-1], "end", WIDTH - 4)):
            parts.append(
                f'<text x="{x}" y="{HEIGHT - 6}" class="chart-axis" text-anchor="{anchor}">'
                f"{escape(date_format(day, 'j N'))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers, and text escaped above
