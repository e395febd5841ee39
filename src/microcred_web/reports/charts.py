"""Server-rendered SVG charts for reports: bars, line, stacked bars, heatmap, funnel.

No JavaScript. Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``
(what it shows, in words), every mark has its own ``<title>`` (value on hover), and the page
always shows the same numbers as a table beside it. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from microcred_web.reports.selectors import ReportResult

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 200, 16, 12, 40
PALETTE = ("#1f4e79", "#2e7d32", "#ad1457", "#8d4e00", "#6a1b9a", "#00695c", "#0a66c2", "#555")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _open(chart_id: str, title: str, desc: str, height: int = HEIGHT) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg class="report-chart" id="{cid}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>'
    ]


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers, and text escaped above


def _empty(chart_id: str, title: str) -> SafeString:
    parts = _open(chart_id, title, _("No data in this period."), 60)
    parts.append(f'<text x="{WIDTH / 2}" y="34" text-anchor="middle" class="chart-axis">')
    parts.append(f"{escape(_('No data in this period.'))}</text>")
    return _close(parts)


def bars(
    *, chart_id: str, title: str, labels: Sequence[str], values: Sequence[float]
) -> SafeString:
    """Horizontal bars, one per label."""
    if not values:
        return _empty(chart_id, title)
    top = max([*values, 1])
    row = 22
    height = TOP + row * len(values) + 8
    desc = _("%(count)d bars; the largest is %(largest)s.") % {
        "count": len(values),
        "largest": labels[list(values).index(top)] if top in values else "",
    }
    parts = _open(chart_id, title, desc, height)
    plot = WIDTH - LEFT - RIGHT - 50
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + i * row
        w = plot * value / top
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 15}" text-anchor="end" class="chart-axis">'
            f"{escape(_short(label, 30))}</text>"
            f'<rect x="{LEFT}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {_num(value)}</title></rect>"
            f'<text x="{LEFT + w + 4:.1f}" y="{y + 15}" class="chart-axis">{_num(value)}</text>'
        )
    return _close(parts)


def line(
    *, chart_id: str, title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]]
) -> SafeString:
    """One line per series over ``labels`` (periods in order)."""
    if not labels:
        return _empty(chart_id, title)
    top = max([1, *(v for values in series.values() for v in values)])
    plot_w, plot_h = WIDTH - 50 - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    desc = _("%(series)d lines over %(points)d periods, from %(first)s to %(last)s.") % {
        "series": len(series),
        "points": len(labels),
        "first": labels[0],
        "last": labels[-1],
    }
    parts = _open(chart_id, title, desc)
    for tick in (0, top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="50" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="chart-grid" '
            f'stroke="#ddd"/><text x="44" y="{y + 4:.1f}" text-anchor="end" class="chart-axis">'
            f"{int(tick)}</text>"
        )
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [
            (50 + i * step, TOP + plot_h - plot_h * value / top) for i, value in enumerate(values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), label, value in zip(points, labels, values, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>'
                f"{escape(name)} {escape(label)}: {_num(value)}</title></circle>"
            )
    for label, anchor, x in ((labels[0], "start", 50), (labels[-1], "end", WIDTH - RIGHT)):
        parts.append(
            f'<text x="{x}" y="{HEIGHT - 14}" text-anchor="{anchor}" class="chart-axis">'
            f"{escape(label)}</text>"
        )
    return _close(parts)


def stacked(
    *, chart_id: str, title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]]
) -> SafeString:
    """Vertical bars per label, each stacked by series, with a legend."""
    if not labels:
        return _empty(chart_id, title)
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = max([*totals, 1])
    plot_w, plot_h = WIDTH - 50 - RIGHT, HEIGHT - TOP - BOTTOM - 20
    step = plot_w / len(labels)
    desc = _("%(bars)d bars stacked by %(series)d groups.") % {
        "bars": len(labels),
        "series": len(series),
    }
    parts = _open(chart_id, title, desc)
    for i, label in enumerate(labels):
        x = 50 + i * step + step * 0.15
        y: float = TOP + plot_h
        for n, (name, values) in enumerate(series.items()):
            h = plot_h * values[i] / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(label)}, {escape(name)}: '
                f"{_num(values[i])}</title></rect>"
            )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{TOP + plot_h + 14}" text-anchor="middle" '
            f'class="chart-axis">{escape(_short(label, 14))}</text>'
        )
    for n, name in enumerate(series):
        x = 50 + n * 120
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" '
            f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(name)}</title></rect>'
            f'<text x="{x + 14}" y="{HEIGHT - 5}" '
            f'class="chart-axis">{escape(_short(name, 16))}</text>'
        )
    return _close(parts)


def heatmap(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: dict[tuple[str, str], float],
) -> SafeString:
    """A grid of ``rows`` × ``columns``; darker is more."""
    if not rows or not columns:
        return _empty(chart_id, title)
    top = max([*cells.values(), 1])
    cell_w = (WIDTH - LEFT - RIGHT) / len(columns)
    cell_h = 22
    height = TOP + 20 + cell_h * len(rows) + 8
    desc = _("%(rows)d rows by %(columns)d columns; darker cells count more.") % {
        "rows": len(rows),
        "columns": len(columns),
    }
    parts = _open(chart_id, title, desc, int(height))
    for j, column in enumerate(columns):
        parts.append(
            f'<text x="{LEFT + j * cell_w + cell_w / 2:.1f}" y="{TOP + 12}" text-anchor="middle" '
            f'class="chart-axis">{escape(_short(column, 10))}</text>'
        )
    for i, row in enumerate(rows):
        y = TOP + 20 + i * cell_h
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 15}" text-anchor="end" class="chart-axis">'
            f"{escape(_short(row, 30))}</text>"
        )
        for j, column in enumerate(columns):
            value = cells.get((row, column), 0)
            opacity = 0.08 + 0.92 * value / top
            parts.append(
                f'<rect x="{LEFT + j * cell_w:.1f}" y="{y}" width="{cell_w - 2:.1f}" '
                f'height="{cell_h - 2}" fill="{PALETTE[0]}" fill-opacity="{opacity:.2f}">'
                f"<title>{escape(row)}, {escape(column)}: {_num(value)}</title></rect>"
            )
    return _close(parts)


def funnel(*, chart_id: str, title: str, stages: Sequence[tuple[str, int]]) -> SafeString:
    """Centred bars narrowing stage by stage, each with its share of the first stage."""
    if not stages or stages[0][1] == 0:
        return _empty(chart_id, title)
    first = stages[0][1]
    row = 30
    height = TOP + row * len(stages) + 8
    desc = ", ".join(f"{name}: {value}" for name, value in stages)
    parts = _open(chart_id, title, desc, height)
    plot = WIDTH - LEFT - RIGHT - 60
    for i, (name, value) in enumerate(stages):
        w = max(plot * value / first, 1)
        x = LEFT + (plot - w) / 2
        y = TOP + i * row
        share = round(100 * value / first)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 19}" text-anchor="end" class="chart-axis">'
            f"{escape(name)}</text>"
            f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(name)}: {int(value)} '
            f"({share}%)</title></rect>"
            f'<text x="{LEFT + plot + 6}" y="{y + 19}" class="chart-axis">{int(value)} '
            f"({share}%)</text>"
        )
    return _close(parts)


def report_chart(result: ReportResult, *, chart_id: str = "report-chart") -> SafeString:
    """The chart ``result.spec.chart`` asks for (a one-dimension report gets bars or a line)."""
    spec = result.spec
    title = " — ".join([str(spec.measure_def.label), *(row for row in result.header[:-1])])
    if len(spec.dimensions) == 1:
        labels = [row.labels[0] for row in result.rows]
        values = [row.value for row in result.rows]
        if spec.chart == "line":
            return line(
                chart_id=chart_id,
                title=title,
                labels=labels,
                series={str(spec.measure_def.label): values},
            )
        return bars(chart_id=chart_id, title=title, labels=labels, values=values)
    columns = list(dict.fromkeys(row.labels[0] for row in result.rows))
    groups = list(dict.fromkeys(row.labels[1] for row in result.rows))
    cells = {(row.labels[0], row.labels[1]): row.value for row in result.rows}
    if spec.chart == "heatmap":
        return heatmap(
            chart_id=chart_id,
            title=title,
            rows=groups,
            columns=columns,
            cells={(g, c): cells.get((c, g), 0) for g in groups for c in columns},
        )
    series = {g: [cells.get((c, g), 0) for c in columns] for g in groups}
    if spec.chart == "line":
        return line(chart_id=chart_id, title=title, labels=columns, series=series)
    return stacked(chart_id=chart_id, title=title, labels=columns, series=series)
