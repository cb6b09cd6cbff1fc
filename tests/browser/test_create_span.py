"""Creating spans on the page: mouse and keyboard selection, snapping, hotkeys, offsets."""

from __future__ import annotations

from tests.browser.helpers import document_path, drag_select, status_text, unique, wait_for_spans

ARTICLE = "The health ministry said 12 people died in the flood on Tuesday."


def test_mouse_selection_tag_save_and_reload_keeps_offsets(open_page, seed):
    seeded = seed.project(unique("Create"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    text = seeded.text
    # Press in the middle of "ministry", release in the middle of "said": snaps to whole words.
    drag_select(page, text, text.index("ministry") + 3, text.index("said") + 2)
    panel = page.locator("#span-panel")
    panel.wait_for(state="visible")
    assert page.locator("#panel-quote").inner_text() == "ministry said"
    page.keyboard.press("1")  # the first evidence type's hotkey
    page.locator("#claimant-input").fill("Ministry of Health")
    page.locator("#claimant-type").select_option("government")
    page.locator("#claimant-input").press("Enter")
    panel.wait_for(state="hidden")
    assert "Saved" in status_text(page)

    start = text.index("ministry")
    end = text.index("said") + len("said")
    [span] = seed.spans(seeded.document_id, "alice")
    assert (span["start"], span["end"], span["text"]) == (start, end, "ministry said")
    assert span["evidence_type"] == "official_statement"
    assert (span["claimant"], span["claimant_type"]) == ("Ministry of Health", "government")
    assert seed.assignment_status(seeded.document_id, "alice") == "in_progress"

    page.reload()
    wait_for_spans(page, 1)
    segment = page.locator("#doc-text .seg[data-spans]")
    assert segment.count() == 1 and segment.inner_text() == "ministry said"
    assert page.evaluate("document.getElementById('doc-text').textContent") == text
    assert page.js_errors == [] and page.csp_violations == []


def test_keyboard_only_selection_hotkey_and_alias_autocomplete(open_page, seed):
    seeded = seed.project(unique("Keys"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    ministry = seed.claimant(seeded.project_id, "Ministry of Health", aliases=("MoH",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    text = seeded.text
    page.keyboard.press("Tab")  # skip link
    while page.evaluate("document.activeElement.id") != "doc-text":
        page.keyboard.press("Tab")
    for _ in range(len("The ")):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Control+Shift+ArrowRight")  # select the word "health"
    page.keyboard.press("Control+Shift+ArrowRight")  # ... and "ministry"
    page.keyboard.press("2")  # eyewitness's hotkey opens the panel with that type
    page.locator("#span-panel").wait_for(state="visible")
    assert page.locator("#panel-quote").inner_text() == "health ministry"
    assert page.evaluate("document.activeElement.id") == "claimant-input"
    page.keyboard.type("moh")
    option = page.locator("#claimant-options [role=option]").first
    option.wait_for(state="visible")
    assert "Ministry of Health" in option.inner_text() and "MoH" in option.inner_text()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # picks the suggestion
    assert page.locator("#claimant-input").input_value() == "Ministry of Health"
    page.keyboard.press("Enter")  # saves
    page.locator("#span-panel").wait_for(state="hidden")

    [span] = seed.spans(seeded.document_id, "alice")
    start = text.index("health")
    assert (span["start"], span["end"]) == (start, start + len("health ministry"))
    assert span["evidence_type"] == "eyewitness"
    assert span["claimant"] == "Ministry of Health"
    assert seed.claimant_ids(seeded.project_id) == [ministry]  # no second claimant created


def test_list_navigation_and_shortcut_help(open_page, seed):
    seeded = seed.project(unique("Nav"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    claimant = seed.claimant(seeded.project_id, "Ministry of Health")
    text = seeded.text
    for phrase in ("health ministry", "12 people", "the flood"):
        start = text.index(phrase)
        seed.span(seeded.document_id, "alice", start, start + len(phrase), claimant)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 3)
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("#doc-text .seg.selected").inner_text() == "12 people"
    assert page.evaluate("document.activeElement.dataset.id") is not None
    page.keyboard.press("ArrowDown")  # in the list, arrows move too
    assert page.locator("#doc-text .seg.selected").inner_text() == "the flood"
    page.keyboard.press("k")
    page.keyboard.press("Enter")  # opens the focused span
    page.locator("#span-panel").wait_for(state="visible")
    assert page.locator("#panel-quote").inner_text() == "12 people"
    page.keyboard.press("Escape")
    page.locator("#span-panel").wait_for(state="hidden")
    page.keyboard.press("?")
    assert page.locator("#help-dialog").is_visible()
    assert page.js_errors == []


def test_each_new_claimant_starts_with_an_empty_type(open_page, seed):
    """The bug of stage 1: the second new claimant inherited the first one's type."""
    seeded = seed.project(unique("NewType"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    text = seeded.text
    panel = page.locator("#span-panel")

    drag_select(page, text, text.index("health"), text.index("ministry") + len("ministry"))
    panel.wait_for(state="visible")
    page.keyboard.press("1")
    page.locator("#claimant-input").fill("Ministry of Health")
    page.locator("#claimant-type").select_option("government")
    page.locator("#claimant-input").press("Enter")
    panel.wait_for(state="hidden")

    drag_select(page, text, text.index("people"), text.index("died") + len("died"))
    panel.wait_for(state="visible")
    page.keyboard.press("1")
    page.locator("#claimant-input").fill("Syrian rebel officials")
    page.locator("#new-claimant").wait_for(state="visible")
    assert page.locator("#claimant-type").input_value() == ""
    page.locator("#claimant-input").press("Enter")
    # The page first asks the registry whether the name is known, then says what is missing.
    page.locator("#span-panel").get_by_text("choose the new claimant's type").wait_for()
    assert len(seed.spans(seeded.document_id, "alice")) == 1  # nothing saved with a stale type

    page.locator("#claimant-type").select_option("other")
    page.locator("#claimant-input").press("Enter")
    panel.wait_for(state="hidden")
    spans = seed.spans(seeded.document_id, "alice")
    types = {span["claimant"]: span["claimant_type"] for span in spans}
    assert types == {"Ministry of Health": "government", "Syrian rebel officials": "other"}
    assert page.js_errors == [] and page.csp_violations == []
