"""Keyboard work on long articles: find in the text and annotate the match, move by
paragraph, delete the chosen span with Delete, and undo the last change with Ctrl+Z."""

from __future__ import annotations

from tests.browser.helpers import document_path, unique, wait_for_spans

FILLER = "Officials met the press again in the capital that morning. " * 12
ARTICLE = "\n\n".join([FILLER] * 60 + [
    "Late in the day the port authority said the harbour would reopen on Friday.",
    FILLER])


def wait_for_status(page, phrase: str) -> None:
    page.wait_for_function(
        "phrase => document.getElementById('status-line').textContent.includes(phrase)",
        arg=phrase)


def test_find_a_phrase_and_annotate_it_with_the_keyboard_alone(open_page, seed):
    seeded = seed.project(unique("Find"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    seed.claimant(seeded.project_id, "Port authority of Tema", type="government")
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "find-input"
    page.keyboard.type("harbour would reopen")
    assert page.locator("#find-count").inner_text() == "1 found"

    keys = ["Enter",  # select the match
            "1",  # annotate it as the first evidence type (the panel opens)
            "p", "o", "r", "t",  # the claimant, from the registry
            "ArrowDown", "Enter",  # pick the suggestion
            "Enter"]  # save
    for key in keys:
        if key == "ArrowDown":
            page.locator("#claimant-options [role=option]").first.wait_for(state="visible")
        page.keyboard.press(key)
    page.locator("#span-panel").wait_for(state="hidden")
    assert len(keys) <= 15

    [span] = seed.spans(seeded.document_id, "alice")
    start = seeded.text.index("harbour would reopen")
    assert (span["start"], span["end"]) == (start, start + len("harbour would reopen"))
    assert span["claimant"] == "Port authority of Tema"
    assert span["evidence_type"] == "official_statement"
    assert page.js_errors == [] and page.csp_violations == []


def test_find_counts_matches_and_cycles(open_page, seed):
    seeded = seed.project(unique("Find"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    page.locator("#find-input").fill("PRESS again")
    assert page.locator("#find-count").inner_text() == f"{ARTICLE.count('press again')} found"
    page.locator("#find-input").press("Enter")
    page.locator("#find-input").press("Enter")
    assert page.locator("#find-count").inner_text().startswith("2 of ")
    page.locator("#find-input").press("Shift+Enter")
    page.locator("#find-input").press("Shift+Enter")
    assert page.locator("#find-count").inner_text().startswith(f"{ARTICLE.count('press again')} of")
    page.locator("#find-input").fill("nowhere in the text")
    assert page.locator("#find-count").inner_text() == "no match"


def test_ctrl_down_moves_by_paragraph(open_page, seed):
    text = "First paragraph here.\n\nSecond one.\n\nThird and last."
    seeded = seed.project(unique("Para"), {"alice": "annotator"}, text, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    page.locator("#doc-text").focus()
    page.keyboard.press("Control+ArrowDown")
    page.keyboard.press("Control+Shift+ArrowDown")
    selected = page.evaluate("window.getSelection().toString()")
    assert selected == "Second one.\n\n"


def test_delete_key_and_ctrl_z_undo_create_edit_and_delete(open_page, seed):
    text = "The ministry said 12 people died in the flood on Tuesday."
    seeded = seed.project(unique("Undo"), {"alice": "annotator"}, text, assign=("alice",))
    claimant = seed.claimant(seeded.project_id, "Ministry of Health")
    seed.span(seeded.document_id, "alice", text.index("ministry"), text.index("said") + 4,
              claimant, note="first")
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)

    # Edit the note, then Ctrl+Z puts it back.
    page.locator("#span-list .span-item").first.click()
    page.locator("#note-input").fill("second")
    page.locator("#note-input").press("Enter")
    page.locator("#span-panel").wait_for(state="hidden")
    assert seed.spans(seeded.document_id, "alice")[0]["note"] == "second"
    page.keyboard.press("Control+z")
    wait_for_status(page, "as it was")
    assert seed.spans(seeded.document_id, "alice")[0]["note"] == "first"

    # J chooses the span, Delete deletes it, Ctrl+Z brings it back.
    page.locator("#doc-text").focus()
    page.keyboard.press("j")
    page.keyboard.press("Delete")
    wait_for_spans(page, 0)
    assert seed.spans(seeded.document_id, "alice") == []
    page.keyboard.press("Control+z")
    wait_for_spans(page, 1)
    [restored] = seed.spans(seeded.document_id, "alice")
    assert (restored["text"], restored["note"]) == ("ministry said", "first")

    # A span created on the page, then Ctrl+Z: it is gone again.
    page.locator("#find-input").fill("the flood")
    page.locator("#find-input").press("Enter")
    page.keyboard.press("1")
    page.locator("#claimant-input").fill("Ministry of Health")
    page.locator("#claimant-input").press("Enter")
    page.locator("#span-panel").wait_for(state="hidden")
    assert len(seed.spans(seeded.document_id, "alice")) == 2
    page.keyboard.press("Control+z")
    wait_for_spans(page, 1)
    assert [s["text"] for s in seed.spans(seeded.document_id, "alice")] == ["ministry said"]
    page.keyboard.press("Control+z")  # the delete's undo already happened: nothing left
    wait_for_status(page, "Nothing to undo")
    assert page.js_errors == [] and page.csp_violations == []


def test_alt_down_moves_by_sentence(open_page, seed):
    text = "The dam held. Officials said so! Did it? Yes."
    seeded = seed.project(unique("Sentence"), {"alice": "annotator"}, text, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    page.locator("#doc-text").focus()
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+Shift+ArrowDown")
    assert page.evaluate("window.getSelection().toString()") == "Officials said so! "
    page.keyboard.press("Alt+Shift+ArrowUp")
    assert page.evaluate("window.getSelection().toString()") == ""
