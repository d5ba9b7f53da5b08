"""`procurement seed-demo`: seeds once and prints logins that work; later runs add nothing."""

import re
import stat
from pathlib import Path

from tests.cli.conftest import Seeded

_LOGIN = re.compile(r"^\s+(?P<role>\w+)\s+(?P<email>\S+@\S+)\s+(?P<password>\S+)\s+\(.+\)$")


def _logins(output: str) -> dict[str, tuple[str, str]]:
    """Printed logins by email: (role, password)."""
    found = (_LOGIN.match(line) for line in output.splitlines())
    return {m["email"]: (m["role"], m["password"]) for m in found if m}


def test_the_first_seed_prints_a_login_for_every_demo_account(seeded: Seeded) -> None:
    logins = _logins(seeded.first_output)
    assert len(logins) == 8
    assert {role for role, _ in logins.values()} == {
        "admin",
        "procurement",
        "evaluator",
        "finance",
        "supplier",
    }


def test_a_printed_login_signs_in(seeded: Seeded) -> None:
    email = "procurement@demo.wellingborough-vale.gov.uk"
    _, password = _logins(seeded.first_output)[email]
    assert seeded.cli.signs_in(email, password)


def test_seeding_again_creates_no_new_accounts(seeded: Seeded) -> None:
    # The same logins are shown again from the data directory: nothing was re-created.
    again = seeded.cli.succeeds("seed-demo")
    assert _logins(again) == _logins(seeded.first_output)


def test_printed_logins_are_kept_readable_only_by_their_owner(seeded: Seeded) -> None:
    kept = seeded.cli.data_dir / "demo-logins.txt"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_seeded_database_is_not_seeded_again_from_another_data_dir(
    seeded: Seeded, tmp_path: Path
) -> None:
    output = seeded.cli.elsewhere(tmp_path / "other").succeeds("seed-demo")
    assert "already has data" in output
    assert _logins(output) == {}
