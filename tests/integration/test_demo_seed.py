"""The demo seed: one council, logins that work, and an open tender with bids to look at."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.demo import DemoLogin, seed_demo
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Organisation, User
from procurement.principal import Principal
from procurement.services.auth import AuthService, principal_for
from procurement.services.bids import BidService
from procurement.services.suppliers import SupplierService
from procurement.services.tenders import TenderFilter, TenderService
from tests.integration.support import POLICY


async def _seed(session: AsyncSession) -> list[DemoLogin]:
    logins = await seed_demo(session)
    assert logins is not None
    return logins


async def _demo_user(session: AsyncSession, role: Role) -> Principal:
    user = await session.scalar(sa.select(User).where(col(User.role) == role).limit(1))
    assert user is not None
    return principal_for(user)


async def test_the_demo_is_seeded_once_and_every_printed_login_signs_in(
    session: AsyncSession,
) -> None:
    logins = await _seed(session)
    assert await seed_demo(session) is None
    assert await session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1
    assert {login.role for login in logins} == set(Role)
    assert len({login.password for login in logins}) == len(logins)
    auth = AuthService(session)
    for login in logins:
        principal = await auth.authenticate(login.email, login.password, POLICY)
        assert principal.role is login.role
        assert (principal.supplier_id is not None) is (login.role is Role.SUPPLIER)


async def test_the_demo_has_an_open_tender_with_sealed_bids_and_a_varied_register(
    session: AsyncSession,
) -> None:
    await _seed(session)
    officer = await _demo_user(session, Role.PROCUREMENT)
    [tender] = (await TenderService(session, officer).list(TenderFilter(), 10, 0)).items
    assert (tender.status, tender.bid_count) == (TenderStatus.OPEN, 2)
    bids = await BidService(session, officer).list(tender.id, 10, 0)
    assert bids.total == 2
    assert all(item.sealed for item in bids.items)
    suppliers = (await SupplierService(session, officer).list(50, 0)).items
    for flag in ("is_local", "is_sme", "is_vcse"):
        assert {getattr(s, flag) for s in suppliers} == {True, False}, flag
    assert any(s.is_local and s.is_vcse for s in suppliers)
