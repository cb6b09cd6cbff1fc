"""What a user does on the annotation page, as small steps shared by the browser tests."""

from __future__ import annotations

from itertools import count

_names = count(1)


def unique(prefix: str) -> str:
    """Project names are unique in the shared database; each test takes fresh ones."""
    return f"{prefix} {next(_names)}"


def utf16(text: str, index: int) -> int:
    """The browser's offset (UTF-16 units) of Python string index `index`."""
    return len(text[:index].encode("utf-16-le")) // 2


def document_path(document_id: int) -> str:
    return f"/annotate/documents/{document_id}"


def wait_for_spans(page, count_expected: int | None = None) -> None:
    page.wait_for_selector("#doc-text[data-loaded=true]")
    if count_expected is not None:
        page.wait_for_function(
            "n => document.querySelectorAll('#span-list .span-item').length === n",
            arg=count_expected,
        )


def drag_select(page, text: str, start: int, end: int) -> None:
    """Select text[start:end] with the mouse: press on the first character, release on the
    last (Python indices; the page measures where they are on screen)."""
    boxes = page.evaluate(
        """([start, end]) => {
          const container = document.getElementById('doc-text');
          const rectAt = (unit) => {
            const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
            let seen = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              if (unit < seen + node.data.length) {
                const range = document.createRange();
                range.setStart(node, unit - seen);
                range.setEnd(node, unit - seen + 1);
                const r = range.getClientRects()[0];
                return {x: r.left, y: r.top, w: r.width, h: r.height};
              }
              seen += node.data.length;
            }
            return null;
          };
          return [rectAt(start), rectAt(end - 1)];
        }""",
        [utf16(text, start), utf16(text, end)],
    )
    first, last = boxes
    page.mouse.move(first["x"] + 1, first["y"] + first["h"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["w"] / 2, last["y"] + last["h"] / 2, steps=4)
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2)
    page.mouse.up()


def set_selection(page, text: str, start: int, end: int) -> None:
    """Select text[start:end] as the browser's Selection (for scripts where dragging in
    visual order is ambiguous, e.g. right-to-left text), then focus the text."""
    page.evaluate(
        """([start, end]) => {
          const container = document.getElementById('doc-text');
          const find = (unit) => {
            const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
            let seen = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              if (unit <= seen + node.data.length) return [node, unit - seen];
              seen += node.data.length;
            }
          };
          container.focus();
          const [a, ao] = find(start);
          const [b, bo] = find(end);
          window.getSelection().setBaseAndExtent(a, ao, b, bo);
        }""",
        [utf16(text, start), utf16(text, end)],
    )


def segment_with_text(page, fragment: str):
    """The highlighted segment whose text is exactly `fragment`."""
    return page.locator("#doc-text .seg[data-spans]", has_text=fragment).filter(
        has_text=fragment
    ).first


def status_text(page) -> str:
    return page.locator("#status-line").inner_text()
