// Offsets between the browser and the server.
//
// The server stores span offsets as Unicode code points (Python string indices). JavaScript
// strings, the DOM and Selection/Range all count UTF-16 code units, in which every character
// above U+FFFF (most emoji, some CJK) takes two units, a surrogate pair (Unicode Standard,
// section 3.9, D91). Combining marks and right-to-left letters are ordinary code points in both
// counts, so only astral characters make the two differ. This mirrors app/text.py's OffsetMap:
// one pass over the text builds both tables, then each conversion is a lookup.

const INSIDE_PAIR = -1;

export class OffsetTable {
  constructor(text) {
    this.text = text;
    this.utf16Length = text.length;
    let codePoints = 0;
    let astral = false;
    for (const character of text) {
      codePoints += 1;
      if (character.length === 2) astral = true;
    }
    this.codePointLength = codePoints;
    this.utf16Of = null; // code point index -> UTF-16 index
    this.codePointOf = null; // UTF-16 index -> code point index, INSIDE_PAIR between halves
    if (astral) this.buildTables();
  }

  buildTables() {
    const utf16Of = new Int32Array(this.codePointLength + 1);
    const codePointOf = new Int32Array(this.utf16Length + 1).fill(INSIDE_PAIR);
    let unit = 0;
    let position = 0;
    for (const character of this.text) {
      utf16Of[position] = unit;
      codePointOf[unit] = position;
      unit += character.length;
      position += 1;
    }
    utf16Of[position] = unit;
    codePointOf[unit] = position;
    this.utf16Of = utf16Of;
    this.codePointOf = codePointOf;
  }

  // UTF-16 offset of code-point offset `index` (0 <= index <= codePointLength).
  toUtf16(index) {
    if (!Number.isInteger(index) || index < 0 || index > this.codePointLength) {
      throw new RangeError(`offset ${index} is outside the text (0..${this.codePointLength})`);
    }
    return this.utf16Of === null ? index : this.utf16Of[index];
  }

  // Code-point offset of UTF-16 offset `unit`; RangeError between the halves of a pair.
  toCodePoint(unit) {
    if (!Number.isInteger(unit) || unit < 0 || unit > this.utf16Length) {
      throw new RangeError(`UTF-16 offset ${unit} is outside the text (0..${this.utf16Length})`);
    }
    if (this.codePointOf === null) return unit;
    const position = this.codePointOf[unit];
    if (position === INSIDE_PAIR) {
      throw new RangeError(`UTF-16 offset ${unit} falls inside a surrogate pair`);
    }
    return position;
  }

  // True when `unit` is a valid boundary (not between the halves of a surrogate pair).
  isBoundary(unit) {
    if (unit < 0 || unit > this.utf16Length) return false;
    return this.codePointOf === null || this.codePointOf[unit] !== INSIDE_PAIR;
  }
}
