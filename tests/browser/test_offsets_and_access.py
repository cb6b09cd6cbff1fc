"""Offsets across scripts, blindness between annotators, submitting, narrow windows."""

from __future__ import annotations

from tests.browser.helpers import (
    document_path,
    drag_select,
    set_selection,
    status_text,
    unique,
    utf16,
    wait_for_spans,
)

# An astral emoji with a skin-tone modifier (4 UTF-16 units, 2 code points), a combining
# diaeresis with no precomposed form (n + U+0308), Arabic (right to left), a flag (2 regional
# indicators, 4 units).
MIXED = (
    "Fans of Spin\u0308al Tap \U0001F44D\U0001F3FD said: "
    "\u0642\u0627\u0644 \u0627\u0644\u0645\u062a\u062d\u062f\u062b \u0625\u0646 12 "
    "\u0634\u062e\u0635\u0627 \u0645\u0627\u062a\u0648\u0627. "
    "Then \U0001F1F5\U0001F1F9 fans cheered loudly."
)
SPOKESMAN = "\u0627\u0644\u0645\u062a\u062d\u062f\u062b"


def create_with_keyboard(page, evidence_key: str, claimant: str) -> None:
    page.keyboard.press("n")
    page.locator("#span-panel").wait_for(state="visible")
    page.keyboard.press(evidence_key)
    page.locator("#claimant-input").fill(claimant)
    page.locator("#claimant-type").select_option("other")
    page.keyboard.press("Enter")
    page.locator("#span-panel").wait_for(state="hidden")


def test_emoji_arabic_and_combining_marks_store_python_offsets(open_page, seed):
    seeded = seed.project(unique("Unicode"), {"alice": "annotator"}, MIXED, assign=("alice",))
    text = seeded.text
    assert utf16(text, len(text)) > len(text)  # the test means something only if they differ
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)

    # Part of a word with a combining mark: snapping takes the whole word, mark included.
    set_selection(page, text, text.index("Spin"), text.index("Spin") + 3)
    create_with_keyboard(page, "1", "Band")
    # Right-to-left Arabic word.
    set_selection(page, text, text.index(SPOKESMAN), text.index(SPOKESMAN) + len(SPOKESMAN))
    create_with_keyboard(page, "2", "Civil defence")
    # Words after astral characters: browser offsets and Python's differ by 2, then by 4.
    after = text.index("fans cheered")
    drag_select(page, text, after, after + len("fans cheered"))
    page.locator("#span-panel").wait_for(state="visible")
    page.keyboard.press("3")
    page.locator("#claimant-input").fill("Crowd")
    page.locator("#claimant-type").select_option("other")
    page.keyboard.press("Enter")
    page.locator("#span-panel").wait_for(state="hidden")
    # The emoji itself, selected alone.
    emoji = text.index("\U0001F44D")
    set_selection(page, text, emoji, emoji + 2)
    create_with_keyboard(page, "4", "Emoji")

    stored = {span["text"]: (span["start"], span["end"]) for span in seed.spans(
        seeded.document_id)}
    expected = {}
    for quote in ("Spin\u0308al", SPOKESMAN, "fans cheered", "\U0001F44D\U0001F3FD"):
        expected[quote] = (text.index(quote), text.index(quote) + len(quote))
    assert stored == expected

    page.reload()
    wait_for_spans(page, 4)
    shown = page.locator("#doc-text .seg[data-spans]").all_inner_texts()
    assert sorted(shown) == sorted(expected)
    assert page.evaluate("document.getElementById('doc-text').textContent") == text
    assert page.js_errors == []


