"""Makes pydyf's `PDF.page_references` cost one lookup instead of a pass over every page.

pydyf (0.13, the PDF writer under WeasyPrint) rebuilds the tuple of page references, one
formatted string per page, each time the property is read. WeasyPrint's tagging reads it once
for every tagged box, so a tagged 300-page report spent about 6 s formatting the same strings
tens of millions of times. The tuple depends only on the page list, so it is kept until a page
is added. Patching is preferred to forking the library for one property; the fix belongs
upstream, and this module goes when a pydyf release no longer rebuilds the tuple.
"""

from typing import Any

import pydyf

_CACHE = "_page_references_cache"


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    cached: tuple[int, tuple[bytes, ...]] | None = pdf.__dict__.get(_CACHE)
    if cached is None or cached[0] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = (len(kids), references)
        pdf.__dict__[_CACHE] = cached
    return cached[1]


def install() -> None:
    """Replace the property on pydyf's PDF class (idempotent)."""
    pydyf.PDF.page_references = property(_page_references)
