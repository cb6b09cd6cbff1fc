"""The review page's article pieces and unit list markup (pure functions)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.review.presentation import cut_text, render_pieces

TEXT = "Ab 🌊 c\u0301 مرحبا <b>&\"x\"</b> end"


@given(st.lists(st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 8)), max_size=8))
def test_pieces_cover_the_text_in_order_with_their_covering_units(raw):
    extents = []
    for index, (start, width) in enumerate(raw, 1):
        end = min(len(TEXT), start + width)
        extents.append((index, start, end, "boundary" if index % 2 else "label"))
    pieces = cut_text(TEXT, extents)
    assert "".join(piece.text for piece in pieces) == TEXT
    assert [p.start for p in pieces] == sorted(p.start for p in pieces)
    for piece in pieces:
        assert piece.text == TEXT[piece.start:piece.end]
        covering = [e for e in extents if e[1] <= piece.start and piece.end <= e[2]]
        assert set(piece.units) == {e[0] for e in covering}
        if covering:  # the innermost (shortest) unit decides the colour
            innermost = min(covering, key=lambda e: (e[2] - e[1], e[0]))
            assert piece.units[0] == innermost[0] and piece.state == innermost[3]
        else:
            assert piece.state is None


def test_rendered_article_escapes_markup_and_keeps_code_point_offsets():
    html = render_pieces(cut_text(TEXT, [(1, 3, 4, "unanimous")]))
    assert "<b>" not in html and "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;" in html
    assert '<span class="piece st-unanimous" data-start="3" data-units="1">🌊</span>' in html
    assert '<span class="piece" data-start="4">' in html  # after the astral emoji: 4, not 5
