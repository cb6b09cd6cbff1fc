"""Site-wide: what every page loads."""

from __future__ import annotations


def test_first_visit_loads_without_a_404_favicon_included(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    # The browser's own favicon request is not one of the page's responses, but its failure
    # shows as a console error.
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.goto(f"{live_server}/login")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert errors == []
    icon = page.locator("link[rel=icon]").get_attribute("href", timeout=1000)
    response = page.request.get(f"{live_server}{icon}")
    assert response.status == 200 and "svg" in response.headers["content-type"]
    context.close()
