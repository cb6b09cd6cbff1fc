"""The article is drawn in paragraph blocks and a change redraws only the blocks it touches:
after creating, editing and deleting spans the page shows exactly what a fresh load shows."""

from __future__ import annotations

import re

from tests.browser.helpers import document_path, drag_select, unique, wait_for_spans

ARTICLE = ("The health ministry said 12 people died.\n\n"
           "Witnesses described the flood on Tuesday.\n"
           "A second line of the same paragraph.\n\n\n"
           "The agency confirmed the figures.")

SNAPSHOT = """() => {
  const text = document.getElementById('doc-text');
  return {
    html: text.innerHTML,
    text: text.textContent,
    blocks: [...text.querySelectorAll('.block')].map((b) => [b.dataset.start, b.textContent]),
    list: [...document.querySelectorAll('#span-list .span-item')].map((b) => b.textContent),
  };
}"""


def normalised(snapshot: dict) -> dict:
    # The selected span is marked until the page is left; a fresh load selects nothing.
    snapshot["html"] = re.sub(r" selected(?=[\" ])", "", snapshot["html"])
    snapshot["list"] = [item.strip() for item in snapshot["list"]]
    return snapshot


def test_changes_redraw_to_exactly_what_a_fresh_load_shows(open_page, seed):
    seeded = seed.project(unique("Blocks"), {"alice": "annotator"}, ARTICLE, assign=("alice",))
    text = seeded.text
    claimant = seed.claimant(seeded.project_id, "Ministry of Health")
    seed.span(seeded.document_id, "alice", text.index("12 people"),
                       text.index("Witnesses") + len("Witnesses"), claimant)
    seed.span(seeded.document_id, "alice", text.index("agency"),
              text.index("agency") + len("agency"), claimant)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 2)
    first = page.evaluate(SNAPSHOT)
    assert first["text"] == text
    assert [int(start) for start, _ in first["blocks"]] == [0] + [
        m.end() for m in re.finditer(r"\n+", text)]

    # Create a span in the middle paragraph.
    drag_select(page, text, text.index("flood"), text.index("flood") + len("flood"))
    page.locator("#span-panel").wait_for(state="visible")
    page.keyboard.press("1")
    page.locator("#claimant-input").fill("Ministry of Health")
    page.locator("#claimant-input").press("Enter")
    page.locator("#span-panel").wait_for(state="hidden")
    # Edit the span that crosses the first paragraph break, then delete the last one.
    page.locator("#span-list .span-item").first.click()
    page.locator("#note-input").fill("checked")
    page.locator("#note-input").press("Enter")
    page.locator("#span-panel").wait_for(state="hidden")
    page.locator("#span-list .span-item", has_text="agency").click()
    page.locator("#panel-delete").click()
    page.wait_for_function("() => document.querySelectorAll('#span-list .span-item').length == 2")

    after = normalised(page.evaluate(SNAPSHOT))
    page.reload()
    wait_for_spans(page, 2)
    fresh = normalised(page.evaluate(SNAPSHOT))
    assert after == fresh
    assert fresh["text"] == text
    assert "checked" in " ".join(fresh["list"])
    notes = {span["text"]: span["note"] for span in seed.spans(seeded.document_id, "alice")}
    assert notes == {"12 people died.\n\nWitnesses": "checked", "flood": ""}
    # The span crossing the paragraph break is drawn in both blocks.
    assert page.locator(".block").nth(0).locator(".seg[data-spans]").count() >= 1
    assert page.locator(".block").nth(1).locator(".seg[data-spans]").count() >= 1
    assert page.js_errors == [] and page.csp_violations == []
