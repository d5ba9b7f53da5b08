"""Refuse JSON request bodies nested deeper than any request needs, before they are decoded.

The JSON decoder recurses once per level of nesting, so a couple of kilobytes of brackets
(`[[[[...]]]]`) would exhaust Python's recursion limit and end in a server error. The deepest
request the API takes (a tender's award criteria: groups, criteria, levels) is under ten
levels deep; anything past `MAX_JSON_DEPTH` is answered 400 `json_too_deep` instead.

The check sits where Litestar decodes a JSON body (`Request.json`), so it sees exactly the
bodies that are decoded as JSON, whatever their Content-Type says, after the route, the
method and the bearer token have been checked, and never touches form or CSV uploads, which
are streamed and parsed as they are.
"""

import re
from itertools import accumulate
from typing import Any

from litestar import Request

from procurement.errors import DomainError

MAX_JSON_DEPTH = 32
JSON_TOO_DEEP = "json_too_deep"

# Only brackets and quotes matter; within a string (escapes removed first) only its quotes.
_STRUCTURE = b'[]{}"'
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in _STRUCTURE)
_STRING = re.compile(rb'"[^"]*"')
# What each bracket does to the depth, indexed by its byte value.
_STEP = [0] * 256
for _open, _close in (b"[]", b"{}"):
    _STEP[_open], _STEP[_close] = 1, -1


def nesting_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets in strings do not count).

    Malformed text is measured as far as it goes: an unclosed bracket still counts, since
    the decoder would recurse into it before finding the text broken. Every step is a bytes
    or regular expression method, so even a body of megabytes takes less time than decoding.
    """
    # An escaped backslash or quote never starts or ends a string.
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = unescaped.translate(None, _NOT_STRUCTURE)
    # Strings without brackets are now "", and removing two quotes side by side leaves every
    # other character inside or outside a string as it was; what strings remain hold brackets.
    structure = _STRING.sub(b"", structure.replace(b'""', b""))
    unterminated = structure.find(b'"')  # an unclosed string runs to the end of the text
    if unterminated >= 0:
        structure = structure[:unterminated]
    return max(0, max(accumulate(map(_STEP.__getitem__, structure)), default=0))


def is_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text nests deeper than `limit`."""
    # Most bodies open fewer brackets than the limit in all, and so cannot be too deep.
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    return nesting_depth(body) > limit


class JsonTooDeepError(DomainError):
    """A JSON body nested deeper than the service accepts."""

    def __init__(self) -> None:
        super().__init__(
            detail=f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep",
            code=JSON_TOO_DEEP,
            status_code=400,
            extra={"max_depth": MAX_JSON_DEPTH},
        )


class DepthCheckedRequest(Request[Any, Any, Any]):
    """A request whose JSON body is refused, undecoded, when it nests too deeply."""

    async def json(self) -> Any:
        """The decoded JSON body, once its nesting has been checked."""
        if is_too_deep(await self.body()):
            raise JsonTooDeepError
        return await super().json()
