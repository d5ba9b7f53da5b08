"""CriteriaService and publishing on a real database: copies, the freeze, checks and questions."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderAction, TenderStatus
from procurement.domain.roles import Role
from procurement.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from procurement.models import Tender
from procurement.models.base import utc_now
from procurement.schemas.bid import BidSubmit, CommitmentSchema
from procurement.schemas.criteria import CriteriaTreeSchema
from procurement.schemas.tender import TenderTransition
from procurement.schemas.tender_criteria import TenderCriteriaUpdate
from procurement.services.bids import BidService
from procurement.services.criteria import CriteriaService
from procurement.services.tenders import TenderService
from scoring.validation import Severity
from tests.factories import (
    asking_everything,
    criterion,
    group,
    make_measure,
    make_template,
    make_tender,
    price_and_locality,
    tree,
)
from tests.integration.support import Council, each_refused, supplier_account

EMPTY: dict[str, Any] = {"groups": []}


async def tender_of(
    session: AsyncSession,
    council: Council,
    criteria: Any = None,
    status: TenderStatus = TenderStatus.DRAFT,
) -> Tender:
    """A tender of the council, a draft unless told otherwise, with empty criteria unless given
    some."""
    return await make_tender(
        session,
        council.organisation,
        council.officer_user,
        status,
        criteria=EMPTY if criteria is None else criteria,
    )


def update(criteria: dict[str, Any], version: int = 1) -> TenderCriteriaUpdate:
    """A whole-tree save, sent with the version read."""
    return TenderCriteriaUpdate(tree=CriteriaTreeSchema.model_validate(criteria), version=version)


async def test_a_copied_template_is_kept_as_a_copy(session: AsyncSession, council: Council) -> None:
    template = await make_template(session, council.organisation, tree=asking_everything())
    draft = await tender_of(session, council)
    service = CriteriaService(session, council.officer)
    copied = await service.copy_template(draft.id, template.id, version=1)
    assert (copied.template_id, copied.version) == (template.id, 2)
    assert copied.tree == CriteriaTreeSchema.model_validate(template.tree)
    # Measures the catalogue lacks are named, so the copy cannot be published as it is.
    assert [i.path for i in copied.issues] == ["groups.social-value.criteria.commitments.measures"]
    template.tree = EMPTY
    await session.commit()
    assert (await service.get(draft.id)).tree == copied.tree


async def test_another_organisations_template_cannot_be_copied(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    theirs = await make_template(session, other_council.organisation)
    draft = await tender_of(session, council)
    service = CriteriaService(session, council.officer)
    await each_refused(NotFoundError, service.copy_template(draft.id, theirs.id, version=1))
    assert (await service.get(draft.id)).version == 1


async def test_publishing_freezes_the_criteria_and_fixes_their_valuation_date(
    session: AsyncSession, council: Council
) -> None:
    draft = await tender_of(session, council)
    service = CriteriaService(session, council.officer)
    await service.replace(draft.id, update(price_and_locality()))
    opened = await TenderService(session, council.officer).transition(
        draft.id, TenderAction.PUBLISH, TenderTransition()
    )
    assert opened.measure_values_on == utc_now().date()
    template = await make_template(session, council.organisation)
    refusals = await each_refused(
        ConflictError,
        service.replace(draft.id, update(EMPTY, opened.version)),
        service.copy_template(draft.id, template.id, opened.version),
        code="criteria_frozen",
    )
    assert {r.extra["current_status"] for r in refusals} == {"open"}
    assert (await service.get(draft.id)).frozen is True


async def test_publishing_a_wrong_tree_names_every_error_but_no_warning(
    session: AsyncSession, council: Council
) -> None:
    council.organisation.social_value_policy = Severity.WARNING
    await session.commit()
    wrong = tree(
        group("price", "price", "97", criterion("price", "60")),
        group("local", "localism", "2", criterion("local", "100", "local_supplier")),
    )
    draft = await tender_of(session, council, wrong)
    [refusal] = await each_refused(
        DomainError,
        TenderService(session, council.officer).transition(
            draft.id, TenderAction.PUBLISH, TenderTransition()
        ),
        code="criteria_invalid",
    )
    assert refusal.status_code == 422
    assert [(e.field, e.message) for e in refusal.errors] == [
        ("criteria.groups", "Group weights add up to 99%; they must add up to 100%"),
        (
            "criteria.groups.price.criteria",
            "'Price' criteria weights add up to 60%; they must add up to 100%",
        ),
    ]
    read = await CriteriaService(session, council.officer).get(draft.id)
    assert [i.severity for i in read.issues] == ["error", "error", "warning"]


async def test_running_sums_are_for_those_who_build_trees(
    session: AsyncSession, council: Council
) -> None:
    being_typed = CriteriaTreeSchema.model_validate(
        tree(
            group("price", "price", "55.5", criterion("price", "100")),
            group("quality", "quality", "40", criterion("a", "33.3"), criterion("b", "33.3")),
        )
    )
    for role in (Role.ADMIN, Role.PROCUREMENT):
        check = await CriteriaService(session, council.as_role(role)).check(being_typed)
        assert (check.group_total, check.criteria_totals) == (
            Decimal("95.5"),
            {"price": Decimal(100), "quality": Decimal("66.6")},
        )
    for role in (Role.EVALUATOR, Role.FINANCE):
        await each_refused(
            ForbiddenError,
            CriteriaService(session, council.as_role(role)).check(being_typed),
            code="role_forbidden",
        )


async def test_bids_are_asked_for_measures_at_the_publication_dates_values(
    session: AsyncSession, council: Council
) -> None:
    values = [("100.00", date(2024, 4, 1)), ("150.00", utc_now().date() - timedelta(days=1))]
    await make_measure(session, council.organisation, "JOB-LOCAL", values, unit="job-year")
    published = await tender_of(session, council, asking_everything(), TenderStatus.OPEN)
    published.measure_values_on = date(2025, 1, 1)
    draft = await tender_of(session, council, asking_everything())
    service = CriteriaService(session, council.as_role(Role.EVALUATOR))
    asked = await service.bid_requirements(published.id)
    assert [(m.code, m.unit, m.value_per_unit) for m in asked.measures] == [
        ("JOB-LOCAL", "job-year", Decimal("100.00"))
    ]
    assert [q.key for q in asked.metric_questions] == ["local-spend"]
    assert [q.key for q in asked.pass_fail_questions] == ["insured"]
    assert [(q.key, q.scale_maximum) for q in asked.quality_questions] == [("method", Decimal(5))]
    # A draft is not yet valued, so it shows today's values.
    [today] = (await service.bid_requirements(draft.id)).measures
    assert today.value_per_unit == Decimal("150.00")


async def test_bid_answers_are_stored_as_the_exact_decimals_sent(
    session: AsyncSession, council: Council
) -> None:
    await make_measure(session, council.organisation, "JOB-LOCAL", [("1.00", date(2024, 4, 1))])
    tender = await tender_of(session, council, asking_everything(), TenderStatus.OPEN)
    _, bidder = await supplier_account(session, council)
    sent = BidSubmit(
        price=Decimal("95000"),
        metric_answers={"local-spend": Decimal("62.5000")},
        pass_fail_answers={"insured": False},
        quality_responses={"method": "Carefully."},
        commitments=[CommitmentSchema(measure_code="JOB-LOCAL", quantity=Decimal("0.0001"))],
    )
    bid = await BidService(session, bidder).submit(tender.id, sent)
    session.expunge_all()
    read = await BidService(session, bidder).get(tender.id, bid.id)
    assert str(read.metric_answers["local-spend"]) == "62.5000"
    assert read.pass_fail_answers == {"insured": False}
    assert [(c.measure_code, str(c.quantity)) for c in read.commitments] == [
        ("JOB-LOCAL", "0.0001")
    ]


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.FINANCE, Role.ADMIN])
async def test_only_procurement_officers_edit_criteria(
    session: AsyncSession, council: Council, role: Role
) -> None:
    draft = await tender_of(session, council)
    template = await make_template(session, council.organisation)
    service = CriteriaService(session, council.as_role(role))
    assert (await service.get(draft.id)).tree.groups == []
    await each_refused(
        ForbiddenError,
        service.replace(draft.id, update(price_and_locality())),
        service.copy_template(draft.id, template.id, version=1),
        code="role_forbidden",
    )
