"""UK postcodes: every official shape is accepted and normalised, and local areas match exactly."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement.domain.postcodes import (
    is_in_local_area,
    normalise_area_code,
    normalise_postcode,
)


@pytest.mark.parametrize(
    ("shape", "postcode"),
    [
        ("A9 9AA", "M1 1AE"),
        ("A99 9AA", "B33 8TH"),
        ("A9A 9AA", "W1A 0AX"),
        ("AA9 9AA", "CR2 6XH"),
        ("AA99 9AA", "DN55 1PT"),
        ("AA9A 9AA", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_every_uk_postcode_shape_is_accepted_as_is(shape: str, postcode: str) -> None:
    assert normalise_postcode(postcode) == postcode, shape


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ne29 6qf", "NE29 6QF"),
        ("NE296QF", "NE29 6QF"),
        ("  ne29   6qf  ", "NE29 6QF"),
        ("Ne29\t6qF", "NE29 6QF"),
        ("n e 2 9 6 q f", "NE29 6QF"),
        ("ec1a1bb", "EC1A 1BB"),
        ("m11ae", "M1 1AE"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_lower_case_and_odd_spacing_are_normalised(raw: str, expected: str) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   ",
        "NE29",
        "6QF",
        "NE29 6Q",
        "NE29 6QFF",
        "NE29-6QF",
        "NEE29 6QF",
        "9E29 6QF",
        "NE29 QQF",
        "NE2996QF",
        "SW1A 1AA!",
        "not a postcode",
        "12345",
    ],
)
def test_text_that_cannot_be_a_postcode_is_refused(junk: str) -> None:
    with pytest.raises(ValueError, match="not a valid UK postcode"):
        normalise_postcode(junk)


def test_refusal_quotes_what_was_typed() -> None:
    with pytest.raises(ValueError, match="'NE29 6Q'"):
        normalise_postcode("  NE29 6Q ")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ne", "NE"), ("N", "N"), (" nn8 ", "NN8"), ("NE29", "NE29"), ("ec1a", "EC1A"), ("W1", "W1")],
)
def test_area_and_district_codes_are_normalised(raw: str, expected: str) -> None:
    assert normalise_area_code(raw) == expected


@pytest.mark.parametrize("junk", ["", "NN8 4EG", "8NN", "ABC", "NN8AA", "N-8", "NE2 9"])
def test_text_that_is_not_an_area_or_district_is_refused(junk: str) -> None:
    with pytest.raises(ValueError, match="not a postcode area"):
        normalise_area_code(junk)


@pytest.mark.parametrize(
    ("postcode", "local_area", "expected"),
    [
        ("NN8 4EG", ["NN8"], True),
        ("NE29 6QF", ["NE"], True),
        ("NE29 6QF", ["NN8", "NE29"], True),
        ("EC1A 1BB", ["EC1A"], True),
        ("EC1A 1BB", ["EC"], True),
        # A district is a whole outward code: NN80 is not inside NN8, nor NN8 inside NN80.
        ("NN80 1AA", ["NN8"], False),
        ("NN8 4EG", ["NN80"], False),
        # An area is the whole run of letters: N (London) is not NN (Northampton).
        ("N1 9GU", ["NN"], False),
        ("NN8 4EG", ["N"], False),
        ("EC1A 1BB", ["EC1"], False),
        ("LE1 6ZG", ["NN8", "NE"], False),
        ("NN8 4EG", [], False),
    ],
)
def test_local_area_matches_whole_districts_and_areas_only(
    postcode: str, local_area: list[str], expected: bool
) -> None:
    assert is_in_local_area(postcode, local_area) is expected


_LETTER = st.sampled_from(string.ascii_uppercase)
_DIGIT = st.sampled_from(string.digits)
_OUTWARD_SHAPES = ["A9", "A99", "A9A", "AA9", "AA99", "AA9A"]


@st.composite
def canonical_postcodes(draw: st.DrawFn) -> str:
    """A postcode of any official shape, in canonical form."""
    shape = draw(st.sampled_from(_OUTWARD_SHAPES)) + " 9AA"
    return "".join(" " if c == " " else draw(_LETTER if c == "A" else _DIGIT) for c in shape)


@st.composite
def mangled(draw: st.DrawFn, postcode: str) -> str:
    """The postcode as someone might type it: any case, spaces anywhere or nowhere."""
    spacing = st.sampled_from(["", "", " ", "  ", "\t"])
    chars = [c.lower() if draw(st.booleans()) else c for c in postcode.replace(" ", "")]
    return draw(spacing) + "".join(c + draw(spacing) for c in chars)


@given(canonical_postcodes().flatmap(lambda p: st.tuples(st.just(p), mangled(p))))
def test_any_valid_postcode_in_any_case_and_spacing_normalises_to_its_canonical_form(
    pair: tuple[str, str],
) -> None:
    canonical, typed = pair
    assert normalise_postcode(typed) == canonical


@given(st.one_of(st.text(max_size=12), canonical_postcodes()))
def test_normalising_is_idempotent(raw: str) -> None:
    try:
        once = normalise_postcode(raw)
    except ValueError:
        return
    assert normalise_postcode(once) == once
