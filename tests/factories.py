"""Builders for test data, written straight to the database through the ORM."""

import itertools
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Bid, Organisation, Supplier, Tender, User
from procurement.models.base import utc_now
from procurement.schemas.bid import BidChannel, BidStatus
from procurement.services.auth import AuthService, hash_password

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)  # hashing is slow by design: do it once per test run
_sequence = itertools.count(1)


async def make_organisation(
    session: AsyncSession, name: str = "Test Borough Council", local_area: list[str] | None = None
) -> Organisation:
    """An organisation whose local area is NN8 and the NE area unless told otherwise."""
    row = Organisation(
        name=name, local_area=local_area if local_area is not None else ["NN8", "NE"]
    )
    session.add(row)
    await session.commit()
    return row


async def make_user(
    session: AsyncSession,
    organisation: Organisation,
    role: Role,
    supplier: Supplier | None = None,
    email: str | None = None,
) -> User:
    """A user with the shared test PASSWORD."""
    n = next(_sequence)
    row = User(
        organisation_id=organisation.id,
        email=email or f"{role.value}{n}@example.test",
        full_name=f"{role.value.title()} User {n}",
        role=role,
        supplier_id=supplier.id if supplier else None,
        password_hash=_HASH,
    )
    session.add(row)
    await session.commit()
    return row


async def make_supplier(
    session: AsyncSession,
    organisation: Organisation,
    name: str | None = None,
    postcode: str = "NN8 4EG",
    *,
    is_sme: bool = True,
    is_vcse: bool = False,
    companies_house_number: str | None = None,
) -> Supplier:
    """A supplier, local to the default test area unless given another postcode."""
    n = next(_sequence)
    row = Supplier(
        organisation_id=organisation.id,
        name=name or f"Supplier {n} Ltd",
        companies_house_number=companies_house_number,
        postcode=postcode,
        is_sme=is_sme,
        is_vcse=is_vcse,
    )
    session.add(row)
    await session.commit()
    return row


async def make_tender(
    session: AsyncSession,
    organisation: Organisation,
    creator: User,
    status: TenderStatus = TenderStatus.DRAFT,
    reference: str | None = None,
    title: str = "Library roof repairs",
    deadline_in: timedelta = timedelta(days=14),
) -> Tender:
    """A tender in the given status, with timestamps that match it."""
    now = utc_now()
    row = Tender(
        organisation_id=organisation.id,
        reference=reference or f"TST/{next(_sequence):04d}",
        title=title,
        description="Test tender",
        cpv_codes=["45000000-7"],
        estimated_value=Decimal("100000.00"),
        currency="GBP",
        submission_deadline=now + deadline_in,
        status=status,
        published_at=None if status is TenderStatus.DRAFT else now,
        closed_at=now
        if status in {TenderStatus.CLOSED, TenderStatus.EVALUATING, TenderStatus.AWARDED}
        else None,
        created_by_id=creator.id,
    )
    session.add(row)
    await session.commit()
    return row


async def make_bid(
    session: AsyncSession, tender: Tender, supplier: Supplier, by: User, price: str = "95000.00"
) -> Bid:
    """A submitted bid."""
    now = utc_now()
    row = Bid(
        tender_id=tender.id,
        supplier_id=supplier.id,
        price=Decimal(price),
        status=BidStatus.SUBMITTED,
        channel=BidChannel.PORTAL,
        received_at=now,
        first_received_at=now,
        submitted_by_id=by.id,
    )
    session.add(row)
    await session.commit()
    return row


async def token_for(session: AsyncSession, user: User) -> str:
    """A bearer token for the user."""
    issued = await AuthService(session).issue_token(user.id, "test", timedelta(hours=1))
    return issued.token
