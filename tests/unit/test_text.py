import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.text import (
    OffsetError,
    OffsetMap,
    check_offsets,
    codepoint_to_utf16,
    normalise_text,
    quote_matches,
    text_sha256,
    utf16_to_codepoint,
)

FACE = "\U0001f600"  # one code point, two UTF-16 units
ARABIC = "قالت الوزارة"  # right-to-left, all in the Basic Multilingual Plane


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- normalise_text ---------------------------------------------------------------------------


def test_normalise_turns_crlf_into_lf():
    assert normalise_text("one\r\ntwo\r\n") == "one\ntwo\n"


def test_normalise_keeps_lone_cr_tabs_nbsp_and_zero_width_characters():
    text = "a\rb\tc\u00a0d\u200be\u200df\ufeffg"
    assert normalise_text(text) == text


def test_normalise_composes_e_with_combining_acute_into_one_code_point():
    decomposed = "Cafe\u0301"
    assert len(decomposed) == 5
    assert normalise_text(decomposed) == "Caf\u00e9"
    assert len(normalise_text(decomposed)) == 4


def test_normalise_keeps_combining_sequence_that_has_no_precomposed_form():
    # q + combining dot below has no precomposed character, so NFC leaves two code points.
    sequence = "q\u0323"
    assert normalise_text(sequence) == sequence
    assert len(normalise_text(sequence)) == 2


def test_normalise_orders_multiple_combining_marks_canonically():
    # Canonical ordering puts dot below (class 220) before dot above (class 230); NFC then
    # composes s + dot below + dot above into U+1E69.
    assert normalise_text("s\u0307\u0323") == "\u1e69"


def test_normalise_leaves_arabic_and_emoji_alone():
    text = f"{ARABIC} {FACE}\n"
    assert normalise_text(text) == text


def test_normalise_treats_doubled_carriage_returns_before_lf_as_one_line_break():
    # Produced by running a CRLF conversion twice; collapsing it keeps normalisation idempotent.
    assert normalise_text("a\r\r\nb\rc") == "a\nb\rc"


@given(st.text(alphabet=st.sampled_from(["a", "\r", "\n", "e", "\u0301", "\u0323", "\t"])))
def test_normalise_output_has_no_crlf_and_is_idempotent(text):
    once = normalise_text(text)
    assert "\r\n" not in once
    assert normalise_text(once) == once


@given(st.text())
def test_normalise_is_idempotent_on_any_text(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


# --- text_sha256 ------------------------------------------------------------------------------


def test_sha256_hashes_the_utf8_bytes():
    text = f"Élodie {FACE}"
    assert text_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text_sha256("e\u0301") != text_sha256("\u00e9")


# --- code points and UTF-16 -------------------------------------------------------------------


def test_ascii_offsets_are_the_same_in_both_counts():
    text = "plain text"
    assert [codepoint_to_utf16(text, i) for i in range(len(text) + 1)] == list(range(11))


def test_emoji_counts_two_utf16_units():
    text = f"a{FACE}b"
    assert [codepoint_to_utf16(text, i) for i in range(4)] == [0, 1, 3, 4]
    assert utf16_to_codepoint(text, 3) == 2
    assert utf16_to_codepoint(text, 4) == 3


def test_utf16_offset_inside_surrogate_pair_is_refused():
    with pytest.raises(ValueError, match="surrogate pair"):
        utf16_to_codepoint(f"a{FACE}b", 2)


def test_offsets_outside_the_text_are_refused():
    with pytest.raises(ValueError):
        codepoint_to_utf16("abc", 4)
    with pytest.raises(ValueError):
        utf16_to_codepoint("abc", 4)
    with pytest.raises(ValueError):
        utf16_to_codepoint("abc", -1)


def test_arabic_and_combining_marks_count_one_unit_each():
    text = f"{ARABIC} q\u0323"
    assert codepoint_to_utf16(text, len(text)) == len(text)
    assert utf16_to_codepoint(text, len(text)) == len(text)


astral_heavy_text = st.text(
    alphabet=st.sampled_from(["a", "é", "\u0323", "ق", "\u00a0", "\n", FACE, "\U0001d11e"])
)


@given(astral_heavy_text)
def test_conversions_agree_with_utf16_encoding_and_invert_each_other(text):
    offset_map = OffsetMap(text)
    assert offset_map.utf16_length == utf16_units(text)
    for index in range(len(text) + 1):
        units = utf16_units(text[:index])
        assert codepoint_to_utf16(text, index) == units
        assert offset_map.to_utf16(index) == units
        assert utf16_to_codepoint(text, units) == index
        assert offset_map.to_codepoint(units) == index


@given(astral_heavy_text)
def test_offset_map_refuses_exactly_the_offsets_inside_surrogate_pairs(text):
    offset_map = OffsetMap(text)
    valid = {utf16_units(text[:index]) for index in range(len(text) + 1)}
    for unit_index in range(offset_map.utf16_length + 1):
        if unit_index in valid:
            offset_map.to_codepoint(unit_index)
        else:
            with pytest.raises(ValueError):
                offset_map.to_codepoint(unit_index)
            with pytest.raises(ValueError):
                utf16_to_codepoint(text, unit_index)


def test_offset_map_refuses_out_of_range_offsets():
    for text in ("abc", f"a{FACE}"):
        offset_map = OffsetMap(text)
        with pytest.raises(ValueError):
            offset_map.to_utf16(len(text) + 1)
        with pytest.raises(ValueError):
            offset_map.to_codepoint(offset_map.utf16_length + 1)
        with pytest.raises(ValueError):
            offset_map.to_codepoint(-1)


# --- check_offsets and quote_matches ----------------------------------------------------------


def test_valid_offsets_pass():
    check_offsets(10, 0, 10)
    check_offsets(10, 3, 4)


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ("3", 5, "start", "integer"),
        (3.0, 5, "start", "integer"),
        (True, 5, "start", "integer"),
        (None, 5, "start", "integer"),
        (3, False, "end", "integer"),
        (3, 5.5, "end", "integer"),
        (-1, 5, "start", "negative"),
        (5, 5, "end", "greater than start"),
        (6, 5, "end", "greater than start"),
        (2, 11, "end", "past the end of the text (10 characters)"),
    ],
)
def test_bad_offsets_name_the_field(start, end, field, words):
    with pytest.raises(OffsetError) as caught:
        check_offsets(10, start, end)
    assert caught.value.field == field
    assert words in caught.value.message
    assert isinstance(caught.value, ValueError)


def test_quote_matches_compares_code_point_slices():
    text = f"{FACE} Élodie Marchetti said"
    start = text.index("Élodie")
    assert quote_matches(text, start, start + 16, "Élodie Marchetti")
    assert not quote_matches(text, start + 1, start + 17, "Élodie Marchetti")
    assert not quote_matches(text, start, start + 16, "Elodie Marchetti")


def test_quote_matches_is_false_for_impossible_offsets():
    assert not quote_matches("abc", 2, 1, "")
    assert not quote_matches("abc", 0, 4, "abc")
    assert not quote_matches("abc", True, 2, "b")
