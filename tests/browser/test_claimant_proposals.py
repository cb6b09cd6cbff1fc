"""A claimant made on the page is alice's proposal: marked so in her autocomplete, absent
from bob's (issue 13: the second annotator's autocomplete offered the first one's claimants)."""

from __future__ import annotations

from tests.browser.helpers import document_path, drag_select, unique, wait_for_spans

ARTICLE = "Igor Konashenkov said the strike hit depots. The ministry denied it."


def create_span_with_new_claimant(page, text: str) -> None:
    drag_select(page, text, 0, len("Igor Konashenkov said"))
    page.locator("#span-panel").wait_for(state="visible")
    page.keyboard.press("1")
    page.locator("#claimant-input").fill("Igor Konashenkov")
    page.locator("#claimant-type").select_option("military")
    page.locator("#claimant-input").press("Enter")
    page.locator("#span-panel").wait_for(state="hidden")


def suggestions(page, text: str, query: str) -> list[str]:
    drag_select(page, text, text.index("ministry"), text.index("ministry") + len("ministry"))
    page.locator("#span-panel").wait_for(state="visible")
    page.locator("#claimant-input").fill(query)
    page.locator("#claimant-options [role=option]").first.wait_for(state="visible")
    return page.locator("#claimant-options [role=option]").all_inner_texts()


def test_a_new_claimant_is_a_proposal_only_its_author_is_offered(open_page, seed):
    seeded = seed.project(unique("Proposals"), {"alice": "annotator", "bob": "annotator"},
                          ARTICLE, assign=("alice", "bob"))
    alice = open_page("alice", document_path(seeded.document_id))
    wait_for_spans(alice, 0)
    create_span_with_new_claimant(alice, seeded.text)
    wait_for_spans(alice, 1)
    offered = suggestions(alice, seeded.text, "igor")
    assert "Igor Konashenkov" in offered[0] and "proposed" in offered[0]

    bob = open_page("bob", document_path(seeded.document_id))
    wait_for_spans(bob, 0)
    offered = suggestions(bob, seeded.text, "igor")
    assert offered == ["New claimant “igor”"]
    assert alice.js_errors == [] and bob.js_errors == []
