"""Benchmark: the annotation page in Chromium on a long article.

A 200 KB article in paragraphs (the shape of a long news article) carrying 400 or 3,000
spans of one annotator, served by the app on a local port (SQLite) and opened in headless
Chromium (Debian's package, driven by Playwright). Measured in the page with
performance.now(), each time until the next frame after the action has been rendered (a
task queued from that frame's requestAnimationFrame callback runs after its style, layout
and paint), so the figure includes the wait for the frame (up to 16.7 ms at 60 Hz):
- interactive: from navigation start until the spans are drawn (#doc-text[data-loaded]);
- open panel: a click on a highlight until its span panel is shown;
- save until drawn: the panel's Save (a changed note) until the panel is closed and the span
  is drawn again (includes the PATCH request to the local server).
"""

from __future__ import annotations

import logging
import os
import random
import re
import statistics
import tempfile
import threading

from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.models import Assignment, Claimant, Document, Span, User
from app.projects.service import create_project, set_member
from app.text import normalise_text, text_sha256

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTICLE_LENGTH = 200_000
SPAN_COUNTS = (400, 3000)
REPEATS = 30
PASSWORD = "bench-page-password"
OPEN_TARGET_MS = 50.0
SAVE_TARGET_MS = 100.0
WORDS = ("the ministry said that officials reported witnesses described flooding in river "
         "valley near dam collapsed at dawn according to statement released by agency "
         "spokesperson confirmed café résumé naïve صنعاء 🌊").split()

# After the next frame is rendered: rAF callbacks run before the frame's style, layout and
# paint; a task they queue runs after them.
NEXT_PAINT = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))"

OPEN_PANEL = """async ([index, total]) => {
  const segments = [...document.querySelectorAll('#doc-text .seg[data-spans]')]
    .filter((element) => !element.dataset.spans.includes(' '));  // one span: no chooser
  const segment = segments[Math.floor(segments.length * (index + 0.5) / total)];
  segment.scrollIntoView({block: 'center'});
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const rect = segment.getClientRects()[0];
  const at = {bubbles: true, clientX: rect.left + 1, clientY: rect.top + 2, button: 0};
  const start = performance.now();
  segment.dispatchEvent(new MouseEvent('mousedown', at));
  segment.dispatchEvent(new MouseEvent('mouseup', at));
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const shown = !document.getElementById('span-panel').hidden;
  return shown ? performance.now() - start : -1;
}"""

SAVE = """async (note) => {
  document.getElementById('note-input').value = note;
  const panel = document.getElementById('span-panel');
  const start = performance.now();
  document.getElementById('panel-save').click();
  await new Promise((done) => {
    const check = () => (panel.hidden ? done() : requestAnimationFrame(check));
    requestAnimationFrame(check);
  });
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - start;
}"""


def article(rng: random.Random) -> str:
    paragraphs, length = [], 0
    while length < ARTICLE_LENGTH:
        words = [rng.choice(WORDS) for _ in range(rng.randint(60, 140))]
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return normalise_text("\n\n".join(paragraphs)[:ARTICLE_LENGTH])


def seed(spans: int, rng: random.Random) -> int:
    project = create_project(f"Page bench {spans}")
    user = db.session.query(User).filter_by(username="bench_annotator").one_or_none()
    if user is None:
        user = User(username="bench_annotator", display_name="Bench")
        user.set_password(PASSWORD)
        db.session.add(user)
    set_member(project, user, "annotator")
    text = article(rng)
    document = Document(project=project, external_id="long", title="A long article",
                        text=text, sha256=text_sha256(text), meta={})
    db.session.add(document)
    claimants = [Claimant(project_id=project.id, name=f"Source {n:02d}", type="government")
                 for n in range(40)]
    db.session.add_all(claimants)
    db.session.add(Assignment(document=document, annotator=user, status="in_progress"))
    words = [(m.start(), m.end()) for m in re.finditer(r"[^\s.]+", text)]
    for first in sorted(rng.sample(range(len(words) - 4), spans)):
        start, end = words[first][0], words[first + rng.randint(0, 3)][1]
        if "\n" in text[start:end]:
            end = words[first][1]
        db.session.add(Span(document=document, annotator=user, start=start, end=end,
                            text=text[start:end], claimant=rng.choice(claimants),
                            evidence_type="official_statement"))
    db.session.commit()
    return document.id


def measure_page(browser, base: str, document_id: int) -> dict[str, list[float]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", "bench_annotator")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    results: dict[str, list[float]] = {"interactive": [], "open": [], "save": []}
    for _ in range(3):
        page.goto(f"{base}/annotate/documents/{document_id}")
        page.wait_for_selector("#doc-text[data-loaded=true]", timeout=60_000)
        page.evaluate(NEXT_PAINT)
        results["interactive"].append(page.evaluate("() => performance.now()"))
    for index in range(REPEATS):
        opened = page.evaluate(OPEN_PANEL, [index, REPEATS])
        if opened < 0:
            raise RuntimeError("the span panel did not open")
        results["open"].append(opened)
        results["save"].append(page.evaluate(SAVE, f"checked {index}"))
    context.close()
    return results


def run() -> str:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "## Annotation page in Chromium\n\nNot measured: Playwright is not installed.\n"
    if not os.path.exists(CHROMIUM):
        return f"## Annotation page in Chromium\n\nNot measured: no Chromium at {CHROMIUM}.\n"
    rng = random.Random(16)
    load_before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/page.db"})
        with app.app_context():
            db.create_all()
            documents = {count: seed(count, rng) for count in SPAN_COUNTS}
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
                for count in SPAN_COUNTS:
                    results = measure_page(browser, f"http://127.0.0.1:{server.server_port}",
                                           documents[count])
                    rows += table_rows(count, results)
                browser.close()
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()
    return "\n".join([
        "## Annotation page in Chromium (200 KB article)", "",
        f"Headless Chromium, 1280×800, {REPEATS} actions per row (interactive: 3 loads); "
        "milliseconds until the frame after the action is rendered. "
        f"Targets at 3,000 spans: open ≤ {OPEN_TARGET_MS:.0f} ms, save until drawn ≤ "
        f"{SAVE_TARGET_MS:.0f} ms. Save until drawn includes the PATCH request to the local "
        f"server. Load average before the run: {load_before:.1f} (on {os.cpu_count()} cores; "
        "figures grow with it).", "",
        "| spans | measure | median ms | worst ms | target | met |",
        "|---|---|---|---|---|---|", *rows, ""])


def table_rows(count: int, results: dict[str, list[float]]) -> list[str]:
    rows = []
    for key, label, target in (("interactive", "interactive after load", None),
                               ("open", "open the span panel", OPEN_TARGET_MS),
                               ("save", "save until drawn", SAVE_TARGET_MS)):
        values = results[key]
        median, worst = statistics.median(values), max(values)
        met = "–" if target is None or count != 3000 else ("yes" if median <= target else "no")
        rows.append(f"| {count} | {label} | {median:.0f} | {worst:.0f} | "
                    f"{f'≤ {target:.0f}' if target else '–'} | {met} |")
    return rows


if __name__ == "__main__":
    print(run())
