"""UserService and create_user: accounts within one organisation, managed by its administrators."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.roles import Role
from procurement.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    StaleVersionError,
)
from procurement.schemas.user import UserCreate, UserUpdate
from procurement.services.auth import AuthService
from procurement.services.users import UserService, create_user
from tests.factories import PASSWORD, make_supplier, token_for
from tests.integration.support import POLICY, Council, field_of

NEW_PASSWORD = "a different long passphrase"


def _new_user(email: str = "New.Person@council.example.com", **fields: object) -> UserCreate:
    return UserCreate.model_validate(
        {"email": email, "full_name": "New Person", "role": Role.EVALUATOR, "password": PASSWORD}
        | fields
    )


async def test_list_is_the_organisations_users_by_email_in_pages(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    service = UserService(session, council.admin)
    emails = sorted(user.email for user in council.users.values())
    page = await service.list(limit=2, offset=1)
    assert [u.email for u in page.items] == emails[1:3]
    assert page.total == len(emails)


async def test_created_user_has_a_lower_case_email_and_can_sign_in(
    session: AsyncSession, council: Council
) -> None:
    created = await UserService(session, council.admin).create(_new_user())
    assert (created.email, created.role, created.organisation_id) == (
        "new.person@council.example.com",
        Role.EVALUATOR,
        council.organisation.id,
    )
    signed_in = await AuthService(session).authenticate(created.email, PASSWORD, POLICY)
    assert signed_in.user_id == created.id


async def test_emails_are_unique_across_organisations_whatever_their_case(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    await UserService(session, other_council.admin).create(_new_user())
    with pytest.raises(InputError) as caught:
        await UserService(session, council.admin).create(
            _new_user("NEW.PERSON@council.example.com")
        )
    assert field_of(caught.value) == "email"


async def test_supplier_user_must_act_for_a_supplier_of_the_same_organisation(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    service = UserService(session, council.admin)
    ours = await make_supplier(session, council.organisation)
    theirs = await make_supplier(session, other_council.organisation)
    with pytest.raises(InputError) as caught:
        await service.create(_new_user(role=Role.SUPPLIER, supplier_id=theirs.id))
    assert field_of(caught.value) == "supplier_id"
    linked = await service.create(_new_user(role=Role.SUPPLIER, supplier_id=ours.id))
    assert linked.supplier_id == ours.id


async def test_rename_bumps_the_version_and_a_stale_one_is_refused(
    session: AsyncSession, council: Council
) -> None:
    service = UserService(session, council.admin)
    evaluator = council.users[Role.EVALUATOR].id
    renamed = await service.update(evaluator, UserUpdate(version=1, full_name="Eve Evans"))
    assert (renamed.full_name, renamed.version) == ("Eve Evans", 2)
    with pytest.raises(StaleVersionError):
        await service.update(evaluator, UserUpdate(version=1, full_name="Too Late"))


async def test_password_reset_replaces_the_password_and_revokes_tokens(
    session: AsyncSession, council: Council
) -> None:
    evaluator = council.users[Role.EVALUATOR]
    token = await token_for(session, evaluator)
    await UserService(session, council.admin).update(
        evaluator.id, UserUpdate(version=1, password=NEW_PASSWORD)
    )
    auth = AuthService(session)
    assert await auth.principal_from_token(token) is None
    assert (await auth.authenticate(evaluator.email, NEW_PASSWORD, POLICY)).user_id == evaluator.id
    with pytest.raises(AuthenticationError):
        await auth.authenticate(evaluator.email, PASSWORD, POLICY)


@pytest.mark.parametrize("how", ["update", "deactivate"])
async def test_deactivated_user_can_no_longer_sign_in_or_use_tokens(
    session: AsyncSession, council: Council, how: str
) -> None:
    finance = council.users[Role.FINANCE]
    token = await token_for(session, finance)
    service = UserService(session, council.admin)
    if how == "update":
        assert not (
            await service.update(finance.id, UserUpdate(version=1, is_active=False))
        ).is_active
    else:
        await service.deactivate(finance.id)
        assert not (await service.get(finance.id)).is_active
    auth = AuthService(session)
    assert await auth.principal_from_token(token) is None
    with pytest.raises(AuthenticationError):
        await auth.authenticate(finance.email, PASSWORD, POLICY)


async def test_administrators_cannot_deactivate_themselves(
    session: AsyncSession, council: Council
) -> None:
    service = UserService(session, council.admin)
    me = council.users[Role.ADMIN].id
    with pytest.raises(ConflictError, match=r"^cannot_deactivate_self:"):
        await service.update(me, UserUpdate(version=1, is_active=False))
    with pytest.raises(ConflictError, match=r"^cannot_deactivate_self:"):
        await service.deactivate(me)
    assert (await service.get(me)).is_active


async def test_create_user_without_an_actor_adds_to_the_given_organisation(
    session: AsyncSession, council: Council
) -> None:
    row = await create_user(session, council.organisation.id, _new_user(role=Role.ADMIN))
    assert (row.organisation_id, row.email, row.role) == (
        council.organisation.id,
        "new.person@council.example.com",
        Role.ADMIN,
    )
    with pytest.raises(InputError):
        await create_user(session, council.organisation.id, _new_user())
