"""The annotation page: a loading state until spans arrive, and a guard when leaving the
page would lose input typed into the span panel."""

from __future__ import annotations

from tests.browser.helpers import document_path, drag_select, unique, wait_for_spans

ARTICLE = "The health ministry said 12 people died in the flood on Tuesday."


def open_with_typed_note(open_page, seed):
    seeded = seed.project(unique("Guard"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    assert page.locator("#span-list-empty").inner_text() == "No spans yet."
    text = seeded.text
    drag_select(page, text, text.index("ministry"), text.index("said") + 4)
    page.locator("#span-panel").wait_for(state="visible")
    page.locator("#note-input").fill("half-written thought")
    return page


def test_a_link_on_the_page_asks_before_losing_input(open_page, seed):
    page = open_with_typed_note(open_page, seed)
    url = page.url
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="My projects").first.click()
    page.wait_for_timeout(200)
    assert dialogs and "not saved" in dialogs[0]
    assert page.url == url and page.locator("#note-input").input_value() == "half-written thought"
    assert page.js_errors == [] and page.csp_violations == []


def test_closing_the_page_triggers_beforeunload(open_page, seed):
    page = open_with_typed_note(open_page, seed)
    kinds = []

    def accept(dialog):
        kinds.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.close(run_before_unload=True)
    if not page.is_closed():
        page.wait_for_event("close", timeout=5000)
    assert kinds == ["beforeunload"]


def test_nothing_typed_leaves_without_a_prompt(open_page, seed):
    seeded = seed.project(unique("Guard"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with page.expect_navigation():
        page.get_by_role("link", name="My projects").first.click()
    assert dialogs == []
