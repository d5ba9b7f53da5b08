"""Demo data: a fictional council, its suppliers, staff logins, a measure catalogue, two
weighting templates, one open tender with answered bids, one closed tender whose two
evaluators are assigned and ready to declare and score, and the capital programme
(procurement/demo_capital.py).

Demo passwords exist only here, for trying the service locally; never seed a real deployment.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.demo_capital import seed_capital_programme
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import (
    AuditChainHead,
    Bid,
    EvaluatorAssignment,
    Measure,
    MeasureValue,
    Organisation,
    Supplier,
    Tender,
    User,
    WeightingTemplate,
)
from procurement.models.base import utc_now
from procurement.schemas.bid import BidChannel, BidStatus
from procurement.schemas.criteria import CriteriaTreeSchema, EvaluationRulesSchema
from procurement.schemas.measure import MeasureTheme
from procurement.services.audit import record
from procurement.services.auth import hash_password, principal_for

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


@dataclass(frozen=True)
class DemoMeasure:
    """A catalogue measure, its values by date, and why each value is what it is."""

    code: str
    theme: MeasureTheme
    unit: str
    description: str
    values: tuple[tuple[str, date], ...]  # (pounds per unit, in force from)


# Each value is a round, cautious figure the council can explain in a sentence; the reasoning
# is in the description, where officers and bidders read it.
_CATALOGUE = [
    DemoMeasure(
        "JOB-LOCAL",
        MeasureTheme.JOBS,
        "job-year (FTE)",
        "A year of full-time work on the contract for someone living in the borough. Valued "
        "at what employing them costs: a typical full-time gross wage in the East Midlands "
        "(the ONS earnings survey median, rounded: about £31,000, then about £32,000) plus "
        "employer National Insurance and pension (about 12%, then about 14% once employer "
        "National Insurance rose in April 2025).",
        (("34720.00", date(2024, 4, 1)), ("36480.00", date(2025, 4, 1))),
    ),
    DemoMeasure(
        "APPRENTICE-WK",
        MeasureTheme.JOBS,
        "apprentice-week",
        "A week of an apprenticeship on the contract. Valued as a 37.5-hour week at about "
        "£10 an hour (between the apprentice and the adult minimum wage), plus 10% employer "
        "costs, plus £60 for the supervision and off-the-job training the employer gives.",
        (("472.50", date(2025, 4, 1)),),
    ),
    DemoMeasure(
        "VOLUNTEER-HR",
        MeasureTheme.SOCIAL,
        "hour",
        "An hour of staff time, in paid working hours, volunteering with a community group "
        "or charity in the borough. Valued at about the typical hourly pay of a full-time "
        "employee (the ONS earnings survey median, rounded down).",
        (("17.00", date(2025, 4, 1)),),
    ),
    DemoMeasure(
        "MENTOR-DAY",
        MeasureTheme.INNOVATION,
        "day",
        "A working day of expert staff time helping a local small business or voluntary "
        "group try out a new product or way of working. Valued as 7.5 volunteering hours.",
        (("127.50", date(2025, 4, 1)),),
    ),
    DemoMeasure(
        "LOCAL-SPEND",
        MeasureTheme.GROWTH,
        "£ spent locally",
        "A pound of the contract spent with suppliers and subcontractors based in the "
        "borough. Only the share that is spent again locally counts (20p, a cautious local "
        "multiplier of 1.2): the pound itself is already paid for by the contract price.",
        (("0.20", date(2025, 4, 1)),),
    ),
    DemoMeasure(
        "GRANT-VCSE",
        MeasureTheme.SOCIAL,
        "£ given",
        "A pound given in cash to a charity, community group or social enterprise in the "
        "borough, on top of the contract. Worth exactly what it gives.",
        (("1.00", date(2025, 4, 1)),),
    ),
    DemoMeasure(
        "CO2E-AVOIDED",
        MeasureTheme.ENVIRONMENT,
        "tCO2e",
        "A tonne of greenhouse gas (as carbon dioxide equivalent) the contract avoids, "
        "against the usual way of doing the work, by a method agreed with the council. "
        "Valued at about £260, an approximation of the central carbon value the UK "
        "government publishes for policy appraisal in the mid-2020s.",
        (("260.00", date(2025, 4, 1)),),
    ),
    DemoMeasure(
        "WASTE-DIVERTED",
        MeasureTheme.ENVIRONMENT,
        "tonne",
        "A tonne of the contract's waste reused or recycled instead of going to landfill. "
        "Valued at about the standard rate of landfill tax the tonne would otherwise pay.",
        (("103.70", date(2024, 4, 1)), ("126.15", date(2025, 4, 1))),
    ),
]


def _scale(*descriptors: str) -> dict[str, Any]:
    """A 0-5 judgement scale, described level by level from 0."""
    labels = ["Unacceptable", "Poor", "Weak", "Satisfactory", "Good", "Excellent"]
    return {
        "maximum": "5",
        "levels": [
            {"value": str(n), "label": labels[n], "descriptor": text}
            for n, text in enumerate(descriptors)
        ],
    }


_QUALITY_SCALE = _scale(
    "No answer, or an answer that does not address the question.",
    "Addresses the question in part, with serious gaps or risks.",
    "Addresses the question, with some gaps or unconvincing evidence.",
    "A sound answer that meets the requirement, with evidence.",
    "A full answer with clear evidence, giving confidence in delivery.",
    "A full answer with strong evidence and added value beyond the requirement.",
)


def _group(key: str, name: str, kind: str, weight: str, *criteria: dict[str, Any]) -> Any:
    return {"key": key, "name": name, "kind": kind, "weight": weight, "criteria": list(criteria)}


def _local_spend(weight: str) -> dict[str, Any]:
    return {
        "key": "local-spend",
        "name": "Local spend",
        "weight": weight,
        "method": "metric",
        "question": "What percentage of the contract value will you spend with suppliers "
        "and subcontractors in the borough?",
        "unit": "%",
        "metric_mode": "linear",
        "floor": "0",
        "target": "60",
    }


_WORKS = CriteriaTreeSchema.model_validate(
    {
        "groups": [
            _group(
                "price",
                "Price",
                "price",
                "50",
                {"key": "price", "name": "Price", "weight": "100", "method": "price_relative"},
            ),
            _group(
                "quality",
                "Quality",
                "quality",
                "25",
                {
                    "key": "method",
                    "name": "Method statement",
                    "weight": "50",
                    "method": "judgement",
                    "question": "How will you carry out the works safely, to the specification "
                    "and with the building partly in use?",
                    "scale": _QUALITY_SCALE,
                    "minimum_score": "2",
                },
                {
                    "key": "programme",
                    "name": "Programme and risk",
                    "weight": "40",
                    "method": "judgement",
                    "question": "Set out your programme, its critical path and how you will "
                    "manage the main risks to it.",
                    "scale": _QUALITY_SCALE,
                },
                {
                    "key": "health-safety",
                    "name": "Health and safety accreditation",
                    "weight": "10",
                    "method": "pass_fail",
                    "question": "Do you hold a current health and safety accreditation "
                    "recognised by the construction industry?",
                },
            ),
            _group(
                "social-value",
                "Social value",
                "social_value",
                "15",
                {
                    "key": "commitments",
                    "name": "Social value commitments",
                    "weight": "100",
                    "method": "social_value_measures",
                    "question": "What will you commit to deliver for the borough?",
                    "measures": ["JOB-LOCAL", "APPRENTICE-WK", "VOLUNTEER-HR", "GRANT-VCSE"],
                },
            ),
            _group(
                "localism",
                "Localism",
                "localism",
                "5",
                _local_spend("60"),
                {
                    "key": "local",
                    "name": "Local supplier",
                    "weight": "40",
                    "method": "local_supplier",
                },
            ),
            _group(
                "environment",
                "Environment",
                "environment",
                "5",
                {
                    "key": "carbon-saved",
                    "name": "Carbon saved",
                    "weight": "100",
                    "method": "metric",
                    "question": "How many tonnes of CO2e will your approach save against a "
                    "conventional refurbishment?",
                    "unit": "tCO2e",
                },
            ),
        ]
    }
)

_CARE = CriteriaTreeSchema.model_validate(
    {
        "groups": [
            _group(
                "price",
                "Price",
                "price",
                "40",
                {
                    "key": "price",
                    "name": "Hourly rate",
                    "weight": "100",
                    "method": "price_relative",
                },
            ),
            _group(
                "quality",
                "Quality of care",
                "quality",
                "45",
                {
                    "key": "person-centred",
                    "name": "Person-centred care",
                    "weight": "50",
                    "method": "judgement",
                    "question": "How will you plan and review care with each person and their "
                    "family, so that it fits how they want to live?",
                    "scale": _QUALITY_SCALE,
                    "minimum_score": "3",
                },
                {
                    "key": "workforce",
                    "name": "Workforce and continuity",
                    "weight": "30",
                    "method": "judgement",
                    "question": "How will you recruit, train and keep care workers, so that "
                    "people see the same faces?",
                    "scale": _QUALITY_SCALE,
                },
                {
                    "key": "cqc-registered",
                    "name": "CQC registration",
                    "weight": "20",
                    "method": "pass_fail",
                    "question": "Are you registered with the Care Quality Commission for "
                    "personal care?",
                },
            ),
            _group(
                "social-value",
                "Social value",
                "social_value",
                "10",
                {
                    "key": "commitments",
                    "name": "Social value commitments",
                    "weight": "100",
                    "method": "social_value_measures",
                    "question": "What will you commit to deliver for the borough, per pound "
                    "of the contract?",
                    "measures": ["JOB-LOCAL", "APPRENTICE-WK", "VOLUNTEER-HR", "MENTOR-DAY"],
                    "social_value_mode": "per_pound",
                },
            ),
            _group(
                "localism",
                "Localism",
                "localism",
                "5",
                _local_spend("50"),
                {
                    "key": "local",
                    "name": "Local provider",
                    "weight": "50",
                    "method": "local_supplier",
                },
            ),
        ]
    }
)

_TEMPLATES = [
    (
        "Works over £1m",
        "Building and civil engineering works worth £1m or more: price first, then quality, "
        "with a quarter of the weight on social value, localism and carbon.",
        _WORKS,
    ),
    (
        "Care services",
        "Home care and supported living: quality of care weighs more than price, and social "
        "value is scored per pound of the contract.",
        _CARE,
    ),
]


def _answers(
    local_spend: str, carbon: str, commitments: dict[str, str], *, accredited: bool = True
) -> dict[str, Any]:
    """A demo bid's answers to the Works template's questions, as stored on the bid."""
    return {
        "metric_answers": {"local-spend": local_spend, "carbon-saved": carbon},
        "pass_fail_answers": {"health-safety": accredited},
        "quality_responses": {
            "method": "We will phase the works floor by floor, keeping the hall and kitchen "
            "open, with segregated site access and daily briefings for hub staff.",
            "programme": "Thirty-four weeks; the roof and heating are on the critical path, "
            "with the boiler ordered at contract award to protect the winter switch-over.",
        },
        "commitments": [
            {"measure_code": code, "quantity": quantity} for code, quantity in commitments.items()
        ],
    }


# Nene Valley promises more jobs; Rushden Community Works more volunteering and grants, and
# also offers mentoring days, which this tender did not ask for (so they are not scored).
_OPEN_ANSWERS = [
    _answers(
        "58",
        "42.5",
        {"JOB-LOCAL": "4", "APPRENTICE-WK": "156", "VOLUNTEER-HR": "120", "GRANT-VCSE": "2500"},
    ),
    _answers(
        "71.5",
        "61",
        {
            "JOB-LOCAL": "2",
            "APPRENTICE-WK": "104",
            "VOLUNTEER-HR": "600",
            "GRANT-VCSE": "12000",
            "MENTOR-DAY": "20",
        },
    ),
]
_OPEN_BIDS = list(zip((Decimal("1126500.00"), Decimal("1172000.00")), _OPEN_ANSWERS, strict=True))

# The pavilion: Midshires is cheapest but not local and promises least; Rushden Community
# Works is dearest and promises most.
_CLOSED_BIDS = [
    (
        Decimal("1398000.00"),
        _answers(
            "55",
            "80",
            {"JOB-LOCAL": "3", "APPRENTICE-WK": "104", "VOLUNTEER-HR": "200", "GRANT-VCSE": "5000"},
        ),
    ),
    (
        Decimal("1442500.00"),
        _answers(
            "68",
            "95",
            {"JOB-LOCAL": "4", "APPRENTICE-WK": "156", "VOLUNTEER-HR": "450", "GRANT-VCSE": "9000"},
        ),
    ),
    (
        Decimal("1289000.00"),
        _answers("12", "40", {"JOB-LOCAL": "1", "VOLUNTEER-HR": "80"}),
    ),
]


def _works_tender(
    organisation_id: uuid.UUID,
    officer: User,
    works: WeightingTemplate,
    *,
    reference: str,
    title: str,
    description: str,
    estimated_value: Decimal,
    published: datetime,
    deadline: datetime,
) -> Tender:
    """A published tender on the Works template."""
    return Tender(
        organisation_id=organisation_id,
        reference=reference,
        title=title,
        description=description,
        cpv_codes=["45000000-7", "45454000-4"],
        estimated_value=estimated_value,
        currency="GBP",
        submission_deadline=deadline,
        status=TenderStatus.OPEN,
        published_at=published,
        measure_values_on=published.date(),
        created_by_id=officer.id,
        criteria=dict(works.tree),
        evaluation_rules=dict(works.rules),
        criteria_template_id=works.id,
    )


def _add_bids(
    session: AsyncSession,
    tender: Tender,
    suppliers: list[Supplier],
    users: list[User],
    bids: list[tuple[Decimal, dict[str, Any]]],
    now: datetime,
) -> None:
    """Bids from the suppliers, received a day apart, the first five days ago."""
    for offset_days, (supplier, user, (price, answers)) in enumerate(
        zip(suppliers, users, bids, strict=True)
    ):
        received = min(now - timedelta(days=5 - offset_days), tender.submission_deadline)
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
                **answers,
            )
        )


async def seed_demo(session: AsyncSession) -> list[DemoLogin] | None:
    """Seed the demo once; returns the logins, or None if the database already has data."""
    if await session.scalar(sa.select(sa.func.count()).select_from(Organisation)):
        return None
    council = Organisation(
        name="Wellingborough Vale Borough Council (demo)",
        local_area=["NN8", "NN9", "NN10", "NN29"],
    )
    session.add_all([council, AuditChainHead(organisation_id=council.id)])
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
    for measure in _CATALOGUE:
        row = Measure(
            organisation_id=council.id,
            code=measure.code,
            theme=measure.theme,
            description=measure.description,
            unit=measure.unit,
        )
        session.add(row)
        await session.flush()
        session.add_all(
            MeasureValue(measure_id=row.id, value_per_unit=Decimal(value), effective_from=start)
            for value, start in measure.values
        )
    templates = [
        WeightingTemplate(
            organisation_id=council.id,
            name=name,
            description=description,
            tree=tree.model_dump(mode="json"),
            rules=EvaluationRulesSchema().model_dump(mode="json"),
        )
        for name, description, tree in _TEMPLATES
    ]
    session.add_all(templates)
    await session.flush()
    works = templates[0]
    now = utc_now()
    officer = staff[1]
    evaluators = [user for user in staff if user.role is Role.EVALUATOR]
    published = now - timedelta(days=7)
    open_tender = _works_tender(
        council.id,
        officer,
        works,
        reference="WVBC/2026/031",
        title="Swanspool Community Hub refurbishment",
        description=(
            "Refurbishment of the Swanspool Community Hub: roof, insulation and heating "
            "replacement, with accessible entrances and a training kitchen."
        ),
        estimated_value=Decimal("1180000.00"),
        published=published,
        deadline=now + timedelta(days=21),
    )
    closed_published = now - timedelta(days=40)
    closed_tender = _works_tender(
        council.id,
        officer,
        works,
        reference="WVBC/2026/019",
        title="Castle Fields sports pavilion rebuild",
        description=(
            "Demolition of the 1960s pavilion at Castle Fields and a new, low-carbon pavilion "
            "with changing rooms, a community room and accessible toilets."
        ),
        estimated_value=Decimal("1450000.00"),
        published=closed_published,
        deadline=now - timedelta(days=2),
    )
    closed_tender.status = TenderStatus.CLOSED
    closed_tender.closed_at = closed_tender.submission_deadline
    session.add_all([open_tender, closed_tender])
    await session.flush()
    _add_bids(session, open_tender, suppliers[:2], supplier_users[:2], _OPEN_BIDS, now)
    _add_bids(session, closed_tender, suppliers[:3], supplier_users, _CLOSED_BIDS, now)
    # Evan scores every criterion; Esther scores quality only, so blind pricing hides prices
    # from her.
    for evaluator, groups in zip(evaluators, ([], ["quality"]), strict=True):
        session.add(
            EvaluatorAssignment(
                tender_id=closed_tender.id,
                user_id=evaluator.id,
                assigned_by_id=officer.id,
                group_keys=groups,
            )
        )
    await session.flush()
    await seed_capital_programme(
        session,
        officer=officer,
        finance=next(user for user in staff if user.role is Role.FINANCE),
        evaluator=evaluators[0],
        works=works,
        suppliers=suppliers,
        answers=_answers,
        today=now.date(),
    )
    acting = principal_for(officer)
    for tender in (open_tender, closed_tender):
        await record(
            session,
            acting,
            organisation_id=council.id,
            entity_type="tender",
            entity_id=tender.id,
            action="seed",
            summary=f"Demo tender {tender.reference} loaded ({tender.status.value})",
            tender_id=tender.id,
        )
    await session.commit()
    return logins
