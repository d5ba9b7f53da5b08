"""The demo seed: one council, logins that work, a catalogue, templates, an open tender with
answered bids to look at, a closed one ready for its two evaluators, two awarded tenders and a
capital programme with spend."""

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.demo import DemoLogin, seed_demo
from procurement.domain.evaluation import Declaration
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import (
    Award,
    Bid,
    CapitalProject,
    EvaluatorAssignment,
    Organisation,
    ProjectBudgetProfile,
    ProjectFunding,
    ProjectTender,
    SpendTransaction,
    Tender,
    User,
)
from procurement.principal import Principal
from procurement.schemas.bid import BidAnswers
from procurement.schemas.measure import MeasureTheme
from procurement.services.auth import AuthService, principal_for
from procurement.services.bids import BidService
from procurement.services.criteria import CriteriaService, check_answers
from procurement.services.evaluation import current_result
from procurement.services.measures import MeasureService
from procurement.services.suppliers import SupplierService
from procurement.services.tenders import TenderFilter, TenderService
from procurement.services.weighting_templates import WeightingTemplateService
from scoring.criteria import Method
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
    open_only = TenderFilter(status=TenderStatus.OPEN)
    [tender] = (await TenderService(session, officer).list(open_only, 10, 0)).items
    assert tender.bid_count == 2
    bids = await BidService(session, officer).list(tender.id, 10, 0)
    assert bids.total == 2
    assert all(item.sealed for item in bids.items)
    suppliers = (await SupplierService(session, officer).list(50, 0)).items
    for flag in ("is_local", "is_sme", "is_vcse"):
        assert {getattr(s, flag) for s in suppliers} == {True, False}, flag
    assert any(s.is_local and s.is_vcse for s in suppliers)


async def test_the_demo_catalogue_has_a_revalued_measure_and_publishable_templates(
    session: AsyncSession,
) -> None:
    await _seed(session)
    admin = await _demo_user(session, Role.ADMIN)
    measures = (await MeasureService(session, admin).list(50, 0)).items
    assert {m.theme for m in measures} == set(MeasureTheme)
    assert any(len(m.values) >= 2 for m in measures)
    assert all(m.current_value is not None and m.current_value > 0 for m in measures)
    templates = (await WeightingTemplateService(session, admin).list(10, 0)).items
    assert {t.name for t in templates} == {"Works over £1m", "Care services"}
    assert all(t.issues == [] for t in templates)
    methods = {c.method for t in templates for g in t.tree.groups for c in g.criteria}
    assert methods >= {
        Method.PRICE_RELATIVE,
        Method.JUDGEMENT,
        Method.METRIC,
        Method.SOCIAL_VALUE_MEASURES,
        Method.LOCAL_SUPPLIER,
        Method.PASS_FAIL,
    }


@pytest.mark.parametrize(("status", "bid_count"), [("open", 2), ("closed", 3)])
async def test_the_demo_tenders_use_the_works_template_and_their_bids_answer_it(
    session: AsyncSession, status: str, bid_count: int
) -> None:
    await _seed(session)
    officer = await _demo_user(session, Role.PROCUREMENT)
    in_status = TenderFilter(status=TenderStatus(status))
    [tender] = (await TenderService(session, officer).list(in_status, 10, 0)).items
    criteria = await CriteriaService(session, officer).get(tender.id)
    assert criteria.template_id is not None
    works = await WeightingTemplateService(session, officer).get(criteria.template_id)
    assert (works.name, criteria.tree, criteria.frozen, criteria.issues) == (
        "Works over £1m",
        works.tree,
        True,
        [],
    )
    asked = await CriteriaService(session, officer).bid_requirements(tender.id)
    assert all(m.value_per_unit is not None for m in asked.measures)
    row = await session.get(Tender, tender.id)
    assert row is not None
    bids = (await session.scalars(sa.select(Bid).where(col(Bid.tender_id) == row.id))).all()
    assert len(bids) == bid_count
    for bid in bids:
        # The same check a submission goes through: every question answered, every code known.
        await check_answers(session, row, BidAnswers.model_validate(bid.model_dump()))
        assert bid.commitments


async def test_the_closed_demo_tender_has_two_evaluators_waiting_to_declare(
    session: AsyncSession,
) -> None:
    await _seed(session)
    officer = await _demo_user(session, Role.PROCUREMENT)
    closed = TenderFilter(status=TenderStatus.CLOSED)
    [tender] = (await TenderService(session, officer).list(closed, 10, 0)).items
    assignments = (
        await session.scalars(
            sa.select(EvaluatorAssignment).where(col(EvaluatorAssignment.tender_id) == tender.id)
        )
    ).all()
    evaluators = await session.scalars(sa.select(User).where(col(User.role) == Role.EVALUATOR))
    assert {a.user_id for a in assignments} == {user.id for user in evaluators}
    assert all(a.declaration is Declaration.NOT_DECLARED for a in assignments)
    assert sorted(a.group_keys for a in assignments) == [[], ["quality"]]
    bids = await BidService(session, officer).list(tender.id, 10, 0)
    assert bids.total == 3
    assert not any(item.sealed for item in bids.items)


async def test_the_demo_awards_go_to_the_bids_the_evaluation_ranks_first(
    session: AsyncSession,
) -> None:
    await _seed(session)
    awarded = (
        await session.scalars(sa.select(Tender).where(col(Tender.status) == TenderStatus.AWARDED))
    ).all()
    assert sorted(t.reference for t in awarded) == ["WVBC/2025/044", "WVBC/2025/061"]
    for tender in awarded:
        award = await session.scalar(sa.select(Award).where(col(Award.tender_id) == tender.id))
        assert award is not None
        result = await current_result(session, tender)
        assert result.winner is not None
        assert (result.winner.bid_id, award.winner_rank) == (str(award.bid_id), 1)


async def test_the_demo_capital_programme_has_funded_profiled_schemes_with_spend(
    session: AsyncSession,
) -> None:
    await _seed(session)
    projects = (await session.scalars(sa.select(CapitalProject))).all()
    assert len(projects) == 8
    for project in projects:
        funding = await session.scalars(
            sa.select(col(ProjectFunding.amount)).where(
                col(ProjectFunding.project_id) == project.id
            )
        )
        profile = await session.scalars(
            sa.select(col(ProjectBudgetProfile.amount)).where(
                col(ProjectBudgetProfile.project_id) == project.id
            )
        )
        # The rules a finance officer's edits are held to: both add up to the budget.
        assert sum(funding.all()) == sum(profile.all()) == project.approved_budget
    spent = await session.scalar(sa.select(sa.func.count()).select_from(SpendTransaction))
    assert spent is not None and spent > 50
    linked = (await session.scalars(sa.select(col(ProjectTender.tender_id)))).all()
    awarded = await session.scalars(
        sa.select(col(Tender.id)).where(col(Tender.status) == TenderStatus.AWARDED)
    )
    assert sorted(linked) == sorted(awarded.all())
