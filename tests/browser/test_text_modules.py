"""The page's offset and snapping modules, run in Chromium and compared with Python."""

from __future__ import annotations

import pytest

from app.text import OffsetMap
from tests.browser.helpers import (
    document_path,
    drag_select,
    unique,
    utf16,
    wait_for_spans,
)

SAMPLES = [
    "plain ASCII text",
    "Zoë and Spin\u0308al Tap",
    "\u0642\u0627\u0644 \u0627\u0644\u0645\u062a\u062d\u062f\u062b",
    "\U0001F44D\U0001F3FD thumbs, \U0001F1F5\U0001F1F9 flag, \U0001F468\u200D\U0001F469 family",
    "\U0001D400\U0001D401 maths bold at both ends \U0001F600",
    "",
]


@pytest.fixture
def blank_page(open_page, seed):
    seeded = seed.project(unique("Modules"), {"alice": "annotator"}, "x", assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    return page


def test_offset_table_matches_python_for_every_index(blank_page):
    results = blank_page.evaluate(
        """async (samples) => {
          const { OffsetTable } = await import('/static/js/offsets.js');
          return samples.map((text) => {
            const table = new OffsetTable(text);
            const toUtf16 = [];
            for (let i = 0; i <= table.codePointLength; i += 1) toUtf16.push(table.toUtf16(i));
            const toCodePoint = [];
            for (let u = 0; u <= text.length; u += 1) {
              try { toCodePoint.push(table.toCodePoint(u)); } catch (e) { toCodePoint.push(null); }
            }
            return { length: table.codePointLength, toUtf16, toCodePoint };
          });
        }""",
        SAMPLES,
    )
    for text, result in zip(SAMPLES, results, strict=True):
        offsets = OffsetMap(text)
        assert result["length"] == len(text)
        assert result["toUtf16"] == [utf16(text, i) for i in range(len(text) + 1)]
        expected = []
        for unit in range(offsets.utf16_length + 1):
            try:
                expected.append(offsets.to_codepoint(unit))
            except ValueError:
                expected.append(None)  # inside a surrogate pair: refused on both sides
        assert result["toCodePoint"] == expected


def test_snapping_keeps_graphemes_whole_and_trims_white_space(blank_page):
    text = "  Fans of Spin\u0308al Tap \U0001F44D\U0001F3FD cheered.  "
    spin = text.index("Spin")
    emoji = text.index("\U0001F44D")
    cases = blank_page.evaluate(
        """async ([text, cases]) => {
          const { TextModel } = await import('/static/js/annotate/textmodel.js');
          const model = new TextModel(text);
          return cases.map(([start, end, words]) => model.snap(start, end, words));
        }""",
        [text, [
            [spin, spin + 3, True],    # "Spi": the whole word, its combining mark included
            [spin, spin + 4, False],   # "Spin": the mark on the n comes along
            [0, 8, False],             # leading spaces trimmed
            # Half of the emoji's first surrogate pair: the whole cluster (emoji + skin tone).
            [utf16(text, emoji), utf16(text, emoji) + 1, False],
            [0, 2, True],              # only spaces: nothing
        ]],
    )
    assert cases == [
        {"start": spin, "end": spin + len("Spin\u0308al")},
        {"start": spin, "end": spin + 5},
        {"start": 2, "end": 8},
        {"start": utf16(text, emoji), "end": utf16(text, emoji + 2)},
        None,
    ]


def test_without_snap_to_words_a_partial_word_stays_partial(open_page, seed):
    text = "The ministry said 12 people died."
    seeded = seed.project(unique("NoSnap"), {"alice": "annotator"}, text, assign=("alice",),
                          snap_to_words=False)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    start = text.index("ministry") + 3
    drag_select(page, text, start, text.index("said") + 2)
    page.locator("#span-panel").wait_for(state="visible")
    assert page.locator("#panel-quote").inner_text() == "istry sa"
