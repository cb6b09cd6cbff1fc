"""Changing spans on the page: edit, move boundaries, delete and undo, overlaps, conflicts."""

from __future__ import annotations

import json

from tests.browser.helpers import (
    document_path,
    drag_select,
    segment_with_text,
    status_text,
    unique,
    wait_for_spans,
)

ARTICLE = "The health ministry said 12 people died in the flood on Tuesday, officials added."


def seed_one_span(seed, phrase="health ministry said", **fields):
    seeded = seed.project(unique("Edit"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    claimant = seed.claimant(seeded.project_id, "Ministry of Health")
    start = seeded.text.index(phrase)
    span_id = seed.span(seeded.document_id, "alice", start, start + len(phrase), claimant,
                        **fields)
    return seeded, span_id


def test_edit_type_note_and_boundaries(open_page, seed):
    seeded, span_id = seed_one_span(seed)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    segment_with_text(page, "health ministry said").click()
    page.locator("#span-panel").wait_for(state="visible")
    assert page.locator("#panel-title").inner_text() == "Edit span"
    page.locator(".et-option", has_text="Statistics").click()
    page.locator("#note-input").fill("the number is the claim")
    page.locator("button[data-edge=end][data-direction='1']").click()  # one word further
    panel = page.locator("#span-panel")
    panel.press("]")  # start one word right: drops "health"
    assert page.locator("#panel-quote").inner_text() == "ministry said 12"
    panel.press("c")  # by character
    # The characters themselves, as typed (no Shift sent with them): the shortcut goes by the
    # character, not by the key it sits on.
    page.keyboard.type("{")  # end one character left
    assert page.locator("#panel-quote").inner_text() == "ministry said 1"
    panel.press("c")  # by word again
    page.keyboard.type("}")  # end to the next word's end
    assert page.locator("#panel-quote").inner_text() == "ministry said 12"
    page.locator("#panel-save").click()
    page.locator("#span-panel").wait_for(state="hidden")
    assert "Saved changes" in status_text(page)

    [span] = seed.spans(seeded.document_id)
    start = seeded.text.index("ministry")
    assert (span["start"], span["end"], span["text"]) == (start, start + 16, "ministry said 12")
    assert (span["evidence_type"], span["note"], span["version"]) == (
        "statistics", "the number is the claim", 2)
    assert segment_with_text(page, "ministry said 12").count() == 1


def test_delete_then_undo_restores_the_span(open_page, seed):
    seeded, _ = seed_one_span(seed, evidence_type="eyewitness", note="keep me")
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    segment_with_text(page, "health ministry said").click()
    page.locator("#panel-delete").click()
    wait_for_spans(page, 0)
    assert "Deleted" in status_text(page)
    assert seed.spans(seeded.document_id) == []
    page.locator("#status-line button", has_text="Undo").click()
    wait_for_spans(page, 1)
    assert "Restored" in status_text(page)
    [span] = seed.spans(seeded.document_id)
    start = seeded.text.index("health")
    assert (span["start"], span["end"], span["evidence_type"], span["note"]) == (
        start, start + len("health ministry said"), "eyewitness", "keep me")
    assert span["claimant"] == "Ministry of Health"
    assert page.locator("#doc-text .seg[data-spans]").inner_text() == "health ministry said"


def test_overlapping_and_nested_spans_are_each_clickable(open_page, seed):
    seeded = seed.project(unique("Overlap"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    claimant = seed.claimant(seeded.project_id, "Ministry of Health")
    text = seeded.text

    def add(phrase, evidence_type):
        start = text.index(phrase)
        return seed.span(seeded.document_id, "alice", start, start + len(phrase), claimant,
                         evidence_type)

    outer = add("health ministry said 12 people", "official_statement")
    crossing = add("12 people died", "statistics")
    nested = add("ministry", "document")
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 3)
    # Only the outer span covers "health": one click opens it directly.
    segment_with_text(page, "health").click()
    assert page.locator("#panel-quote").inner_text() == "health ministry said 12 people"
    page.keyboard.press("Escape")
    # "died" belongs to the crossing span alone.
    segment_with_text(page, "died").click()
    assert page.locator("#panel-quote").inner_text() == "12 people died"
    page.keyboard.press("Escape")
    # "12 people" is under two spans, "ministry" under two (nested): a choice is offered.
    for fragment, expected in (("12 people", {outer, crossing}), ("ministry", {outer, nested})):
        segment_with_text(page, fragment).click()
        chooser = page.locator("#span-chooser")
        chooser.wait_for(state="visible")
        ids = {int(i) for i in chooser.locator("button").evaluate_all(
            "buttons => buttons.map(b => b.dataset.id)")}
        assert ids == expected
        chooser.locator("button").first.click()
        assert page.locator("#span-panel").is_visible()
        page.keyboard.press("Escape")
    # The innermost span comes first in the chooser and can be picked from the keyboard.
    segment_with_text(page, "ministry").click()
    page.keyboard.press("Enter")
    assert page.locator("#panel-quote").inner_text() == "ministry"
    classes = segment_with_text(page, "ministry").get_attribute("class")
    assert "depth-2" in classes and "l1-document" in classes and "l2-official_statement" in classes
    assert page.js_errors == [] and page.csp_violations == []


def test_version_conflict_is_shown_and_span_can_be_reloaded(open_page, seed):
    seeded, span_id = seed_one_span(seed)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    segment_with_text(page, "health ministry said").click()
    page.locator(".et-option", has_text="Hearsay").click()
    page.locator("#note-input").fill("my change")
    seed.change_span_note(span_id, "changed in another tab")  # behind the page's back
    page.locator("#panel-save").click()
    error = page.locator("#panel-error")
    error.wait_for(state="visible")
    assert "changed since you loaded it" in error.inner_text()
    assert "conflict" in status_text(page)
    # Nothing typed is lost, and the stored span is untouched.
    assert page.locator("#note-input").input_value() == "my change"
    [span] = seed.spans(seeded.document_id)
    assert (span["note"], span["evidence_type"]) == ("changed in another tab",
                                                     "official_statement")
    page.locator("#panel-reload").click()
    assert page.locator("#note-input").input_value() == "changed in another tab"
    page.locator(".et-option", has_text="Hearsay").click()
    page.locator("#panel-save").click()
    page.locator("#span-panel").wait_for(state="hidden")
    [span] = seed.spans(seeded.document_id)
    assert (span["note"], span["evidence_type"], span["version"]) == (
        "changed in another tab", "hearsay", 3)


def test_failed_saves_keep_what_was_typed(open_page, seed):
    seeded, _ = seed_one_span(seed, phrase="officials")
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    text = seeded.text
    drag_select(page, text, text.index("flood"), text.index("flood") + 5)
    page.locator("#span-panel").wait_for(state="visible")
    page.keyboard.press("5")
    page.locator("#claimant-input").fill("River Authority")
    page.locator("#claimant-type").select_option("government")
    page.locator("#note-input").fill("water level")

    # A refusal from the server (422) is shown with its message and field.
    def refuse(route):
        route.fulfill(status=422, content_type="application/json",
                      body=json.dumps({"error": "note is too long", "field": "note"}))

    page.route("**/api/v1/documents/*/spans", refuse)
    page.locator("#panel-save").click()
    page.locator("#panel-error").wait_for(state="visible")
    assert "note is too long" in page.locator("#panel-error").inner_text()
    page.unroute("**/api/v1/documents/*/spans")

    # The network failing is shown too.
    page.route("**/api/v1/documents/*/spans", lambda route: route.abort())
    page.locator("#panel-save").click()
    page.wait_for_function(
        "() => document.getElementById('panel-error-text').textContent.includes('network')")
    page.unroute("**/api/v1/documents/*/spans")
    assert page.locator("#claimant-input").input_value() == "River Authority"
    assert page.locator("#note-input").input_value() == "water level"
    assert page.locator("#panel-quote").inner_text() == "flood"
    assert len(seed.spans(seeded.document_id)) == 1

    page.locator("#panel-save").click()  # the connection is back: the same input saves
    page.locator("#span-panel").wait_for(state="hidden")
    saved = [s for s in seed.spans(seeded.document_id) if s["text"] == "flood"]
    assert saved and saved[0]["claimant"] == "River Authority"
    assert saved[0]["evidence_type"] == "statistics" and saved[0]["note"] == "water level"
