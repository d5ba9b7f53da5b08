"""Which new passwords are too easy to guess.

Guessability is estimated with zxcvbn, which knows tens of thousands of common passwords,
words and names, keyboard runs, dates, sequences and repeats, and how people disguise them
(capitals, digits for letters, a number on the end).
"""

import unicodedata

from zxcvbn import zxcvbn

from procurement.errors import InputError

MIN_LENGTH = 12
# zxcvbn's scores run from 0 to 4; 3 means about 10^8 guesses or more, which with slow,
# salted hashes (argon2) keeps an account safe even if the password hashes are stolen.
MIN_SCORE = 3
# zxcvbn's own limit: it would take too long over anything longer. The first 72 characters
# of a password are judged; a longer one that starts well is harder still to guess.
ZXCVBN_MAX_LENGTH = 72

TOO_SHORT = f"The password must be at least {MIN_LENGTH} characters"
ONLY_SPACES = "The password must have letters, numbers or symbols, not only spaces"
REPEATED = "The password must not be one character or a short pattern repeated"
TOO_COMMON = (
    "The password is too common or too easy to guess: use 3 or more unrelated words, or a "
    "password manager"
)


def _is_blank(character: str) -> bool:
    """Whitespace, or a control or formatting character that shows nothing."""
    return character.isspace() or unicodedata.category(character) in {"Cc", "Cf"}


def password_problem(password: str) -> str | None:
    """Why the new password may not be used, or None when it may."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if all(_is_blank(character) for character in password):
        return ONLY_SPACES
    estimate = zxcvbn(password[:ZXCVBN_MAX_LENGTH])
    matches = estimate["sequence"]
    if len(matches) == 1 and matches[0]["pattern"] == "repeat":
        return REPEATED
    if estimate["score"] < MIN_SCORE:
        return TOO_COMMON
    return None


def require_hard_to_guess(password: str, field: str = "password") -> None:
    """Refuse the new password, naming its field, unless it may be used.

    A rule no schema can state, so it is applied after a request has been parsed.
    """
    problem = password_problem(password)
    if problem is not None:
        raise InputError.single(field, problem)
