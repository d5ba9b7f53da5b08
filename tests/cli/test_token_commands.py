"""`procurement tokens create`: prints a bearer token that the API accepts."""

import httpx
from litestar.testing import TestClient

from procurement.app import create_app
from procurement.config import Settings
from tests.cli.conftest import Seeded
from tests.conftest import TEST_SECRET


def _who_is(seeded: Seeded, *tokens: str) -> list[httpx.Response]:
    """Ask the API, on the database the command used, who each token belongs to."""
    settings = Settings(
        database_url=seeded.cli.database_url,
        data_dir=seeded.cli.data_dir,
        secret_key=TEST_SECRET,
        _env_file=None,
    )
    with TestClient(app=create_app(settings)) as client:
        return [
            client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
            for token in tokens
        ]


def test_a_printed_token_authenticates_against_the_api(seeded: Seeded) -> None:
    email = "evaluator1@demo.wellingborough-vale.gov.uk"
    token = seeded.cli.succeeds("tokens", "create", "--email", email, "--days", "1").strip()
    me, refused = _who_is(seeded, token, token + "x")
    assert me.status_code == 200, me.text
    assert (me.json()["email"], me.json()["role"]) == (email, "evaluator")
    assert refused.status_code == 401


def test_resetting_a_password_revokes_the_users_tokens(seeded: Seeded) -> None:
    email = "evaluator2@demo.wellingborough-vale.gov.uk"
    token = seeded.cli.succeeds("tokens", "create", "--email", email).strip()
    output = seeded.cli.succeeds(
        "users", "set-password", "--email", email, stdin="another long passphrase\n"
    )
    assert "API tokens were revoked" in output
    (after,) = _who_is(seeded, token)
    assert after.status_code == 401


def test_no_token_is_made_for_an_unknown_email(seeded: Seeded) -> None:
    error = seeded.cli.refuses("tokens", "create", "--email", "nobody@council.example.com")
    assert "No active user with email nobody@council.example.com" in error
