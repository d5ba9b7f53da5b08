"""Builders for test data, written straight to the database through the ORM."""

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import (
    AuditChainHead,
    Bid,
    EvaluatorAssignment,
    Measure,
    MeasureValue,
    ModeratedScore,
    Organisation,
    Score,
    Supplier,
    Tender,
    User,
    WeightingTemplate,
)
from procurement.models.base import utc_now
from procurement.schemas.bid import BidChannel, BidStatus
from procurement.schemas.measure import MeasureTheme
from procurement.services.auth import AuthService, hash_password

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)  # hashing is slow by design: do it once per test run
_sequence = itertools.count(1)


def criterion(
    key: str, weight: str, method: str = "price_relative", **settings: Any
) -> dict[str, Any]:
    """A criterion as the API takes it; `settings` are its method's settings."""
    name = key.replace("-", " ").capitalize()
    return {"key": key, "name": name, "weight": weight, "method": method, **settings}


def group(key: str, kind: str, weight: str, *criteria: dict[str, Any]) -> dict[str, Any]:
    """A group of criteria as the API takes it."""
    name = key.replace("-", " ").capitalize()
    return {"key": key, "name": name, "kind": kind, "weight": weight, "criteria": list(criteria)}


def tree(*groups: dict[str, Any]) -> dict[str, Any]:
    """A criteria tree as the API takes it."""
    return {"groups": list(groups)}


def price_and_locality(price: int = 90) -> dict[str, Any]:
    """A publishable criteria tree that asks bidders nothing beyond their price.

    Price takes `price`% and whether the supplier is local the rest (10% by default, the
    policy minimum for social value).
    """
    return tree(
        group("price", "price", str(price), criterion("price", "100")),
        group(
            "localism", "localism", str(100 - price), criterion("local", "100", "local_supplier")
        ),
    )


SCALE = {
    "maximum": "5",
    "levels": [{"value": "0", "label": "None"}, {"value": "5", "label": "Full"}],
}


def asking_everything(*measures: str) -> dict[str, Any]:
    """A publishable tree with a question of every kind: a metric (`local-spend`), a pass/fail
    (`insured`), a judgement (`method`), and social value `measures` (JOB-LOCAL by default)."""
    return tree(
        group("price", "price", "60", criterion("price", "100")),
        group(
            "quality",
            "quality",
            "20",
            criterion("method", "80", "judgement", scale=SCALE, question="How will you work?"),
            criterion("insured", "20", "pass_fail", question="Are you insured?"),
        ),
        group(
            "social-value",
            "social_value",
            "10",
            criterion(
                "commitments",
                "100",
                "social_value_measures",
                measures=list(measures or ["JOB-LOCAL"]),
            ),
        ),
        group("localism", "localism", "10", criterion("local-spend", "100", "metric", unit="%")),
    )


LEVELS = {
    "maximum": "5",
    "levels": [
        {"value": str(v), "label": f"Level {v}", "descriptor": f"Meets {v} of the requirements"}
        for v in range(6)
    ],
}


def judged_on_two_scales() -> dict[str, Any]:
    """A tree with two judgement criteria: `method` on levels 0 to 5 and `team` on a plain
    0-10 scale (both in the `quality` group), besides a price and a local supplier criterion."""
    return tree(
        group("price", "price", "50", criterion("price", "100")),
        group(
            "quality",
            "quality",
            "40",
            criterion("method", "60", "judgement", scale=LEVELS, question="How will you work?"),
            criterion("team", "40", "judgement", scale={"maximum": "10"}, question="Who?"),
        ),
        group("localism", "localism", "10", criterion("local", "100", "local_supplier")),
    )


async def make_organisation(
    session: AsyncSession, name: str = "Test Borough Council", local_area: list[str] | None = None
) -> Organisation:
    """An organisation whose local area is NN8 and the NE area unless told otherwise."""
    row = Organisation(
        name=name, local_area=local_area if local_area is not None else ["NN8", "NE"]
    )
    session.add(row)
    session.add(AuditChainHead(organisation_id=row.id))  # as every new organisation gets
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
    criteria: dict[str, Any] | None = None,
) -> Tender:
    """A tender in the given status, with timestamps that match it, and by default criteria that
    can be published and ask bidders nothing beyond their price."""
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
        measure_values_on=None if status is TenderStatus.DRAFT else now.date(),
        criteria=price_and_locality() if criteria is None else criteria,
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


async def make_evaluator(
    session: AsyncSession,
    tender: Tender,
    user: User,
    *,
    submitted: bool = True,
    declaration: Declaration = Declaration.NO_INTEREST,
    decision: ConflictDecision | None = None,
) -> EvaluatorAssignment:
    """An evaluator assigned to a tender, who has declared and (by default) submitted."""
    row = EvaluatorAssignment(
        tender_id=tender.id,
        user_id=user.id,
        assigned_by_id=tender.created_by_id,
        declaration=declaration,
        declared_at=None if declaration is Declaration.NOT_DECLARED else utc_now(),
        decision=decision,
        scores_submitted_at=utc_now() if submitted else None,
    )
    session.add(row)
    await session.commit()
    return row


async def make_scores(
    session: AsyncSession,
    bid: Bid,
    evaluator: User,
    values: dict[str, str],
    *,
    submitted: bool = True,
) -> list[Score]:
    """An evaluator's scores for a bid, by criterion key (submitted unless told otherwise)."""
    rows = [
        Score(
            tender_id=bid.tender_id,
            bid_id=bid.id,
            evaluator_id=evaluator.id,
            criterion_key=key,
            value=Decimal(value),
            rationale=f"Scored {value}",
            submitted_at=utc_now() if submitted else None,
        )
        for key, value in values.items()
    ]
    session.add_all(rows)
    await session.commit()
    return rows


async def make_moderation(
    session: AsyncSession, bid: Bid, criterion_key: str, value: str, by: User
) -> ModeratedScore:
    """The lead's moderated score for one criterion of a bid."""
    row = ModeratedScore(
        tender_id=bid.tender_id,
        bid_id=bid.id,
        criterion_key=criterion_key,
        value=Decimal(value),
        note="Agreed at moderation",
        moderated_by_id=by.id,
    )
    session.add(row)
    await session.commit()
    return row


async def make_measure(
    session: AsyncSession,
    organisation: Organisation,
    code: str,
    values: list[tuple[str, date]],
    theme: MeasureTheme = MeasureTheme.JOBS,
    unit: str = "hour",
) -> Measure:
    """A catalogue measure with its dated values, given as (pounds per unit, effective from)."""
    row = Measure(
        organisation_id=organisation.id,
        code=code,
        theme=theme,
        description=f"Measure {code}",
        unit=unit,
    )
    session.add(row)
    await session.flush()
    session.add_all(
        MeasureValue(measure_id=row.id, value_per_unit=Decimal(value), effective_from=start)
        for value, start in values
    )
    await session.commit()
    return row


async def make_template(
    session: AsyncSession,
    organisation: Organisation,
    name: str = "Works over £1m",
    tree: dict[str, Any] | None = None,
) -> WeightingTemplate:
    """A weighting template, with the default rules and by default a publishable tree."""
    row = WeightingTemplate(
        organisation_id=organisation.id,
        name=name,
        tree=price_and_locality() if tree is None else tree,
        rules={},
    )
    session.add(row)
    await session.commit()
    return row


async def token_for(session: AsyncSession, user: User) -> str:
    """A bearer token for the user."""
    issued = await AuthService(session).issue_token(user.id, "test", timedelta(hours=1))
    return issued.token
