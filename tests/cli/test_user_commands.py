"""`procurement users create` and `users set-password`, with the password read from stdin."""

import pytest

from tests.cli.conftest import Seeded

PASSWORD = "a long enough password"


def test_users_create_makes_a_user_who_can_sign_in(seeded: Seeded) -> None:
    output = seeded.cli.succeeds(
        "users",
        "create",
        "--email",
        "New.Evaluator@Council.example.com",
        "--role",
        "evaluator",
        stdin=PASSWORD + "\n",
    )
    assert output.startswith("Created evaluator user new.evaluator@council.example.com (")
    assert seeded.cli.signs_in("new.evaluator@council.example.com", PASSWORD)


@pytest.mark.parametrize(
    ("email", "role", "password", "message"),
    [
        ("short@council.example.com", "finance", "too short", "at least 12 characters"),
        (
            "admin@demo.wellingborough-vale.gov.uk",
            "finance",
            PASSWORD,
            "email: A user with this email already exists",
        ),
        ("bidder@council.example.com", "supplier", PASSWORD, "must be linked to a supplier"),
        ("someone@council.example.com", "mayor", PASSWORD, "Invalid value for '--role'"),
    ],
    ids=["short-password", "duplicate-email", "supplier-without-supplier", "unknown-role"],
)
def test_users_create_refuses_bad_input_and_says_why(
    seeded: Seeded, email: str, role: str, password: str, message: str
) -> None:
    error = seeded.cli.refuses(
        "users", "create", "--email", email, "--role", role, stdin=password + "\n"
    )
    assert message in error
    assert "Traceback" not in error


def test_set_password_replaces_the_password(seeded: Seeded) -> None:
    email = "finance@demo.wellingborough-vale.gov.uk"
    output = seeded.cli.succeeds(
        "users", "set-password", "--email", email.upper(), stdin="a brand new passphrase\n"
    )
    assert f"Password set for {email.upper()}" in output
    assert seeded.cli.signs_in(email, "a brand new passphrase")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("evaluator2@demo.wellingborough-vale.gov.uk", "too short", "at least 12 characters"),
        ("nobody@council.example.com", PASSWORD, "User nobody@council.example.com not found"),
    ],
    ids=["short-password", "unknown-email"],
)
def test_set_password_refuses_bad_input(
    seeded: Seeded, email: str, password: str, message: str
) -> None:
    assert message in seeded.cli.refuses("users", "set-password", "--email", email, stdin=password)
