"""Demo data: a fictional council, its suppliers, staff logins and one open tender with bids.

Demo passwords exist only here, for trying the service locally; never seed a real deployment.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Bid, Organisation, Supplier, Tender, User
from procurement.models.base import utc_now
from procurement.schemas.bid import BidChannel, BidStatus
from procurement.services.auth import hash_password

DEMO_PASSWORD_LENGTH = 16


@dataclass(frozen=True)
class DemoLogin:
    """A demo account to print for the person trying the service."""

    email: str
    password: str
    role: Role
    note: str


_SUPPLIERS = [
    # name, company number, postcode, SME, VCSE
    ("Nene Valley Builders Ltd", "09876543", "NN8 4EG", True, False),
    ("Rushden Community Works CIC", "11223344", "NN10 0JE", True, True),
    ("Midshires Construction plc", "01234567", "LE1 6ZG", False, False),
    ("Greenway Retrofit Ltd", "SC654321", "EH6 5QG", True, False),
    ("Ise Valley Training Trust", None, "NN15 7AB", False, True),
]

_STAFF = [
    (
        "admin@demo.wellingborough-vale.gov.uk",
        "Alex Admin",
        Role.ADMIN,
        "manages users and the local area",
    ),
    (
        "procurement@demo.wellingborough-vale.gov.uk",
        "Priya Patel",
        Role.PROCUREMENT,
        "runs tenders",
    ),
    ("evaluator1@demo.wellingborough-vale.gov.uk", "Evan Evans", Role.EVALUATOR, "scores bids"),
    ("evaluator2@demo.wellingborough-vale.gov.uk", "Esther Ng", Role.EVALUATOR, "scores bids"),
    (
        "finance@demo.wellingborough-vale.gov.uk",
        "Fola Finch",
        Role.FINANCE,
        "keeps the capital programme",
    ),
]


async def seed_demo(session: AsyncSession) -> list[DemoLogin] | None:
    """Seed the demo once; returns the logins, or None if the database already has data."""
    if await session.scalar(sa.select(sa.func.count()).select_from(Organisation)):
        return None
    council = Organisation(
        name="Wellingborough Vale Borough Council (demo)",
        local_area=["NN8", "NN9", "NN10", "NN29"],
    )
    session.add(council)
    await session.flush()
    logins: list[DemoLogin] = []

    def add_user(
        email: str, name: str, role: Role, note: str, supplier: Supplier | None = None
    ) -> User:
        password = secrets.token_urlsafe(12)[:DEMO_PASSWORD_LENGTH]
        user = User(
            organisation_id=council.id,
            email=email,
            full_name=name,
            role=role,
            supplier_id=supplier.id if supplier else None,
            password_hash=hash_password(password),
        )
        session.add(user)
        logins.append(DemoLogin(email, password, role, note))
        return user

    staff = [add_user(*row) for row in _STAFF]
    suppliers = [
        Supplier(
            organisation_id=council.id,
            name=name,
            companies_house_number=number,
            postcode=postcode,
            is_sme=sme,
            is_vcse=vcse,
        )
        for name, number, postcode, sme, vcse in _SUPPLIERS
    ]
    session.add_all(suppliers)
    await session.flush()
    supplier_users = [
        add_user(
            "bids@nenevalley.example",
            "Nia Builder",
            Role.SUPPLIER,
            "bids for Nene Valley Builders",
            suppliers[0],
        ),
        add_user(
            "tenders@rushdencw.example",
            "Ravi Works",
            Role.SUPPLIER,
            "bids for Rushden Community Works",
            suppliers[1],
        ),
        add_user(
            "bids@midshires.example",
            "Mo Shire",
            Role.SUPPLIER,
            "bids for Midshires Construction",
            suppliers[2],
        ),
    ]
    await session.flush()
    now = utc_now()
    procurement_officer = staff[1]
    tender = Tender(
        organisation_id=council.id,
        reference="WVBC/2026/031",
        title="Swanspool Community Hub refurbishment",
        description=(
            "Refurbishment of the Swanspool Community Hub: roof, insulation and heating "
            "replacement, with accessible entrances and a training kitchen."
        ),
        cpv_codes=["45000000-7", "45454000-4"],
        estimated_value=Decimal("850000.00"),
        currency="GBP",
        submission_deadline=now + timedelta(days=21),
        status=TenderStatus.OPEN,
        published_at=now - timedelta(days=7),
        created_by_id=procurement_officer.id,
    )
    session.add(tender)
    await session.flush()
    for offset_days, (supplier, user, price) in enumerate(
        zip(
            suppliers[:2],
            supplier_users[:2],
            (Decimal("812500.00"), Decimal("846000.00")),
            strict=True,
        )
    ):
        received = now - timedelta(days=5 - offset_days)
        session.add(
            Bid(
                tender_id=tender.id,
                supplier_id=supplier.id,
                price=price,
                status=BidStatus.SUBMITTED,
                channel=BidChannel.PORTAL,
                received_at=received,
                first_received_at=received,
                submitted_by_id=user.id,
            )
        )
    await session.commit()
    return logins
