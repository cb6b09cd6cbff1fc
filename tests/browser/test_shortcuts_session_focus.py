"""Boundary shortcuts on other keyboard layouts, a session lost mid-work, and where the
keyboard focus goes after a delete and its undo."""

from __future__ import annotations

from tests.browser.conftest import PASSWORD
from tests.browser.helpers import (
    document_path,
    drag_select,
    segment_with_text,
    status_text,
    unique,
    wait_for_spans,
)

ARTICLE = "The health ministry said 12 people died in the flood on Tuesday, officials added."
SESSION_MESSAGE = ("Your session has expired: log in again in another tab, then retry — "
                   "nothing you typed is lost")

# What a keydown looks like when the character needs AltGr: German layout on Linux (AltGr+8
# gives "[", reported as the AltGraph modifier) and on Windows (AltGr+0 gives "}", reported
# as Ctrl+Alt). Neither comes from the bracket keys of a US keyboard.
DISPATCH_KEY = """([key, code, ctrl, alt, altGraph]) => {
  const target = document.activeElement;
  const event = new KeyboardEvent('keydown', {key, code, ctrlKey: ctrl, altKey: alt,
    modifierAltGraph: altGraph, bubbles: true, cancelable: true});
  target.dispatchEvent(event);
}"""


def seed_one_span(seed, phrase="health ministry said"):
    seeded = seed.project(unique("Keys"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    claimant = seed.claimant(seeded.project_id, "Ministry of Health")
    start = seeded.text.index(phrase)
    seed.span(seeded.document_id, "alice", start, start + len(phrase), claimant)
    return seeded


def active_element(page) -> dict:
    return page.evaluate("""() => {
      const active = document.activeElement;
      return {inText: document.getElementById('doc-text').contains(active),
              inList: document.getElementById('span-list').contains(active),
              id: active.dataset ? active.dataset.id || null : null,
              tag: active.tagName};
    }""")


def test_boundary_shortcuts_follow_the_character_on_altgr_layouts(open_page, seed):
    seeded = seed_one_span(seed)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    segment_with_text(page, "health ministry said").click()
    page.locator("#span-panel").wait_for(state="visible")
    quote = page.locator("#panel-quote")
    # The focus is on the panel's evidence type (not a text field): keys are shortcuts there.
    page.evaluate(DISPATCH_KEY, ["[", "Digit8", False, False, True])  # start one word left
    assert quote.inner_text() == "The health ministry said"
    page.evaluate(DISPATCH_KEY, ["}", "Digit0", True, True, False])  # end one word right
    assert quote.inner_text() == "The health ministry said 12"
    page.evaluate(DISPATCH_KEY, ["]", "Digit9", True, True, False])  # start one word right
    page.evaluate(DISPATCH_KEY, ["{", "Digit7", False, False, True])  # end one word left
    assert quote.inner_text() == "health ministry said"
    # A plain Ctrl or Alt chord is not a boundary shortcut.
    page.evaluate(DISPATCH_KEY, ["]", "BracketRight", True, False, False])
    assert quote.inner_text() == "health ministry said"


def test_lost_session_is_said_and_the_claimant_is_not_taken_as_new(open_page, seed,
                                                                    live_server):
    seeded = seed_one_span(seed, phrase="officials")
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    text = seeded.text
    drag_select(page, text, text.index("flood"), text.index("flood") + 5)
    page.locator("#span-panel").wait_for(state="visible")
    page.keyboard.press("5")  # Statistics; the focus moves to the claimant field
    page.context.clear_cookies()  # logged out behind the page's back

    page.locator("#claimant-input").press_sequentially("Ministry of Health")
    banner = page.locator("#session-banner")
    banner.wait_for(state="visible")
    assert banner.inner_text() == SESSION_MESSAGE
    assert page.locator("#new-claimant").is_hidden()
    page.locator("#panel-save").click()
    page.wait_for_function(
        "() => document.getElementById('panel-error-text').textContent.includes('expired')")
    assert "new claimant" not in page.locator("#panel-error-text").inner_text()
    assert page.locator("#claimant-input").input_value() == "Ministry of Health"
    assert banner.is_visible()  # persistent: it does not fade like a status message

    # Log in again in another tab, then retry: the same input saves, to the known claimant.
    other = page.context.new_page()
    other.goto(f"{live_server}/login")
    other.fill("#username", "alice")
    other.fill("#password", PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_url(f"{live_server}/")
    other.close()
    page.locator("#panel-save").click()
    page.locator("#span-panel").wait_for(state="hidden")
    banner.wait_for(state="hidden")
    saved = [span for span in seed.spans(seeded.document_id) if span["text"] == "flood"]
    assert saved and saved[0]["claimant"] == "Ministry of Health"
    assert len(seed.claimant_ids(seeded.project_id)) == 1  # no second "Ministry of Health"


def test_focus_stays_on_the_text_after_delete_and_on_the_span_after_undo(open_page, seed):
    seeded = seed_one_span(seed)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    segment_with_text(page, "health ministry said").click()
    page.locator("#panel-delete").click()
    wait_for_spans(page, 0)
    assert active_element(page)["inText"]

    page.locator("#status-line button", has_text="Undo").click()
    wait_for_spans(page, 1)
    assert "Restored" in status_text(page)
    [span] = seed.spans(seeded.document_id)
    focused = active_element(page)
    assert focused["inList"] and focused["id"] == str(span["id"])
    # The keyboard carries on from there: Enter opens the restored span.
    page.keyboard.press("Enter")
    page.locator("#span-panel").wait_for(state="visible")
    assert page.locator("#panel-quote").inner_text() == "health ministry said"
