"""Every API operation, fuzzed from the app's own OpenAPI document.

Each generated request goes to a freshly seeded council as an administrator, a procurement
officer, a finance officer, a supplier or nobody, with path ids that are sometimes real
records and sometimes not. Whatever is sent, the service must not fail with a server error,
must answer with a documented status code and media type, and the body must match the schema
documented for that status. What the schema allows must get past the parsing of the request;
what it does not allow must be refused. Then, as each staff role in turn, sequences of
requests follow the links between operations (an id one answer returns, used by the next).
"""

import zlib
from typing import Any, ClassVar

import hypothesis
import pytest
import schemathesis
from litestar import Litestar
from schemathesis import Case
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from procurement.app import create_app
from procurement.config import Settings
from procurement.domain.roles import Role
from tests.conftest import TEST_SECRET
from tests.contract.conftest import FUZZING_ROLES, Council, CouncilSeeder, ParsingRefusals

SIGN_OUT = "DELETE /api/v1/auth/token/current"
MAX_KNOWN_IDS = 3  # the most ids the council seeds for any one path parameter
# The staff whose work the stateful phase follows from one operation to the next.
WORKFLOW_ROLES = (Role.PROCUREMENT, Role.FINANCE, Role.ADMIN)
CONFIG = {
    # A fixed seed and derandomised generation: the same requests on every run.
    "seed": 20260101,
    "generation": {
        "max-examples": 12,
        "deterministic": True,
        "database": "none",
        "no-shrink": True,
    },
    "checks": {
        # A valid request may still break a rule no schema can state, such as funding that
        # must add up to the budget (422): `parsed_when_valid` checks that it was not the
        # schema's own rules that refused it.
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
        }
    },
    "phases": {"stateful": {"max-steps": 6}},
}
STATEFUL_RUNS = hypothesis.settings(
    max_examples=6,
    stateful_step_count=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


def served_schema() -> schemathesis.schemas.BaseSchema:
    """The document the app serves at /schema/openapi.json, fetched from it in-process.

    Tests are generated from it at collection time, before any database fixture exists, so
    it comes from an app on an unused in-memory database; requests go to the seeded one.
    """
    documenting = create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET))
    config = SchemathesisConfig.from_dict(CONFIG)
    return schemathesis.openapi.from_asgi("/schema/openapi.json", documenting, config=config)


schema = served_schema()


def parsed_when_valid(refusals: ParsingRefusals, start: int) -> Any:
    """A check that a request the schema allows was not refused by the request parsing."""

    def check(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        meta = case.meta
        if meta is None or not meta.generation.mode.is_positive:
            return None
        refused = refusals.since(start)
        assert not refused, (
            f"{case.operation.label}: the schema allows the request but the parsing refused "
            f"it with {response.status_code}: {response.text[:500]}"
        )
        return None

    return check


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]


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
    """Point the path at the council's records; a pick past the known ids keeps the random id.

    Only for requests meant to be valid: a deliberately invalid path parameter stays invalid.
    """
    if case.meta is not None and not case.meta.generation.mode.is_positive:
        return
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
    case: Case[Any],
    contract_app: Litestar,
    councils: CouncilSeeder,
    parsing_refusals: ParsingRefusals,
) -> None:
    council = councils.current()
    role, pick = role_and_pick(case)
    use_known_ids(case, council, pick)
    start = len(parsing_refusals.refused)
    response = case.call(headers=authorisation(case, council, role), app=contract_app)
    councils.answered(case.method, response.status_code)
    checks = [*CHECKS, parsed_when_valid(parsing_refusals, start)]
    case.validate_response(response, checks=checks)


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of requests as one member of staff, each using what earlier answers gave."""

    app: ClassVar[Litestar]
    councils: ClassVar[CouncilSeeder]
    refusals: ClassVar[ParsingRefusals]
    role: ClassVar[Role]

    def setup(self) -> None:
        """Start each sequence from the seeded council (seeded again if it was changed)."""
        self.council = self.councils.current()
        self.start = len(self.refusals.refused)

    def before_call(self, case: Case[Any]) -> None:
        """Note where this request's parsing refusals begin."""
        self.start = len(self.refusals.refused)

    def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
        """The app under test, and the role's bearer token."""
        return {"app": self.app, "headers": authorisation(case, self.council, self.role)}

    def after_call(self, response: Response, case: Case[Any]) -> None:
        """Note whether the request may have changed the council, for the next sequence."""
        self.councils.answered(case.method, response.status_code)

    def validate_response(
        self,
        response: Response,
        case: Case[Any],
        additional_checks: Any = None,
        **kwargs: Any,
    ) -> None:
        """Every check of the single requests, on each step of the sequence."""
        checks = [*CHECKS, parsed_when_valid(self.refusals, self.start)]
        case.validate_response(response, checks=checks)


@pytest.mark.parametrize("role", WORKFLOW_ROLES, ids=lambda role: role.value)
def test_sequences_of_operations_keep_to_the_contract(
    role: Role,
    contract_app: Litestar,
    councils: CouncilSeeder,
    parsing_refusals: ParsingRefusals,
) -> None:
    Workflow.app, Workflow.councils, Workflow.refusals = contract_app, councils, parsing_refusals
    Workflow.role = role
    Workflow.run(settings=STATEFUL_RUNS)
