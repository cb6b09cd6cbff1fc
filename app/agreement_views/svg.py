"""Server-side SVG for the agreement dashboard: the pairwise kappa heatmap, share bars and the
agreement-over-time line chart.

Only presentation attributes (fill, stroke, ...) are used, never `style`: the
Content-Security-Policy forbids inline styles. Every piece of user text (usernames) goes
through `escape`, and each cell carries a `<title>` so screen readers and hover show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

CELL = 68  # px, one heatmap cell
CHAR_WIDTH = 7.5  # px, a generous average for 13px labels: sizes the room for names
LABEL_CHARS = 16  # longer names are cut (the full name stays in the cell titles)
LEGEND_HEIGHT = 72
LEGEND_MIN_WIDTH = 230
NO_VALUE_FILL = "#eef1f4"


def kappa_colour(kappa: float) -> str:
    """Diverging scale: red below 0 (worse than chance), white at 0, deep blue at 1."""
    kappa = max(-1.0, min(1.0, kappa))
    if kappa >= 0:
        low, high, t = (255, 255, 255), (11, 60, 140), kappa
    else:
        low, high, t = (255, 255, 255), (180, 35, 24), -kappa
    red, green, blue = (round(a + (b - a) * t) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def _ink_on(kappa: float) -> str:
    return "#ffffff" if abs(kappa) > 0.55 else "#1b1f24"


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def pair_kappa(pairs: Mapping[str, float | None], first: str, second: str) -> float | None:
    """Cohen's kappa of two annotators from the report's "a/b" keys, in either order."""
    for key in (f"{first}/{second}", f"{second}/{first}"):
        if key in pairs:
            return pairs[key]
    return None


def kappa_heatmap(annotators: Sequence[str], pairs: Mapping[str, float | None]) -> Markup:
    """An annotators x annotators grid of Cohen's kappa, value printed in each cell."""
    longest = max((len(_short(name)) for name in annotators), default=1)
    left = round(CHAR_WIDTH * longest) + 14  # room for the row names
    top = round(CHAR_WIDTH * longest * 0.71) + 22  # column names run up at 45 degrees
    grid = CELL * len(annotators)
    legend_width = max(grid, LEGEND_MIN_WIDTH)
    width = left + legend_width + 16
    height = top + grid + LEGEND_HEIGHT
    parts = [
        f'<svg class="kappa-heatmap" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="kappa-heatmap-title kappa-heatmap-desc">',
        '<title id="kappa-heatmap-title">Pairwise Cohen\'s kappa on evidence types</title>',
        '<desc id="kappa-heatmap-desc">'
        + escape("; ".join(
            f"{a} and {b}: {_figure(pair_kappa(pairs, a, b))}"
            for i, a in enumerate(annotators) for b in annotators[i + 1:]))
        + "</desc>",
    ]
    for index, name in enumerate(annotators):
        middle = index * CELL + CELL / 2
        parts.append(f'<text class="label" x="{left - 8}" y="{top + middle}" '
                     f'text-anchor="end" dominant-baseline="middle"><title>{escape(name)}'
                     f"</title>{escape(_short(name))}</text>")
        parts.append(f'<text class="label" x="{left + middle}" y="{top - 8}" '
                     f'transform="rotate(-45 {left + middle} {top - 8})">'
                     f"<title>{escape(name)}</title>{escape(_short(name))}</text>")
    for row, first in enumerate(annotators):
        for column, second in enumerate(annotators):
            parts.append(_cell(first, second, left + column * CELL, top + row * CELL, pairs))
    parts.append(_legend(left, top + grid + 14, legend_width))
    parts.append("</svg>")
    return Markup("".join(parts))


def _cell(first: str, second: str, x: int, y: int, pairs: Mapping[str, float | None]) -> str:
    if first == second:
        return (f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{NO_VALUE_FILL}" '
                f'stroke="#ffffff"><title>{escape(first)}</title></rect>')
    kappa = pair_kappa(pairs, first, second)
    title = escape(f"{first} and {second}: Cohen's kappa {_figure(kappa)}")
    fill = NO_VALUE_FILL if kappa is None else kappa_colour(kappa)
    ink = "#57606a" if kappa is None else _ink_on(kappa)
    return (f'<g class="cell"><title>{title}</title>'
            f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{fill}" '
            f'stroke="#ffffff"/>'
            f'<text x="{x + CELL / 2}" y="{y + CELL / 2}" text-anchor="middle" '
            f'dominant-baseline="middle" fill="{ink}">{_figure(kappa, places=2)}</text></g>')


def _legend(x: int, y: int, width: int) -> str:
    """A colour bar from -1 to 1 in 20 steps, with tick labels."""
    steps = 20
    step_width = width / steps
    parts = ['<g class="legend"><title>Colour scale: Cohen\'s kappa from -1 (red) '
             "through 0 (white) to 1 (blue); grey: not defined</title>"]
    for step in range(steps):
        value = -1 + (step + 0.5) * 2 / steps
        parts.append(f'<rect x="{x + step * step_width:.1f}" y="{y}" '
                     f'width="{step_width + 0.5:.1f}" height="12" fill="{kappa_colour(value)}"/>')
    parts.append(f'<rect x="{x}" y="{y}" width="{width}" height="12" fill="none" '
                 'stroke="#d0d7de"/>')
    for value, label, anchor in ((-1, "−1", "start"), (0, "0", "middle"), (1, "1", "end")):
        tick_x = x + (value + 1) / 2 * width
        parts.append(f'<text class="tick" x="{tick_x:.1f}" y="{y + 28}" '
                     f'text-anchor="{anchor}">{label}</text>')
    parts.append(f'<text class="tick" x="{x}" y="{y + 46}">0 = chance level, '
                 "1 = perfect agreement</text>")
    parts.append("</g>")
    return "".join(parts)


