"""Document text: normalisation, hashing and offset conversion.

Credence stores span offsets as Unicode code points, i.e. Python string indices into the
normalised text. Browsers count UTF-16 code units (JavaScript string indices), which differ from
code points for every character outside the Basic Multilingual Plane (most emoji, some CJK and
historic scripts): such a character is one code point but two UTF-16 units (a surrogate pair).
The helpers here convert between the two counts and check offsets arriving from outside.
"""

import hashlib
import re
import unicodedata
from array import array

# Code points above U+FFFF take two UTF-16 code units (Unicode Standard, section 3.9, D91).
_LAST_BMP_CODE_POINT = 0xFFFF

# "\r\r\n" is what a file gets when CRLF conversion ran twice; it is one line break. Collapsing
# every run of CRs before a LF (not only one) also keeps normalisation idempotent.
_CRS_BEFORE_LF = re.compile("\r+\n")


def is_storable_text(value: str) -> bool:
    """False for text no database column can hold: NUL (refused by PostgreSQL) and lone
    surrogates such as "\\ud800", which JSON allows but UTF-8 cannot encode."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_YES_WORDS = {"1", "true", "yes", "on"}


def is_yes(value: str) -> bool:
    """A switch in a query string (export's `excel`, the agreement's `include_unsubmitted`):
    1, true, yes or on, in any case, is on; anything else is off."""
    return value.strip().lower() in _YES_WORDS


def terminal_safe(text: str, keep: str = "\n") -> str:
    """`text` with every character a terminal would act on written as a visible escape.

    A title or name can hold ESC sequences (clear the screen, rewrite the line, set the
    window title), C1 controls such as U+009B (CSI), or bidirectional overrides such as
    U+202E that reorder what is shown. They become `\\u001b`-style escapes (valid inside
    JSON strings too); the characters in `keep` (the output's own line breaks) stay.
    """
    return "".join(
        char if char.isprintable() or char == " " or char in keep else _escape(char)
        for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # a UTF-16 surrogate pair, as JSON writes it
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def normalise_text(text: str) -> str:
    """Return `text` in the one form Credence stores: Unicode NFC with `\\r\\n` line ends as `\\n`.

    A run of carriage returns before a line feed counts as one line break. Nothing else changes:
    tabs, no-break spaces, zero-width characters and a lone `\\r` are kept, because they are part
    of what the article says and changing them would move offsets that other tools computed.
    """
    return unicodedata.normalize("NFC", _CRS_BEFORE_LF.sub("\n", text))


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 encoding of `text` (used to notice that a text has changed)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _utf16_width(character: str) -> int:
    return 2 if ord(character) > _LAST_BMP_CODE_POINT else 1


def codepoint_to_utf16(text: str, index: int) -> int:
    """UTF-16 offset of code-point offset `index` (0 <= index <= len(text))."""
    if not 0 <= index <= len(text):
        raise ValueError(f"offset {index} is outside the text (0..{len(text)})")
    return index + sum(1 for character in text[:index] if ord(character) > _LAST_BMP_CODE_POINT)


def utf16_to_codepoint(text: str, unit_index: int) -> int:
    """Code-point offset of UTF-16 offset `unit_index`.

    Raises ValueError when `unit_index` is negative, past the end, or between the two halves of a
    surrogate pair (no code-point offset corresponds to it).
    """
    if unit_index < 0:
        raise ValueError(f"UTF-16 offset {unit_index} is negative")
    units = 0
    for position, character in enumerate(text):
        if units == unit_index:
            return position
        units += _utf16_width(character)
        if units > unit_index:
            raise ValueError(f"UTF-16 offset {unit_index} falls inside a surrogate pair")
    if units == unit_index:
        return len(text)
    raise ValueError(f"UTF-16 offset {unit_index} is past the end of the text ({units} units)")


class OffsetMap:
    """Precomputed offset tables for one text, so each conversion is a single lookup.

    Building the map is O(n) in the length of the text; after that `to_utf16` and `to_codepoint`
    are O(1). Texts without astral characters (the usual case) need no table at all.
    """

    _INSIDE_PAIR = -1

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self._utf16_of: array | None = None
        self._codepoint_of: array | None = None
        if all(ord(character) <= _LAST_BMP_CODE_POINT for character in text):
            self.utf16_length = self.length
            return
        utf16_of = array("q", [0]) * (self.length + 1)
        units = 0
        for position, character in enumerate(text):
            utf16_of[position] = units
            units += _utf16_width(character)
        utf16_of[self.length] = units
        codepoint_of = array("q", [self._INSIDE_PAIR]) * (units + 1)
        for position, unit in enumerate(utf16_of):
            codepoint_of[unit] = position
        self.utf16_length = units
        self._utf16_of = utf16_of
        self._codepoint_of = codepoint_of

    def to_utf16(self, index: int) -> int:
        """UTF-16 offset of code-point offset `index` (0 <= index <= length)."""
        if not 0 <= index <= self.length:
            raise ValueError(f"offset {index} is outside the text (0..{self.length})")
        return index if self._utf16_of is None else self._utf16_of[index]

    def to_codepoint(self, unit_index: int) -> int:
        """Code-point offset of UTF-16 offset `unit_index`; ValueError inside a surrogate pair."""
        if not 0 <= unit_index <= self.utf16_length:
            raise ValueError(
                f"UTF-16 offset {unit_index} is outside the text (0..{self.utf16_length})"
            )
        if self._codepoint_of is None:
            return unit_index
        position = self._codepoint_of[unit_index]
        if position == self._INSIDE_PAIR:
            raise ValueError(f"UTF-16 offset {unit_index} falls inside a surrogate pair")
        return position


class OffsetError(ValueError):
    """An offset that cannot be used; `field` names it (`start` or `end`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _is_integer(value: object) -> bool:
    # bool is a subclass of int in Python, but `true` is never a meaningful offset.
    return isinstance(value, int) and not isinstance(value, bool)


def check_offsets(text_length: int, start: object, end: object) -> None:
    """Raise OffsetError unless 0 <= start < end <= text_length, both plain integers."""
    if not _is_integer(start):
        raise OffsetError("start", f"start must be an integer, not {start!r}")
    if not _is_integer(end):
        raise OffsetError("end", f"end must be an integer, not {end!r}")
    if start < 0:
        raise OffsetError("start", f"start {start} is negative")
    if end <= start:
        raise OffsetError("end", f"end {end} must be greater than start {start}")
    if end > text_length:
        raise OffsetError(
            "end", f"end {end} is past the end of the text ({text_length} characters)"
        )


def quote_matches(text: str, start: int, end: int, quote: str) -> bool:
    """True when offsets are in range and `text[start:end]` is exactly `quote`."""
    if not (_is_integer(start) and _is_integer(end) and 0 <= start < end <= len(text)):
        return False
    return text[start:end] == quote
