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
// Only [from, textLength) is cut when `from` is given (one block of the text).
export function segmentPieces(textLength, spans, draft = null, from = 0) {
  const cuts = new Set([from, textLength]);
  const within = (unit) => {
    if (unit > from && unit < textLength) cuts.add(unit);
  };
  for (const span of spans) {
    within(span.u16Start);
    within(span.u16End);
  }
  if (draft) {
    within(draft.start);
    within(draft.end);
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

export function segmentClasses(piece, selectedId) {
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
  // Count from the start of the node's block (textview.js), not from the top of the text.
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const block = element && element !== container ? element.closest(".block[data-start]") : null;
  const from = block && container.contains(block) ? block : container;
  const range = document.createRange();
  range.setStart(from, 0);
  range.setEnd(node, offset);
  return (from === container ? 0 : Number(from.dataset.start)) + range.toString().length;
}

// Where to start looking for `unit`: the block (textview.js) holding it, found by binary
// search over the blocks' data-start, so a lookup walks one paragraph, not the whole text.
// The position at a block's very start, when the end of the previous text is wanted
// (preferNext false), is looked for from the previous block.
function searchRoot(container, unit, preferNext) {
  const blocks = container.children;
  if (!blocks.length || blocks[0].dataset.start === undefined) return { root: container, seen: 0 };
  let low = 0;
  let high = blocks.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (Number(blocks[middle].dataset.start) <= unit) low = middle;
    else high = middle - 1;
  }
  if (!preferNext && low > 0 && Number(blocks[low].dataset.start) === unit) low -= 1;
  return { root: blocks[low], seen: Number(blocks[low].dataset.start) };
}

// The DOM position (text node, offset) of UTF-16 offset `unit` in the container.
export function positionOf(container, unit, preferNext = true) {
  const { root, seen: before } = searchRoot(container, unit, preferNext);
  const found = walkTo(root, before, unit, preferNext);
  if (found || root === container) return found || endOf(container);
  return walkTo(container, 0, unit, preferNext) || endOf(container);
}

function endOf(container) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) last = node;
  return last ? { node: last, offset: last.data.length } : { node: container, offset: 0 };
}

function walkTo(root, before, unit, preferNext) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = before;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.data.length;
    if (unit < seen + length || (unit === seen + length && !preferNext)) {
      return { node, offset: unit - seen };
    }
    seen += length;
  }
  return null;
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