def share_bar(share: float, label: str, width: int = 160) -> Markup:
    """A horizontal bar showing `share` (0..1) of its width, for tables of proportions."""
    share = max(0.0, min(1.0, share))
    return Markup(
        f'<svg class="share-bar" xmlns="http://www.w3.org/2000/svg" width="{width}" height="12" '
        f'viewBox="0 0 {width} 12" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(label)}">'
        f'<rect width="{width}" height="12" fill="#eef1f4"/>'
        f'<rect width="{share * width:.1f}" height="12" fill="#0b5cad"/></svg>')


def _figure(value: float | None, places: int = 3) -> str:
    return "—" if value is None else f"{value:.{places}f}"


CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 640, 220, 40


def line_chart(points: Sequence[tuple[str, float | None, list | None]], baseline: float | None,
               revisions: Sequence[Mapping], starts: Sequence[str] = ()) -> Markup:
    """α per window (label, value, [low, high]) on a -0.2..1 axis: the line, each window's
    interval as a whisker, the .667/.800 thresholds, the baseline dashed, and each revision
    as a dotted vertical line numbered R1, R2, … at its date, placed among the windows' start
    dates `starts` (ISO dates, one per point)."""
    plot_w, plot_h = CHART_WIDTH - 2 * CHART_MARGIN, CHART_HEIGHT - 2 * CHART_MARGIN
    step = plot_w / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return CHART_MARGIN + plot_h * (1.0 - (max(-0.2, min(1.0, value)) + 0.2) / 1.2)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="over-time" role="img" '
             f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
             f'aria-label="Evidence-type alpha by week">']
    for level, colour in ((0.8, "#2e7d32"), (0.667, "#b26a00")):
        parts.append(f'<line x1="{CHART_MARGIN}" x2="{CHART_WIDTH - CHART_MARGIN}" '
                     f'y1="{y(level):.1f}" y2="{y(level):.1f}" stroke="{colour}" '
                     f'stroke-width="1"><title>α = {level}</title></line>'
                     f'<text x="4" y="{y(level) + 4:.1f}" font-size="11">{level}</text>')
    if baseline is not None:
        parts.append(f'<line x1="{CHART_MARGIN}" x2="{CHART_WIDTH - CHART_MARGIN}" '
                     f'y1="{y(baseline):.1f}" y2="{y(baseline):.1f}" stroke="#555" '
                     f'stroke-dasharray="4 3"><title>baseline α = {baseline:.3f}</title></line>')
    path = []
    for i, (label, value, bounds) in enumerate(points):
        x = CHART_MARGIN + i * step
        if value is None:
            continue
        if bounds:
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y(bounds[0]):.1f}" '
                         f'y2="{y(bounds[1]):.1f}" stroke="#8aa4c8" stroke-width="2"/>')
        path.append(f"{'M' if not path else 'L'}{x:.1f},{y(value):.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3.5" fill="#0b3c8c">'
                     f'<title>{escape(label)}: α = {value:.3f}</title></circle>')
        if i == 0 or i == len(points) - 1:
            parts.append(f'<text x="{x:.1f}" y="{CHART_HEIGHT - 12}" font-size="11" '
                         f'text-anchor="middle">{escape(label)}</text>')
    if path:
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="#0b3c8c" '
                     f'stroke-width="2"/>')
    for number, revision in enumerate(revisions, start=1):
        x = CHART_MARGIN + step * revision_position(str(revision.get("date", "")), starts)
        x = max(CHART_MARGIN, min(CHART_WIDTH - CHART_MARGIN, x))
        title = f'R{number} {revision.get("date", "")}: {revision.get("label", "")}'
        parts.append(f'<g class="revision"><title>{escape(title)}</title>'
                     f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{CHART_MARGIN - 8}" '
                     f'y2="{CHART_HEIGHT - CHART_MARGIN}" stroke="#7b1fa2" '
                     f'stroke-dasharray="2 2"/><text x="{x + 3:.1f}" y="{CHART_MARGIN - 10}" '
                     f'font-size="11" fill="#7b1fa2">R{number}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def revision_position(date: str, starts: Sequence[str]) -> float:
    """Where a date falls among the windows' start dates, in steps from the first window:
    interpolated between two starts, a week per step beyond the last, 0 before the first."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(date[:10]).toordinal()
        ordinals = [dt.date.fromisoformat(start[:10]).toordinal() for start in starts]
    except ValueError:
        return 0.0
    if not ordinals or day <= ordinals[0]:
        return 0.0
    for i in range(1, len(ordinals)):
        if day <= ordinals[i]:
            span = max(ordinals[i] - ordinals[i - 1], 1)
            return i - 1 + (day - ordinals[i - 1]) / span
    return len(ordinals) - 1 + (day - ordinals[-1]) / 7.0