def test_annotator_never_sees_another_annotators_spans(open_page, seed):
    text = "The governor said the bridge was safe before it fell."
    seeded = seed.project(unique("Blind"), {"alice": "annotator", "bob": "annotator"}, text,
                          assign=("alice", "bob"))
    claimant = seed.claimant(seeded.project_id, "Governor")
    seed.span(seeded.document_id, "alice", 4, 17, claimant, note="alice's secret note")
    page = open_page("bob", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    assert page.locator("#doc-text .seg").count() == 0
    assert "alice's secret note" not in page.content()
    # Bob's own span appears, Alice's still does not.
    start = text.index("bridge")
    drag_select(page, text, start, start + len("bridge was safe"))
    page.keyboard.press("7")
    page.locator("#claimant-input").fill("Governor")
    page.keyboard.press("Enter")
    page.locator("#span-panel").wait_for(state="hidden")
    assert page.locator("#doc-text .seg[data-spans]").all_inner_texts() == ["bridge was safe"]
    assert [s["text"] for s in seed.spans(seeded.document_id, "alice")] == ["governor said"]


def test_submit_makes_the_page_read_only(open_page, seed):
    text = "Rescuers said 40 people were pulled from the rubble overnight."
    seeded = seed.project(unique("Submit"), {"alice": "annotator"}, text, assign=("alice",))
    claimant = seed.claimant(seeded.project_id, "Rescuers")
    seed.span(seeded.document_id, "alice", 0, 13, claimant)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    page.locator("#submit-button").click()
    dialog = page.locator("#submit-dialog")
    assert dialog.is_visible() and "1" in page.locator("#submit-count").inner_text()
    page.locator("#submit-confirm").click()
    page.locator("#readonly-banner").wait_for(state="visible")
    assert "read-only" in page.locator("#readonly-banner").inner_text()
    assert "Submitted" in status_text(page)
    assert page.locator("#submit-button").count() == 0
    assert seed.assignment_status(seeded.document_id, "alice") == "submitted"

    def nothing_opens():
        page.locator("#doc-text .seg[data-spans]").click()
        drag_select(page, text, text.index("40"), text.index("rubble") + 6)
        page.keyboard.press("n")
        page.wait_for_timeout(150)
        assert page.locator("#span-panel").is_hidden()

    nothing_opens()
    page.reload()
    wait_for_spans(page, 1)
    assert page.locator("#readonly-banner").is_visible()
    nothing_opens()


def test_narrow_window_stacks_the_side_panel_and_keeps_the_panel_on_screen(open_page, seed):
    text = "Witnesses said the fire started in the kitchen of the restaurant. " * 3
    seeded = seed.project(unique("Narrow"), {"alice": "annotator"}, text, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id),
                     viewport={"width": 420, "height": 800})
    wait_for_spans(page, 0)
    text_box = page.locator(".doc-pane").bounding_box()
    side_box = page.locator(".side").bounding_box()
    assert side_box["y"] >= text_box["y"] + text_box["height"]  # under the text, not beside
    assert page.evaluate("document.documentElement.scrollWidth") <= 420  # no sideways scroll
    start = text.index("kitchen")
    drag_select(page, seeded.text, start, start + len("kitchen"))
    panel = page.locator("#span-panel")
    panel.wait_for(state="visible")
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 420
    assert box["y"] + box["height"] <= 800 + 1
    assert page.locator("#panel-save").is_visible()


def test_reviewer_sees_the_text_read_only_without_annotators_spans(open_page, seed):
    text = "Police said the march was peaceful until dusk."
    seeded = seed.project(unique("Review"), {"alice": "annotator", "rui": "reviewer"}, text,
                          assign=("alice",))
    claimant = seed.claimant(seeded.project_id, "Police")
    seed.span(seeded.document_id, "alice", 0, 11, claimant)
    page = open_page("rui", document_path(seeded.document_id))
    page.wait_for_selector("#doc-text")
    assert page.locator("#readonly-banner").is_visible()
    assert page.evaluate("document.getElementById('doc-text').textContent") == text
    drag_select(page, text, text.index("march"), text.index("peaceful") + 8)
    page.keyboard.press("n")
    page.wait_for_timeout(150)
    assert page.locator("#span-panel").is_hidden()
    assert page.locator("#doc-text .seg[data-spans]").count() == 0
    assert page.js_errors == []


def test_text_is_read_from_the_page_exactly_lone_cr_included(open_page, seed):
    # The text is sent once, in #doc-text; the script reads it back from the DOM. A lone CR
    # (kept by normalise_text) would become LF there unless sent as a character reference.
    text = "Old file line\rThe mayor \U0001F44D said the dam held.\r\rIt did not."
    seeded = seed.project(unique("Once"), {"alice": "annotator"}, text, assign=("alice",))
    assert seeded.text == text
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    assert page.evaluate("JSON.parse(document.getElementById('annotate-config').textContent)"
                         ".text") is None
    assert page.evaluate("document.getElementById('doc-text').textContent") == text
    start = text.index("said")
    drag_select(page, text, start, start + len("said the dam"))
    create_with_keyboard(page, "1", "Mayor")
    [span] = seed.spans(seeded.document_id, "alice")
    assert (span["start"], span["end"], span["text"]) == (start, start + 12, "said the dam")
    assert page.js_errors == []
