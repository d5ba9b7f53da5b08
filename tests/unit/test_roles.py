"""The grant matrix: each role does its own work and nothing else."""

import itertools
import uuid

import pytest

from procurement.domain.roles import GRANTS, Permission, Role, has_permission
from procurement.errors import ForbiddenError
from procurement.principal import Principal

P = Permission

# Written out by hand from the role descriptions, not derived from the code under test.
STAFF_READS = {P.READ_SUPPLIERS, P.READ_TENDERS, P.READ_MEASURES, P.READ_TEMPLATES}
EXPECTED: dict[Role, set[Permission]] = {
    Role.ADMIN: {
        P.MANAGE_ORGANISATION,
        P.MANAGE_USERS,
        P.MANAGE_SUPPLIERS,
        P.MANAGE_MEASURES,
        P.MANAGE_TEMPLATES,
        P.READ_EVALUATION,
        P.READ_AUDIT,
        P.READ_CAPITAL,
        *STAFF_READS,
    },
    Role.PROCUREMENT: {
        P.MANAGE_SUPPLIERS,
        P.MANAGE_TENDERS,
        P.RECORD_BIDS,
        P.MANAGE_TEMPLATES,
        P.READ_EVALUATION,
        P.READ_AUDIT,
        P.READ_CAPITAL,
        *STAFF_READS,
    },
    Role.EVALUATOR: {P.EVALUATE_BIDS, *STAFF_READS},
    Role.FINANCE: {P.READ_CAPITAL, P.MANAGE_CAPITAL, P.PUBLISH_SUMMARIES, *STAFF_READS},
    Role.SUPPLIER: {P.READ_TENDERS, P.SUBMIT_OWN_BID},
}
PAIRS = list(itertools.product(Role, Permission))


def test_every_role_has_exactly_its_expected_grants() -> None:
    assert {role: set(granted) for role, granted in GRANTS.items()} == EXPECTED


@pytest.mark.parametrize(("role", "permission"), PAIRS, ids=str)
def test_has_permission_follows_the_matrix(role: Role, permission: Permission) -> None:
    assert has_permission(role, permission) is (permission in EXPECTED[role])


def _principal(role: Role) -> Principal:
    return Principal(
        user_id=uuid.uuid4(),
        organisation_id=uuid.uuid4(),
        email="someone@example.com",
        full_name="Someone",
        role=role,
    )


@pytest.mark.parametrize(("role", "permission"), PAIRS, ids=str)
def test_principal_require_refuses_exactly_the_ungranted(
    role: Role, permission: Permission
) -> None:
    principal = _principal(role)
    if permission in EXPECTED[role]:
        principal.require(permission)
        return
    with pytest.raises(ForbiddenError) as caught:
        principal.require(permission)
    assert caught.value.code == "role_forbidden"
    assert caught.value.status_code == 403
    assert role.value in caught.value.detail


def test_only_suppliers_bid_for_themselves_and_never_record_others_bids() -> None:
    assert {r for r in Role if has_permission(r, P.SUBMIT_OWN_BID)} == {Role.SUPPLIER}
    assert not has_permission(Role.SUPPLIER, P.RECORD_BIDS)
    assert not has_permission(Role.SUPPLIER, P.READ_SUPPLIERS)
