"""A tender's award criteria: edited while it is a draft, frozen once published, and the
questions they put to bidders."""

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Permission
from procurement.errors import ConflictError, FieldError, InputError
from procurement.models import Tender, WeightingTemplate
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.bid import BidAnswers
from procurement.schemas.criteria import (
    CriteriaTreeSchema,
    CriterionSchema,
    EvaluationRulesSchema,
)
from procurement.schemas.tender_criteria import (
    BidRequirements,
    CriteriaCheck,
    MetricQuestion,
    PassFailQuestion,
    QualityQuestion,
    RequestedMeasure,
    TenderCriteriaRead,
    TenderCriteriaUpdate,
)
from procurement.services.audit import record_on_tender
from procurement.services.criteria_checks import check_context, tree_issues, weight_totals
from procurement.services.measures import catalogue_on, measure_codes
from procurement.services.queries import check_version, get_owned
from procurement.services.tenders import TenderService
from scoring.criteria import Method


def tree_of(tender: Tender) -> CriteriaTreeSchema:
    """The tender's criteria tree."""
    return CriteriaTreeSchema.model_validate(tender.criteria)


def valued_on(tender: Tender) -> date:
    """The date whose catalogue values apply: the publication date, or today for a draft."""
    return tender.measure_values_on or utc_now().date()


def criteria_state(tender: Tender) -> dict[str, Any]:
    """A tender's criteria, rules and source template, as their audit events keep them."""
    template_id = tender.criteria_template_id
    return {
        "criteria": tender.criteria,
        "evaluation_rules": tender.evaluation_rules,
        "criteria_template_id": None if template_id is None else str(template_id),
    }


def _criteria(tree: CriteriaTreeSchema, method: Method) -> list[CriterionSchema]:
    return [c for g in tree.groups for c in g.criteria if c.method is method]


def _keys(tree: CriteriaTreeSchema, method: Method) -> list[str]:
    return [c.key for c in _criteria(tree, method)]


def _answer_errors(
    field: str, asked: list[str], answered: Mapping[str, object]
) -> list[FieldError]:
    errors = [
        FieldError(f"{field}.{key}", "Answer this question")
        for key in asked
        if key not in answered or answered[key] == ""
    ]
    errors += [
        FieldError(f"{field}.{key}", "The tender asks no such question")
        for key in answered
        if key not in asked
    ]
    return errors


