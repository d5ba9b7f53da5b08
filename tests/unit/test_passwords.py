"""Which new passwords are refused as too easy to guess, and which are fine."""

import secrets

import pytest

from procurement.demo import DEMO_PASSWORD_LENGTH
from procurement.domain.passwords import (
    ONLY_SPACES,
    REPEATED,
    TOO_COMMON,
    TOO_SHORT,
    password_problem,
)
from tests.factories import PASSWORD


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short one", TOO_SHORT),
        (" " * 12, ONLY_SPACES),
        ("\t\n\r " * 4, ONLY_SPACES),
        ("\x00" * 12, ONLY_SPACES),
        ("\u200b\u3000" * 8, ONLY_SPACES),  # a zero-width space and an ideographic space
        ("aaaaaaaaaaaa", REPEATED),
        ("abcabcabcabc", REPEATED),
        ("letmeinletmein", REPEATED),
        ("password1234", TOO_COMMON),
        ("Password123!", TOO_COMMON),
        ("iloveyou1234", TOO_COMMON),
        ("qwertyuiopasdfgh", TOO_COMMON),
        ("123456789012", TOO_COMMON),
        ("P@ssw0rd2024", TOO_COMMON),  # disguises do not make a common password uncommon
    ],
)
def test_easily_guessed_passwords_are_refused_saying_why(password: str, problem: str) -> None:
    assert password_problem(password) == problem


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,
        "a long enough password",
        "a brand new passphrase",
        "a different long passphrase",
        "another long passphrase",
        "Tr0ub4dor&3 on Tuesdays",
        "x" + "7Gq!mZ2p" * 12,  # longer than zxcvbn reads: its start is judged
    ],
)
def test_passphrases_and_random_passwords_are_fine(password: str) -> None:
    assert password_problem(password) is None


def test_the_demo_councils_random_passwords_are_fine() -> None:
    for _ in range(50):  # made as the demo makes them
        assert password_problem(secrets.token_urlsafe(12)[:DEMO_PASSWORD_LENGTH]) is None
