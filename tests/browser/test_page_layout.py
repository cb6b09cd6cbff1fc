"""The annotation page's layout: what moves, what overflows, what covers what."""

from __future__ import annotations

from tests.browser.helpers import document_path, drag_select, status_text, unique, wait_for_spans

NARROW = {"width": 420, "height": 800}
PARAGRAPH = ("The regional governor said on Monday that 3,870 people had been evacuated, while "
             "aid workers said the figure was closer to 5,000. ")
LONG_TEXT = "\n\n".join(f"Paragraph {n}. " + PARAGRAPH * 3 for n in range(1, 25))


def box_of(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def hit(page, selector: str) -> bool:
    """Whether a click at the middle of the element would reach it (nothing on top)."""
    return page.evaluate(
        """(selector) => {
          const element = document.querySelector(selector);
          const r = element.getBoundingClientRect();
          const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return element.contains(top);
        }""",
        selector,
    )


def test_submit_shows_next_unfinished_in_place_with_the_reload_banner(open_page, seed):
    text = "Rescuers said 40 people were pulled from the rubble overnight."
    seeded = seed.project(unique("Next"), {"alice": "annotator"}, text, assign=("alice",))
    second = seed.document(seeded.project_id, "doc-2", "A second article.", assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 0)
    assert page.locator("#next-step").is_hidden()
    shortcuts = box_of(page, "#help-button")
    page.locator("#submit-button").click()
    page.locator("#submit-confirm").click()
    page.locator("#readonly-banner").wait_for(state="visible")
    next_step = page.locator("#next-step")
    assert next_step.is_visible() and next_step.inner_text() == "Next unfinished"
    assert page.evaluate("document.activeElement.id") == "next-step"
    assert box_of(page, "#help-button") == shortcuts  # the header's buttons did not move
    banner = page.locator("#readonly-banner").inner_text()

    page.reload()
    wait_for_spans(page, 0)
    assert page.locator("#readonly-banner").inner_text() == banner
    assert box_of(page, "#help-button") == shortcuts
    assert box_of(page, "#next-step") == next_step.bounding_box()
    page.locator("#next-step").click()
    page.wait_for_url(f"**{document_path(second)}")
    assert page.js_errors == [] and page.csp_violations == []


def test_long_claimant_name_keeps_the_filter_inside_its_card(open_page, seed):
    text = "The committee said the report was final."
    seeded = seed.project(unique("Filter"), {"alice": "annotator"}, text, assign=("alice",))
    claimant = seed.claimant(seeded.project_id, "Standing Committee " * 12 + "of Inquiry")
    seed.span(seeded.document_id, "alice", 4, 13, claimant)
    page = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(page, 1)
    card = page.locator(".side-section").first.bounding_box()
    for selector in ("#filter-claimant", "#filter-evidence"):
        select = box_of(page, selector)
        assert select["x"] + select["width"] <= card["x"] + card["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def scroll_to_offset(page, unit: int, y: int) -> None:
    """Scroll the window so that UTF-16 offset `unit` of the text is `y` px from its top."""
    page.evaluate(
        """([unit, y]) => {
          const walker = document.createTreeWalker(document.getElementById('doc-text'),
            NodeFilter.SHOW_TEXT);
          let seen = 0;
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (unit < seen + node.data.length) {
              const range = document.createRange();
              range.setStart(node, unit - seen);
              range.setEnd(node, unit - seen + 1);
              window.scrollBy(0, range.getBoundingClientRect().top - y);
              return;
            }
            seen += node.data.length;
          }
        }""",
        [unit, y],
    )


def open_panel_under_a_message(page, text: str, paragraph: int) -> None:
    """Leave a message in the status line (cancel a panel), then open the panel on the first
    word of the given paragraph, scrolled to 300 px from the window's top (ASCII text: the
    Python and UTF-16 offsets agree)."""
    wait_for_spans(page, 0)
    drag_select(page, text, 0, len("Paragraph"))
    page.locator("#span-panel").wait_for(state="visible")
    page.keyboard.press("Escape")
    assert "Cancelled" in status_text(page)
    target = text.index(f"Paragraph {paragraph}.")
    scroll_to_offset(page, target, 300)
    drag_select(page, text, target, target + len("Paragraph"))
    page.locator("#span-panel").wait_for(state="visible")


def test_status_message_does_not_cover_the_panel(open_page, seed):
    seeded = seed.project(unique("Status"), {"alice": "annotator"}, LONG_TEXT, assign=("alice",))
    # One column (the panel as wide as the text), and two columns.
    for viewport in ({"width": 860, "height": 700}, {"width": 1280, "height": 800}):
        page = open_page("alice", document_path(seeded.document_id), viewport=viewport)
        open_panel_under_a_message(page, seeded.text, 5)
        assert status_text(page)  # still shown
        assert not overlap(box_of(page, "#status-line"), box_of(page, "#span-panel"))
        assert hit(page, "#panel-cancel") and hit(page, "#panel-save")
        assert page.js_errors == []


def test_narrow_window_panel_buttons_need_no_scrolling(open_page, seed):
    seeded = seed.project(unique("Sheet"), {"alice": "annotator"}, LONG_TEXT, assign=("alice",))
    page = open_page("alice", document_path(seeded.document_id), viewport=NARROW)
    wait_for_spans(page, 0)
    start = seeded.text.index("Paragraph 2.")
    drag_select(page, seeded.text, start, start + len("Paragraph"))
    panel = page.locator("#span-panel")
    panel.wait_for(state="visible")
    # The sheet's content is taller than the sheet: its fields scroll, its buttons do not.
    assert page.evaluate("(p) => p.scrollHeight > p.clientHeight", panel.element_handle())
    assert page.evaluate("(p) => p.scrollTop", panel.element_handle()) == 0
    sheet = panel.bounding_box()
    for selector in ("#panel-save", "#panel-cancel"):
        button = box_of(page, selector)
        assert sheet["y"] <= button["y"] and button["y"] + button["height"] <= NARROW["height"]
        assert hit(page, selector)
    page.keyboard.press("1")
    page.locator("#claimant-input").fill("Regional governor")
    page.locator("#claimant-type").select_option("government")
    page.locator("#panel-save").click()
    panel.wait_for(state="hidden")
    assert [span["text"] for span in seed.spans(seeded.document_id)] == ["Paragraph"]


def test_narrow_window_my_work_fits(open_page, seed):
    seeded = seed.project(unique("Work"), {"alice": "annotator"}, "Short.", assign=("alice",))
    seed.document(seeded.project_id, "casualty_figures_disputed_by_rescuers", "Another.",
                  assign=("alice",), submitted=True)
    page = open_page("alice", f"/projects/{seeded.project_id}/my-work", viewport=NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    rows = page.locator(".my-work tbody tr")
    assert rows.count() == 2
    for index in range(2):
        box = rows.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    submitted = page.locator(".my-work td[data-label=Submitted]").nth(1)
    assert submitted.is_visible()
    assert submitted.bounding_box()["x"] + submitted.bounding_box()["width"] <= NARROW["width"]
