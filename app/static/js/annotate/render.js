// The document text as segments: the text is cut at every span boundary, and each piece lists
// the spans covering it, so overlapping and nested spans all show and all stay clickable.
// Offsets here are UTF-16 units into the text, which is what the DOM counts.

const VISIBLE_LAYERS = 3; // innermost as background, two more as lines under the text

// Spans covering a piece, innermost first: shortest, then latest start, then oldest.
function innermostFirst(a, b) {
  return (a.u16End - a.u16Start) - (b.u16End - b.u16Start) || b.u16Start - a.u16Start
    || a.id - b.id;
}

// Pieces of the text between consecutive cut points (every span boundary, and the draft's:
// the range being created or edited), each with the spans covering it, innermost first.
export function segmentPieces(textLength, spans, draft = null) {
  const cuts = new Set([0, textLength]);
  for (const span of spans) {
    cuts.add(span.u16Start);
    cuts.add(span.u16End);
  }
  if (draft) {
    cuts.add(draft.start);
    cuts.add(draft.end);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  for (let index = 0; index + 1 < sorted.length; index += 1) {
    const start = sorted[index];
    const end = sorted[index + 1];
    const covering = spans.filter((span) => span.u16Start <= start && span.u16End >= end);
    const inDraft = draft !== null && draft.start <= start && draft.end >= end;
    pieces.push({ start, end, spans: covering.sort(innermostFirst), inDraft });
  }
  return pieces;
}

export function renderText(container, text, spans, { selectedId = null, draft = null } = {}) {
  const fragment = document.createDocumentFragment();
  for (const piece of segmentPieces(text.length, spans, draft)) {
    const content = text.slice(piece.start, piece.end);
    if (piece.spans.length === 0 && !piece.inDraft) {
      fragment.append(document.createTextNode(content));
      continue;
    }
    const element = document.createElement("span");
    element.className = segmentClasses(piece, selectedId).join(" ");
    if (piece.spans.length) {
      element.dataset.spans = piece.spans.map((span) => span.id).join(" ");
      element.title = piece.spans
        .map((span) => `${span.evidenceName} · ${span.claimant.name}`)
        .join("\n");
    }
    element.textContent = content;
    fragment.append(element);
  }
  container.replaceChildren(fragment);
}

function segmentClasses(piece, selectedId) {
  const depth = piece.spans.length;
  const classes = depth ? ["seg", `depth-${Math.min(depth, VISIBLE_LAYERS)}`] : ["seg"];
  if (depth > VISIBLE_LAYERS) classes.push("deep");
  piece.spans.slice(0, VISIBLE_LAYERS).forEach((span, index) => {
    classes.push(`l${index + 1}-${span.evidence_type}`);
  });
  if (piece.spans.some((span) => span.u16Start === piece.start)) classes.push("opens");
  if (piece.spans.some((span) => span.u16End === piece.end)) classes.push("closes");
  if (piece.spans.some((span) => span.id === selectedId)) classes.push("selected");
  if (piece.inDraft) classes.push("draft");
  return classes;
}

// UTF-16 offset of a DOM position (node, offset) within the container's textContent.
// A Range's toString() is exactly the text nodes' data, whatever elements wrap them.
export function offsetWithin(container, node, offset) {
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

// The DOM position (text node, offset) of UTF-16 offset `unit` in the container.
export function positionOf(container, unit, preferNext = true) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.data.length;
    if (unit < seen + length || (unit === seen + length && !preferNext)) {
      return { node, offset: unit - seen };
    }
    seen += length;
    last = node;
  }
  return last ? { node: last, offset: last.data.length } : { node: container, offset: 0 };
}

// The current selection as UTF-16 offsets {start, end, anchor, focus} within the container,
// clipped to it; null when the selection does not touch the container.
export function readSelection(container) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(container)) return null;
  const length = container.textContent.length;
  const start = container.contains(range.startContainer)
    ? offsetWithin(container, range.startContainer, range.startOffset)
    : (range.comparePoint(container, 0) > 0 ? 0 : length);
  const end = container.contains(range.endContainer)
    ? offsetWithin(container, range.endContainer, range.endOffset)
    : (range.comparePoint(container, 0) < 0 ? length : 0);
  let anchor = start;
  let focus = end;
  if (container.contains(selection.focusNode) && container.contains(selection.anchorNode)) {
    anchor = offsetWithin(container, selection.anchorNode, selection.anchorOffset);
    focus = offsetWithin(container, selection.focusNode, selection.focusOffset);
  }
  return { start: Math.min(start, end), end: Math.max(start, end), anchor, focus };
}

export function selectRange(container, start, end) {
  const from = positionOf(container, start, true);
  const to = positionOf(container, end, false);
  window.getSelection().setBaseAndExtent(from.node, from.offset, to.node, to.offset);
}

// Where [start, end) is on screen, for placing the panel: the top of its first line, the
// bottom of its last line and its left edge.
export function rectOf(container, start, end) {
  const range = document.createRange();
  const from = positionOf(container, start, true);
  const to = positionOf(container, end, false);
  range.setStart(from.node, from.offset);
  range.setEnd(to.node, to.offset);
  const bounds = range.getBoundingClientRect();
  const rects = range.getClientRects();
  const last = rects.length ? rects[rects.length - 1] : bounds;
  return { top: bounds.top, bottom: last.bottom, left: bounds.left };
}

// A visible caret for keyboard users: non-editable text has none of its own.
export function placeCaret(caret, container) {
  const selection = window.getSelection();
  const focused = document.activeElement === container;
  if (!focused || !selection.rangeCount || !selection.isCollapsed
      || !container.contains(selection.focusNode)) {
    caret.hidden = true;
    return;
  }
  const range = selection.getRangeAt(0).cloneRange();
  let rect = range.getClientRects()[0];
  if (!rect) {
    // A collapsed range at a node's edge can have no rectangle; measure the next character.
    const unit = offsetWithin(container, selection.focusNode, selection.focusOffset);
    if (unit >= container.textContent.length) {
      caret.hidden = true;
      return;
    }
    const from = positionOf(container, unit, true);
    range.setStart(from.node, from.offset);
    range.setEnd(from.node, Math.min(from.offset + 1, from.node.data.length));
    rect = range.getClientRects()[0];
    if (!rect) {
      caret.hidden = true;
      return;
    }
  }
  const box = caret.parentElement.getBoundingClientRect();
  caret.style.left = `${rect.left - box.left}px`;
  caret.style.top = `${rect.top - box.top}px`;
  caret.style.height = `${rect.height}px`;
  caret.hidden = false;
}
