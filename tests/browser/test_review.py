"""A reviewer resolves every kind of disagreement on the review page with the keyboard alone."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import DocumentReview, GoldSpan
from tests.browser.helpers import unique

TEXT = ("The ministry said 12 people died. A witness, Omar Haddad, said he saw the dam "
        "break at dawn. Officials declined to comment. Rescuers counted 40 bodies.")


def _seed(seed):
    seeded = seed.project(unique("Review"), {"ann1": "annotator", "ann2": "annotator",
                                             "revi": "reviewer"}, "placeholder", assign=())
    project = seeded.project_id
    document = seed.document(project, unique("dam"), TEXT, ("ann1", "ann2"), submitted=True)
    ministry = seed.claimant(project, "Ministry of Defence", "government")
    moh = seed.claimant(project, "Health Ministry", "government")
    omar = seed.claimant(project, "Omar Haddad", "witness")

    def both(phrase, claimant, evidence, claimant2=None, evidence2=None, phrase2=None):
        for name, p, c, e in (("ann1", phrase, claimant, evidence),
                              ("ann2", phrase2 or phrase, claimant2 or claimant,
                               evidence2 or evidence)):
            start = TEXT.index(p)
            seed.span(document, name, start, start + len(p), c, e)

    both("A witness, Omar Haddad", omar, "eyewitness", phrase2="Omar Haddad")  # boundary
    both("The ministry said 12 people died", ministry, "official_statement",
         claimant2=moh)  # claimant
    both("he saw the dam break at dawn", omar, "eyewitness", evidence2="hearsay")  # evidence
    start = TEXT.index("Officials declined to comment")
    seed.span(document, "ann1", start, start + len("Officials declined to comment"), ministry,
              "official_statement")  # missed by ann2
    return project, document, ministry, omar


def _gold(live_app, document_id):
    with live_app.app_context():
        rows = db.session.scalars(select(GoldSpan).where(GoldSpan.document_id == document_id)
                                  .order_by(GoldSpan.start))
        return [(g.text, g.claimant.name, g.evidence_type, g.provenance, g.rejected,
                 len(g.sources), g.reason) for g in rows]


def _wait_decided(page, count):
    page.wait_for_function(
        "n => document.querySelectorAll('#unit-list li.st-decided').length === n", arg=count)


def test_reviewer_resolves_every_kind_with_the_keyboard(open_page, seed, live_app):
    project, document, ministry, omar = _seed(seed)
    page = open_page("revi", f"/projects/{project}/agreement")
    page.locator(f'a[href="/documents/{document}/review"]').first.click()  # worst document
    page.wait_for_selector("#unit-list li.unit.current")
    # Units in text order: claimant (1), boundary (2), evidence type (3), missed (4).
    states = page.eval_on_selector_all("#unit-list li.unit", "els => els.map(e => e.className)")
    assert [s.split()[1] for s in states] == ["st-label", "st-boundary", "st-label", "st-missed"]

    # Claimant: edit, naming the ministry in the registry, with a reason, then accept.
    page.keyboard.press("e")
    page.locator("#decision-dialog").wait_for(state="visible")
    page.keyboard.press("Tab")  # evidence type -> claimant
    page.keyboard.press("Control+a")
    page.keyboard.type("Ministry of Defence")
    page.keyboard.press("Tab")  # -> type of a new claimant
    page.keyboard.press("Tab")  # -> reason
    page.keyboard.type("Annotator error")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    _wait_decided(page, 1)
    # Boundary: take ann2's "Omar Haddad"; undo it, then take it again.
    assert page.evaluate("document.activeElement.id") == "unit-2"
    page.keyboard.press("2")
    _wait_decided(page, 2)
    page.keyboard.press("u")
    _wait_decided(page, 1)
    page.keyboard.press("k")  # focus stayed on unit 3: back to unit 2
    page.keyboard.press("2")
    _wait_decided(page, 2)
    # Evidence type: accept ann1's version.
    page.keyboard.press("1")
    _wait_decided(page, 3)
    # Missed by ann2: not a claim.
    page.keyboard.press("x")
    _wait_decided(page, 4)
    # A claim nobody marked, its offsets typed in the dialog.
    phrase = "Rescuers counted 40 bodies"
    page.keyboard.press("n")
    page.locator("#decision-dialog").wait_for(state="visible")
    page.keyboard.type(str(TEXT.index(phrase)))
    page.keyboard.press("Tab")
    page.keyboard.type(str(TEXT.index(phrase) + len(phrase)))
    assert page.locator("#d-quote").inner_text() == phrase
    page.keyboard.press("Tab")  # -> evidence type
    page.keyboard.type("Statistics")
    page.keyboard.press("Tab")  # -> claimant
    page.keyboard.type("Rescue volunteers")
    page.keyboard.press("Tab")  # -> type of the new claimant
    page.keyboard.type("NGO")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".added-list li")
    # Change a decision: back to unit 3 (evidence type), e, hearsay after all.
    page.locator("#unit-3").click()
    page.keyboard.press("e")
    page.locator("#decision-dialog").wait_for(state="visible")
    assert page.locator("#d-evidence").input_value() == "eyewitness"  # the decision's own
    page.keyboard.type("Hearsay")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#unit-3 .decision:has-text('Hearsay')")

    assert _gold(live_app, document) == [
        ("The ministry said 12 people died", "Ministry of Defence", "official_statement",
         "adjudicated", False, 2, "annotator_error"),
        ("Omar Haddad", "Omar Haddad", "eyewitness", "adjudicated", False, 2, None),
        ("he saw the dam break at dawn", "Omar Haddad", "hearsay", "adjudicated", False, 2,
         None),
        ("Officials declined to comment", "Ministry of Defence", "official_statement",
         "adjudicated", True, 1, None),
        (phrase, "Rescue volunteers", "statistics", "added", False, 0, None),
    ]
    page.locator("#done-button").click()
    page.wait_for_selector("#review-root[data-status=adjudicated]")
    with live_app.app_context():
        assert db.session.get(DocumentReview, document).status == "adjudicated"
    assert page.js_errors == [] and page.csp_violations == []
