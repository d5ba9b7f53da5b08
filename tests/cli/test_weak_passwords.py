"""`procurement users create` and `users set-password` refuse passwords that are easy to guess."""

import pytest

from procurement.domain.passwords import ONLY_SPACES, REPEATED, TOO_COMMON
from tests.cli.conftest import Seeded

WEAK = [("password1234", TOO_COMMON), ("aaaaaaaaaaaa", REPEATED), (" " * 12, ONLY_SPACES)]
WEAK_IDS = ["common", "repeated", "only spaces"]


@pytest.mark.parametrize(("password", "message"), WEAK, ids=WEAK_IDS)
def test_users_create_refuses_a_weak_password(seeded: Seeded, password: str, message: str) -> None:
    email = "weak.password@council.example.com"
    error = seeded.cli.refuses(
        "users", "create", "--email", email, "--role", "finance", stdin=password + "\n"
    )
    assert f"password: {message}" in error
    assert not seeded.cli.signs_in(email, password)


@pytest.mark.parametrize(("password", "message"), WEAK, ids=WEAK_IDS)
def test_set_password_refuses_a_weak_password(seeded: Seeded, password: str, message: str) -> None:
    email = "evaluator2@demo.wellingborough-vale.gov.uk"
    error = seeded.cli.refuses("users", "set-password", "--email", email, stdin=password + "\n")
    assert f"password: {message}" in error
    assert not seeded.cli.signs_in(email, password)
