"""UK postcodes: validation, normalisation, and whether one lies in a local area."""

import re

# The shape published in the UK Government Data Standards Catalogue (BS 7666), plus the
# special case GIR 0AA. A pattern, not a lookup: it accepts every real postcode and
# rejects text that cannot be one, without shipping the 1.7m-row Postcode Address File.
_OUTWARD = r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)"
_INWARD = r"[0-9][A-Z]{2}"
_POSTCODE = re.compile(rf"^({_OUTWARD}) ?({_INWARD})$")
_AREA_OR_DISTRICT = re.compile(r"^[A-Z]{1,2}(?:[0-9][A-Z0-9]?)?$")


def normalise_postcode(raw: str) -> str:
    """Return the postcode in its canonical form (`ne29 6qf` -> `NE29 6QF`), or raise ValueError."""
    compact = re.sub(r"\s+", "", raw).upper()
    match = _POSTCODE.match(compact)
    if match is None:
        raise ValueError(f"'{raw.strip()}' is not a valid UK postcode, for example NE29 6QF")
    outward, inward = match.groups()
    return f"{outward} {inward}"


def normalise_area_code(raw: str) -> str:
    """Return a postcode area (`NE`) or district (`NE29`) in canonical form, or raise ValueError."""
    code = raw.strip().upper()
    if not _AREA_OR_DISTRICT.match(code):
        raise ValueError(f"'{raw.strip()}' is not a postcode area (NE) or district (NE29)")
    return code


def outward_code(postcode: str) -> str:
    """The district part of a normalised postcode: `NE29 6QF` -> `NE29`."""
    return postcode.split(" ", 1)[0]


def postcode_area(postcode: str) -> str:
    """The letters that start a postcode: `NE29 6QF` -> `NE`."""
    match = re.match(r"[A-Z]+", postcode)
    return match.group(0) if match else ""


def is_in_local_area(postcode: str, local_area: list[str]) -> bool:
    """True when the postcode's district or area is one of the local area's codes."""
    codes = set(local_area)
    return outward_code(postcode) in codes or postcode_area(postcode) in codes
