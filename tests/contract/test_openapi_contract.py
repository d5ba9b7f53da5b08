"""Every API operation, fuzzed from the app's own OpenAPI document.

Each generated request goes to a freshly seeded council as an administrator, a procurement
officer, a supplier or nobody, with path ids that are sometimes real records and sometimes
not. Whatever is sent, the service must not fail with a server error, must answer with a
documented status code, and the body must match the schema documented for that status.
"""

import zlib
from typing import Any

import schemathesis
from litestar import Litestar
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from procurement.app import create_app
from procurement.config import Settings
from procurement.domain.roles import Role
from tests.conftest import TEST_SECRET
from tests.contract.conftest import FUZZING_ROLES, Council, CouncilSeeder

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
SIGN_OUT = "DELETE /api/v1/auth/token/current"
MAX_KNOWN_IDS = 3  # the most ids the council seeds for any one path parameter
CONFIG = {
    # A fixed seed and derandomised generation: the same requests on every run.
    "seed": 20260101,
    "generation": {"max-examples": 25, "deterministic": True, "database": "none"},
}


def served_schema() -> schemathesis.schemas.BaseSchema:
    """The document the app serves at /schema/openapi.json, fetched from it in-process.

    Tests are generated from it at collection time, before any database fixture exists, so
    it comes from an app on an unused in-memory database; requests go to the seeded one.
    """
    documenting = create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET))
    config = SchemathesisConfig.from_dict(CONFIG)
    return schemathesis.openapi.from_asgi("/schema/openapi.json", documenting, config=config)


schema = served_schema()


def role_and_pick(case: Case[Any]) -> tuple[Role | None, int]:
    """Who sends the case, and which known ids it uses (see `use_known_ids`).

    Derived from the case's own content rather than drawn at random, so that a case replays
    identically when Hypothesis re-runs a failure, while the run as a whole still spreads
    over every role and every seeded record.
    """
    digest = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode())
    roles: list[Role | None] = [*FUZZING_ROLES, None]
    return roles[digest % len(roles)], digest // len(roles) % (MAX_KNOWN_IDS + 1)


def use_known_ids(case: Case[Any], council: Council, pick: int) -> None:
    """Point the path at the council's records; a pick past the known ids keeps the random id."""
    for name in list(case.path_parameters or {}):
        known = council.ids.get(name, [])
        if pick < len(known):
            case.path_parameters[name] = str(known[pick])


def authorisation(case: Case[Any], council: Council, role: Role | None) -> dict[str, str]:
    """The bearer header for the role; signing out revokes a spare token, never the role's."""
    if case.operation.label == SIGN_OUT:
        return {"Authorization": f"Bearer {council.spare_token}"}
    if role is None:
        return {}
    return {"Authorization": f"Bearer {council.tokens[role]}"}


@schema.parametrize()
def test_every_operation_keeps_to_its_documented_contract(
    case: Case[Any], contract_app: Litestar, councils: CouncilSeeder
) -> None:
    council = councils.current()
    role, pick = role_and_pick(case)
    use_known_ids(case, council, pick)
    response = case.call(headers=authorisation(case, council, role), app=contract_app)
    councils.answered(case.method, response.status_code)
    case.validate_response(response, checks=CHECKS)
