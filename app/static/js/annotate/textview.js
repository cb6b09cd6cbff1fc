// The article on the page, drawn in blocks (one per line or paragraph: its text and the line
// breaks that end it), so that a change redraws only the blocks it touches. Each block is
// its own block-level box, so the browser also lays out only that paragraph again; before,
// every change rebuilt and laid out the whole article (0.5 s at 3,000 spans on 200 KB).
// The blocks' text nodes concatenate to exactly the document text: offsets are unchanged.

import { segmentPieces, segmentClasses } from "./render.js";

// Block boundaries: after each run of "\n" (so "a\n\nb" is "a\n\n" and "b").
export function blockRanges(text) {
  const ranges = [];
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === "\n" && text[index + 1] !== "\n") {
      ranges.push({ start, end: index + 1 });
      start = index + 1;
    }
  }
  if (start < text.length || ranges.length === 0) ranges.push({ start, end: text.length });
  return ranges;
}

export class TextView {
  constructor(container, text) {
    this.container = container;
    this.text = text;
    this.blocks = blockRanges(text).map((range) => ({ ...range, element: null }));
    this.starts = Int32Array.from(this.blocks, (block) => block.start);
  }

  // Draw everything (the first time, or after the spans were all replaced).
  renderAll(spans, state) {
    const fragment = document.createDocumentFragment();
    for (const block of this.blocks) {
      block.element = document.createElement("div");
      block.element.className = "block";
      block.element.dataset.start = String(block.start); // render.positionOf searches by it
      this.fill(block, spans, state);
      fragment.append(block.element);
    }
    this.container.replaceChildren(fragment);
  }

  // Draw again only the blocks that overlap one of `ranges` ({start, end}, UTF-16).
  update(spans, state, ranges) {
    if (!this.blocks[0].element) {
      this.renderAll(spans, state);
      return;
    }
    const dirty = new Set();
    for (const range of ranges) {
      for (let index = this.blockAt(range.start); index < this.blocks.length; index += 1) {
        const block = this.blocks[index];
        if (block.start >= range.end && !(range.start === range.end && block.start === range.end)) {
          break;
        }
        dirty.add(index);
      }
    }
    for (const index of dirty) this.fill(this.blocks[index], spans, state);
  }

  // Index of the block holding UTF-16 offset `unit` (binary search over block starts).
  blockAt(unit) {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= unit) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  fill(block, spans, { selectedId = null, draft = null } = {}) {
    const inside = spans.filter((span) => span.u16Start < block.end && span.u16End > block.start);
    const clipped = draft && draft.start < block.end && draft.end > block.start ? draft : null;
    const fragment = document.createDocumentFragment();
    for (const piece of segmentPieces(block.end, inside, clipped, block.start)) {
      const content = this.text.slice(piece.start, piece.end);
      if (piece.spans.length === 0 && !piece.inDraft) {
        fragment.append(document.createTextNode(content));
        continue;
      }
      const element = document.createElement("span");
      element.className = segmentClasses(piece, selectedId).join(" ");
      if (piece.spans.length) {
        element.dataset.spans = piece.spans.map((span) => span.id).join(" ");
        element.title = piece.spans
          .map((span) => `${span.evidenceName} · ${span.claimant.name}`).join("\n");
      }
      element.textContent = content;
      fragment.append(element);
    }
    block.element.replaceChildren(fragment);
  }
}