class CriteriaService:
    """Reads, edits and checks tender criteria, and says what a bid must answer."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def _read(self, tender: Tender) -> TenderCriteriaRead:
        tree = tree_of(tender)
        context = await check_context(self.session, tender.organisation_id, valued_on(tender))
        return TenderCriteriaRead(
            tree=tree,
            rules=EvaluationRulesSchema.model_validate(tender.evaluation_rules),
            issues=tree_issues(tree, context),
            frozen=tender.status is not TenderStatus.DRAFT,
            template_id=tender.criteria_template_id,
            version=tender.version,
        )

    async def _draft(self, tender_id: uuid.UUID, version: int) -> Tender:
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id, for_update=True)
        if tender.status is not TenderStatus.DRAFT:
            raise ConflictError(
                f"The criteria were frozen when the tender was published; it is now "
                f"{tender.status.value}",
                code="criteria_frozen",
                current_status=tender.status.value,
            )
        check_version("The tender", tender.version, version)
        return tender

    async def _audit(
        self, tender: Tender, action: str, summary: str, before: dict[str, Any]
    ) -> None:
        await record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type="tender_criteria",
            entity_id=tender.id,
            action=action,
            summary=summary,
            before=before,
            after=criteria_state(tender),
        )

    async def get(self, tender_id: uuid.UUID) -> TenderCriteriaRead:
        """The tender's criteria, rules and issues."""
        return await self._read(await self.tenders.load(tender_id))

    async def replace(self, tender_id: uuid.UUID, data: TenderCriteriaUpdate) -> TenderCriteriaRead:
        """Save a draft tender's whole tree (and rules); an incomplete tree is kept."""
        tender = await self._draft(tender_id, data.version)
        before = criteria_state(tender)
        tender.criteria = data.tree.model_dump(mode="json")
        if data.rules is not None:
            tender.evaluation_rules = data.rules.model_dump(mode="json")
        tender.touch()
        summary = f"Changed the award criteria of tender {tender.reference}"
        await self._audit(tender, "replace_criteria", summary, before)
        await self.session.commit()
        return await self._read(tender)

    async def copy_template(
        self, tender_id: uuid.UUID, template_id: uuid.UUID, version: int
    ) -> TenderCriteriaRead:
        """Replace a draft tender's criteria and rules with a copy of a template's."""
        tender = await self._draft(tender_id, version)
        template = await get_owned(
            self.session,
            WeightingTemplate,
            template_id,
            self.actor.organisation_id,
            "Weighting template",
        )
        before = criteria_state(tender)
        # A copy, not a link: later edits to the template leave this tender as it is. Read and
        # written back whole, so the tender holds every setting, defaults included.
        tender.criteria = CriteriaTreeSchema.model_validate(template.tree).model_dump(mode="json")
        tender.evaluation_rules = EvaluationRulesSchema.model_validate(template.rules).model_dump(
            mode="json"
        )
        tender.criteria_template_id = template.id
        tender.touch()
        summary = (
            f"Copied weighting template {template.name} into the award criteria of tender "
            f"{tender.reference}"
        )
        await self._audit(tender, "copy_template", summary, before)
        await self.session.commit()
        return await self._read(tender)

    async def check(
        self, tree: CriteriaTreeSchema, tender_id: uuid.UUID | None = None
    ) -> CriteriaCheck:
        """The issues and running sums of a tree being edited, without saving it.

        With a tender, the tree is checked against the catalogue on that tender's date.
        """
        if not self.actor.can(Permission.MANAGE_TENDERS):
            self.actor.require(Permission.MANAGE_TEMPLATES)
        on = utc_now().date()
        if tender_id is not None:
            on = valued_on(await self.tenders.load(tender_id))
        context = await check_context(self.session, self.actor.organisation_id, on)
        group_total, criteria_totals = weight_totals(tree)
        return CriteriaCheck(
            issues=tree_issues(tree, context),
            group_total=group_total,
            criteria_totals=criteria_totals,
        )

    async def bid_requirements(self, tender_id: uuid.UUID) -> BidRequirements:
        """What a bid for the tender must answer, and the measures it is asked to commit to."""
        tender = await self.tenders.load(tender_id)
        tree = tree_of(tender)
        catalogue = await catalogue_on(self.session, tender.organisation_id, valued_on(tender))
        codes = dict.fromkeys(
            code for c in _criteria(tree, Method.SOCIAL_VALUE_MEASURES) for code in c.measures
        )
        measures = []
        for code in codes:
            proxy = catalogue.get(code)
            measures.append(
                RequestedMeasure(
                    code=code,
                    description=proxy.description if proxy else "",
                    unit=proxy.unit if proxy else "",
                    value_per_unit=proxy.value_per_unit if proxy else None,
                )
            )
        return BidRequirements(
            metric_questions=[
                MetricQuestion(
                    key=c.key, name=c.name, question=c.question, unit=c.unit, direction=c.direction
                )
                for c in _criteria(tree, Method.METRIC)
            ],
            pass_fail_questions=[
                PassFailQuestion(key=c.key, name=c.name, question=c.question)
                for c in _criteria(tree, Method.PASS_FAIL)
            ],
            quality_questions=[
                QualityQuestion(
                    key=c.key,
                    name=c.name,
                    question=c.question,
                    scale_maximum=c.scale.maximum if c.scale else None,
                    levels=c.scale.levels if c.scale else [],
                )
                for c in _criteria(tree, Method.JUDGEMENT)
            ],
            measures=measures,
        )


async def check_answers(session: AsyncSession, tender: Tender, answers: BidAnswers) -> None:
    """Refuse answers that leave a question of the tender unanswered, answer one it does not ask,
    or commit to a measure the organisation's catalogue does not hold."""
    tree = tree_of(tender)
    errors = [
        *_answer_errors("metric_answers", _keys(tree, Method.METRIC), answers.metric_answers),
        *_answer_errors(
            "pass_fail_answers", _keys(tree, Method.PASS_FAIL), answers.pass_fail_answers
        ),
        *_answer_errors(
            "quality_responses", _keys(tree, Method.JUDGEMENT), answers.quality_responses
        ),
    ]
    codes = [c.measure_code for c in answers.commitments]
    known = await measure_codes(session, tender.organisation_id, set(codes))
    for index, code in enumerate(codes):
        field = f"commitments.{index}.measure_code"
        if code not in known:
            errors.append(FieldError(field, f"{code} is not in the measure catalogue"))
        elif code in codes[:index]:
            errors.append(FieldError(field, f"Commit to {code} once, with the whole quantity"))
    if errors:
        raise InputError(errors, detail="The bid does not answer what the tender asks")
