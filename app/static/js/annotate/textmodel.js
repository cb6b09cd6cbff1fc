// Where a span may begin and end in the document text: grapheme and word boundaries,
// snapping a selection to whole words, trimming white space, growing/shrinking boundaries.
// Pure: works on the JavaScript string (UTF-16 units) and knows nothing of the DOM.

const WHITE_SPACE = /\s/u;
// Used only when the browser has no Intl.Segmenter (UAX #29 segmentation, via ICU).
const FALLBACK_WORD = /[\p{L}\p{M}\p{N}\p{Pc}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*/gu;
const FALLBACK_GRAPHEME = /\P{M}\p{M}*|\p{M}+/gsu;

function segmentsOf(text, granularity) {
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    const segmenter = new Intl.Segmenter(undefined, { granularity });
    return Array.from(segmenter.segment(text), (part) => ({
      start: part.index,
      end: part.index + part.segment.length,
      wordLike: granularity === "word" ? Boolean(part.isWordLike) : true,
    }));
  }
  if (granularity === "sentence") return fallbackSentences(text);
  const pattern = granularity === "word" ? FALLBACK_WORD : FALLBACK_GRAPHEME;
  return Array.from(text.matchAll(pattern), (match) => ({
    start: match.index,
    end: match.index + match[0].length,
    wordLike: true,
  }));
}

// Without Intl.Segmenter: a sentence ends after . ! or ? followed by white space.
function fallbackSentences(text) {
  const parts = [];
  let start = 0;
  for (const match of text.matchAll(/[.!?]+\s+/gu)) {
    parts.push({ start, end: match.index + match[0].length, wordLike: true });
    start = match.index + match[0].length;
  }
  parts.push({ start, end: text.length, wordLike: true });
  return parts;
}

// Index of the last element of sorted `values` that is <= target (-1 if none).
function lastAtOrBefore(values, target) {
  let low = 0;
  let high = values.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (values[middle] <= target) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

export class TextModel {
  constructor(text) {
    this.text = text;
    const boundaries = new Set([0, text.length]);
    for (const part of segmentsOf(text, "grapheme")) {
      boundaries.add(part.start);
      boundaries.add(part.end);
    }
    this.graphemeBoundaries = Int32Array.from([...boundaries].sort((a, b) => a - b));
    this.words = segmentsOf(text, "word").filter((part) => part.wordLike);
    this.wordStarts = Int32Array.from(this.words, (word) => word.start);
  }

  // The nearest grapheme boundary at or before (direction -1) / at or after (+1) `unit`,
  // so a span never splits a surrogate pair or a letter from its combining accent.
  graphemeBoundary(unit, direction) {
    const index = lastAtOrBefore(this.graphemeBoundaries, unit);
    const at = this.graphemeBoundaries[index];
    if (at === unit || direction < 0) return at;
    return this.graphemeBoundaries[Math.min(index + 1, this.graphemeBoundaries.length - 1)];
  }

  // The word-like segment strictly containing `unit` (start < unit < end), or null.
  wordAround(unit) {
    const index = lastAtOrBefore(this.wordStarts, unit);
    if (index < 0) return null;
    const word = this.words[index];
    return word.start < unit && unit < word.end ? word : null;
  }

  trim(start, end) {
    while (start < end && WHITE_SPACE.test(this.text[start])) start += 1;
    while (end > start && WHITE_SPACE.test(this.text[end - 1])) end -= 1;
    return start < end ? { start, end } : null;
  }

  // A selection made by the user, made usable: whole graphemes, whole words when `words`,
  // no white space at either end. Null when nothing but white space was selected.
  snap(start, end, words) {
    if (start > end) [start, end] = [end, start];
    const trimmed = this.trim(start, end);
    if (trimmed === null) return null;
    start = this.graphemeBoundary(trimmed.start, -1);
    end = this.graphemeBoundary(trimmed.end, +1);
    if (words) {
      const first = this.wordAround(start);
      if (first) start = first.start;
      const last = this.wordAround(end);
      if (last) end = last.end;
    }
    return this.trim(start, end);
  }

  // Move one boundary of [start, end) by a word or a character; returns the new range,
  // or the old one when the move would leave the text or make the span empty.
  moveBoundary(range, edge, direction, unit) {
    const { start, end } = range;
    const current = edge === "start" ? start : end;
    const moved = unit === "word"
      ? this.nextWordEdge(current, edge, direction)
      : this.nextGrapheme(current, direction);
    if (moved === null) return range;
    const next = edge === "start" ? { start: moved, end } : { start, end: moved };
    return next.start < next.end ? next : range;
  }

  // Where paragraphs (after each run of line breaks) and sentences (UAX #29, through
  // Intl.Segmenter) start: the stops of Ctrl+↓/↑ and Alt+↓/↑. Computed when first used.
  starts(kind) {
    const key = `${kind}Starts`;
    if (!this[key]) {
      const found = new Set([0, this.text.length]);
      if (kind === "paragraph") {
        for (const match of this.text.matchAll(/\n+/g)) found.add(match.index + match[0].length);
      } else {
        for (const part of segmentsOf(this.text, "sentence")) {
          const trimmed = this.trim(part.start, part.end);
          if (trimmed) found.add(trimmed.start);
        }
      }
      this[key] = Int32Array.from([...found].sort((a, b) => a - b));
    }
    return this[key];
  }

  // The next (direction 1) or previous (-1) paragraph or sentence start from `unit`.
  nextStart(unit, direction, kind) {
    const stops = this.starts(kind);
    const index = lastAtOrBefore(stops, unit);
    if (direction > 0) return stops[Math.min(index + 1, stops.length - 1)];
    const back = stops[index] === unit ? index - 1 : index;
    return stops[Math.max(back, 0)];
  }

  nextGrapheme(unit, direction) {
    const index = lastAtOrBefore(this.graphemeBoundaries, unit);
    const target = index + (direction > 0 ? 1 : -1);
    if (target < 0 || target >= this.graphemeBoundaries.length) return null;
    return this.graphemeBoundaries[target];
  }

  // The next word start (for a span's start) or word end (for its end) in `direction`.
  nextWordEdge(unit, edge, direction) {
    const edges = this.words.map((word) => (edge === "start" ? word.start : word.end));
    if (direction > 0) {
      const found = edges.find((value) => value > unit);
      return found === undefined ? null : found;
    }
    for (let index = edges.length - 1; index >= 0; index -= 1) {
      if (edges[index] < unit) return edges[index];
    }
    return null;
  }
}
