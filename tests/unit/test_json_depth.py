"""Measuring how deeply a JSON text nests, without decoding it."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement.json_depth import MAX_JSON_DEPTH, is_too_deep, nesting_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"", 0),
        (b"42", 0),
        (b"[]", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b"[[], [[]], []]", 3),
        (b'["[[[[", "]]]]"]', 1),  # brackets inside strings are text
        (b'["\\"[[[", {}]', 2),  # an escaped quote does not end the string
        (b'["\\\\", [[]]]', 3),  # an escaped backslash does not escape the closing quote
        (b'[["unclosed [[[[', 2),  # an unclosed string runs to the end
        (b"[[[[", 4),  # unclosed brackets still count
        (b"]]]][[", 0),  # stray closers never make anything deeper
    ],
)
def test_the_depth_counts_only_brackets_outside_strings(text: bytes, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_the_limit_itself_is_allowed_and_one_more_is_not() -> None:
    at_limit = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert not is_too_deep(at_limit)
    assert is_too_deep(b"[" + at_limit + b"]")
    # Many brackets side by side are wide, not deep.
    assert not is_too_deep(b"[" + b"{}," * 10_000 + b"{}]")


# Any JSON value, with strings free to hold quotes, backslashes and brackets.
_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ ab\n'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@given(_values)
def test_the_depth_of_any_json_is_that_of_its_value(value: object) -> None:
    assert nesting_depth(json.dumps(value).encode()) == _depth(value)
