"""The project settings page: the scheme's table editor over its JSON."""

from __future__ import annotations

from tests.browser.helpers import unique

SUBMIT = "form.project-form button[type=submit]"
VALID = ('{"evidence_types": [{"key": "quote", "name": "Quote", "colour": "#ffeedd"}, '
         '{"key": "leak", "name": "Leak", "colour": "#ddeeff"}]}')


def open_settings_with_bad_json(open_page, seed):
    seeded = seed.project(unique("Settings"), {"maria": "manager"}, "Some text.", assign=())
    page = open_page("maria", f"/projects/{seeded.project_id}/edit")
    page.click("details.scheme-json summary")
    page.fill("textarea[name=scheme]", '{"evidence_types": [')
    page.click(SUBMIT)
    page.wait_for_load_state("load")
    assert "not valid JSON" in page.locator(".scheme-json .field-error").inner_text()
    return seeded, page


def test_first_click_saves_after_fixing_a_json_error(open_page, seed):
    seeded, page = open_settings_with_bad_json(open_page, seed)
    page.fill("textarea[name=scheme]", VALID)
    # A real click at the button's place on screen, straight after typing: the textarea's
    # change event fires on mousedown, and the button must still be there on mouseup.
    button = page.locator(SUBMIT)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + 10, box["y"] + 10)
    assert page.url.endswith(f"/projects/{seeded.project_id}")
    assert seed.evidence_keys(seeded.project_id) == ["quote", "leak"]
    assert page.js_errors == [] and page.csp_violations == []


def test_table_follows_typed_json_and_stale_json_error_goes(open_page, seed):
    _, page = open_settings_with_bad_json(open_page, seed)
    editor = page.locator("#scheme-table-editor")
    assert "has an error" in editor.locator(".editor-note").inner_text()
    page.locator("textarea[name=scheme]").fill(VALID)
    # Without leaving the textarea, the table shows the typed types and the messages go.
    page.wait_for_function(
        "() => document.querySelectorAll('#scheme-table-editor tbody tr').length === 2")
    assert editor.locator(".editor-note").is_hidden()
    assert page.locator(".scheme-json .field-error").count() == 0
    keys = editor.locator("input.key")
    assert [keys.nth(i).input_value() for i in range(keys.count())] == ["quote", "leak"]
    # Breaking the JSON again freezes the table where it is instead of removing it.
    page.locator("textarea[name=scheme]").fill(VALID[:-3])
    page.wait_for_function(
        "() => document.querySelector('#scheme-table-editor .editor-body').inert === true")
    assert editor.locator("tbody tr").count() == 2
    assert "has an error" in editor.locator(".editor-note").inner_text()
    assert page.js_errors == [] and page.csp_violations == []


def change_role(page, username: str, role: str) -> None:
    form = page.locator("form.inline-form", has=page.get_by_label(f"Role of {username}"))
    form.locator("select").select_option(role)
    form.get_by_role("button", name="Change").click()


def test_demoting_yourself_asks_first(open_page, seed):
    seeded = seed.project(unique("Members"), {"maria": "manager", "boss": "manager",
                                              "alice": "annotator"}, "Text.", assign=())
    page = open_page("maria", f"/projects/{seeded.project_id}/members")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    change_role(page, "maria", "reviewer")
    page.wait_for_timeout(300)
    assert len(asked) == 1 and "Make yourself reviewer" in asked[0]
    assert seed.role(seeded.project_id, "maria") == "manager"  # dismissed: nothing sent

    # Another member's role changes without a question.
    page.on("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation():
        change_role(page, "alice", "reviewer")
    assert len(asked) == 1 and seed.role(seeded.project_id, "alice") == "reviewer"

    with page.expect_navigation():
        change_role(page, "maria", "reviewer")
    assert len(asked) == 2 and seed.role(seeded.project_id, "maria") == "reviewer"
    assert page.js_errors == [] and page.csp_violations == []


def test_the_row_the_server_refused_is_marked_and_stays_marked(open_page, seed):
    seeded = seed.project(unique("Marked"), {"maria": "manager"}, "Some text.", assign=())
    page = open_page("maria", f"/projects/{seeded.project_id}/edit")
    page.click("details.scheme-json summary")
    page.fill("textarea[name=scheme]", VALID[:-1] + ', "claimant_types": [{"key": "Bad Key", '
              '"name": "X"}]}')
    page.click(SUBMIT)
    page.wait_for_load_state("load")
    note = page.locator("#scheme-table-editor .editor-note")
    assert "(row 1 of the claimant types table)" in note.inner_text()
    assert page.locator("#scheme-table-editor tr.has-error input.error-control").count() == 1
    # White space typed into the JSON changes no type: nothing is redrawn, the mark stays.
    page.locator("textarea[name=scheme]").press("End")
    page.keyboard.type("  ")
    page.locator("#name").focus()  # the textarea's change event
    page.wait_for_timeout(400)  # and the pause after typing
    assert "(row 1 of the claimant types table)" in note.inner_text()
    assert page.locator("#scheme-table-editor tr.has-error").count() == 1
    assert page.js_errors == []
