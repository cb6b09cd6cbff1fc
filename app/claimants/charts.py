"""Server-rendered SVG for the credibility profiles: bars, stacked bars and a heatmap.

As the agreement dashboard's charts (app/agreement_views/svg.py): presentation attributes
only (the Content-Security-Policy forbids inline styles), every piece of user text escaped,
a <title> on each mark for hover and screen readers. Each chart has a data table beside it
on the page, which is the accessible reading of the same numbers.
"""

from __future__ import annotations

from markupsafe import Markup, escape

INK = "#1b1f24"
MUTED = "#5b6470"
LABEL_CHARS = 28
CHAR = 7.2  # px per character of 12px text, generous


def _short(text: str, chars: int = LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _svg(css_class: str, width: int, height: int, label: str, parts: list[str]) -> Markup:
    head = (f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
            f'{height}" width="{width}" height="{height}" role="img" aria-label="{escape(label)}"'
            ' font-family="system-ui, sans-serif" font-size="12">')
    return Markup(head + "".join(parts) + "</svg>")


def bar_chart(bars: list[tuple[str, int, str]], label: str) -> Markup:
    """Horizontal bars: (name, value, colour), value printed after each bar."""
    longest = max((len(_short(name)) for name, _v, _c in bars), default=1)
    left, bar_width, row = round(CHAR * longest) + 12, 320, 24
    top = max((value for _n, value, _c in bars), default=0) or 1
    width, height = left + bar_width + 60, row * len(bars) + 8
    parts = []
    for index, (name, value, colour) in enumerate(bars):
        y = 4 + index * row
        length = round(bar_width * value / top)
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">'
            f'{escape(_short(name))}</text>'
            f'<rect x="{left}" y="{y + 2}" width="{max(length, 1)}" height="{row - 6}" '
            f'fill="{colour}" stroke="#8a929c" stroke-width="0.5">'
            f'<title>{escape(name)}: {value}</title></rect>'
            f'<text x="{left + length + 6}" y="{y + 15}" fill="{INK}">{value}</text>')
    return _svg("profile-bars", width, height, label, parts)


def stacked_bars(rows: list[tuple[str, dict[str, int], int]],
                 evidence: list[tuple[str, str, str]], label: str) -> Markup:
    """One bar per claimant split by evidence type (key, name, colour), with a legend."""
    longest = max((len(_short(name)) for name, _r, _t in rows), default=1)
    left, bar_width, row = round(CHAR * longest) + 12, 360, 26
    top = max((total for _n, _r, total in rows), default=0) or 1
    used = [e for e in evidence if any(r.get(e[0]) for _n, r, _t in rows)]
    legend_rows = (len(used) + 2) // 3
    width = left + bar_width + 50
    height = row * len(rows) + 16 + legend_rows * 20
    parts = []
    for index, (name, counts, total) in enumerate(rows):
        y, x = 4 + index * row, left
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" fill="{INK}">'
                     f'{escape(_short(name))}</text>')
        for key, evidence_name, colour in evidence:
            value = counts.get(key, 0)
            if not value:
                continue
            length = bar_width * value / top
            parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{length:.1f}" height="{row - 6}"'
                         f' fill="{colour}" stroke="#ffffff" stroke-width="1">'
                         f'<title>{escape(name)}: {value} {escape(evidence_name)}</title></rect>')
            x += length
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" fill="{INK}">{total}</text>')
    legend_top = row * len(rows) + 12
    for index, (_key, evidence_name, colour) in enumerate(used):
        x, y = 8 + (index % 3) * 200, legend_top + (index // 3) * 20
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}" '
                     f'stroke="#8a929c" stroke-width="0.5"/><text x="{x + 18}" y="{y + 10}" '
                     f'fill="{INK}">{escape(evidence_name)}</text>')
    return _svg("profile-stacked", width, height, label, parts)


def heat_colour(share: float) -> str:
    """White (nothing) to deep teal (the largest cell): one hue, so order reads as amount."""
    share = max(0.0, min(1.0, share))
    low, high = (255, 255, 255), (0, 92, 102)
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def heatmap(rows: list[tuple[str, dict[str, int], int]], columns: list[tuple[str, str]],
            label: str) -> Markup:
    """Rows x evidence types, count printed in each cell, shade by share of the largest."""
    cell_width, cell_height = 62, 26
    longest = max((len(_short(name)) for name, _r, _t in rows), default=1)
    left = round(CHAR * longest) + 12
    top = 110  # column names run up at 45 degrees
    largest = max((v for _n, r, _t in rows for v in r.values()), default=0) or 1
    width = left + cell_width * (len(columns) + 1) + 12
    height = top + cell_height * len(rows) + 8
    parts = []
    for index, (_key, name) in enumerate([*columns, ("", "Total")]):
        x = left + index * cell_width + cell_width / 2
        parts.append(f'<text transform="translate({x:.0f},{top - 8}) rotate(-45)" '
                     f'fill="{INK}">{escape(_short(name, 18))}</text>')
    for row_index, (name, counts, total) in enumerate(rows):
        y = top + row_index * cell_height
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" fill="{INK}">'
                     f'{escape(_short(name))}</text>')
        for index, (key, evidence_name) in enumerate(columns):
            value = counts.get(key, 0)
            share = value / largest
            ink = "#ffffff" if share > 0.55 else (INK if value else MUTED)
            x = left + index * cell_width
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_width - 2}" height="{cell_height - 2}" '
                f'fill="{heat_colour(share)}" stroke="#d7dce1" stroke-width="0.5">'
                f'<title>{escape(name)} · {escape(evidence_name)}: {value}</title></rect>'
                f'<text x="{x + cell_width / 2 - 1:.0f}" y="{y + 17}" text-anchor="middle" '
                f'fill="{ink}">{value if value else "·"}</text>')
        x = left + len(columns) * cell_width
        parts.append(f'<text x="{x + cell_width / 2:.0f}" y="{y + 17}" text-anchor="middle" '
                     f'font-weight="bold" fill="{INK}">{total}</text>')
    return _svg("profile-heatmap", width, height, label, parts)
