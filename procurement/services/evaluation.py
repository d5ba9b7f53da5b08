"""A tender's evaluation: the engine's result and sensitivity, cached by input version.

The cache lives in the database (one row per tender), so every worker process serves the
same result and only the first request after an input changes pays for the computation.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Permission
from procurement.models import EvaluationResultCache, Tender
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.evaluation import EvaluationRead, SensitivityRead
from procurement.services.engine_inputs import load_engine_inputs
from procurement.services.evaluation_state import require_evaluation_readable
from procurement.services.tenders import TenderService
from scoring.engine import evaluate
from scoring.results import EvaluationResult, SensitivityResult
from scoring.sensitivity import analyse_sensitivity

_RESULT = TypeAdapter(EvaluationResult)
_SENSITIVITY = TypeAdapter(SensitivityResult)


@dataclass(frozen=True)
class Evaluation:
    """The engine's findings for one tender at one input version."""

    tender_id: uuid.UUID
    input_version: int
    computed_at: datetime
    result: EvaluationResult
    sensitivity: SensitivityResult


def _from_row(row: EvaluationResultCache) -> Evaluation:
    return Evaluation(
        tender_id=row.tender_id,
        input_version=row.input_version,
        computed_at=row.computed_at,
        result=_RESULT.validate_python(row.result),
        sensitivity=_SENSITIVITY.validate_python(row.sensitivity),
    )


def _upsert(session: AsyncSession, values: dict[str, Any]) -> sa.Executable:
    """Insert the row, or replace an older version of it; never clash with a racing writer.

    Two workers may compute the same version at once: the second's insert meets the first's
    row and, its version being no newer, leaves it be instead of failing on the primary key.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(EvaluationResultCache).values(**values)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[col(EvaluationResultCache.tender_id)],
        set_={name: excluded[name] for name in values if name != "tender_id"},
        where=col(EvaluationResultCache.input_version) < excluded.input_version,
    )


async def _cached(session: AsyncSession, tender_id: uuid.UUID) -> EvaluationResultCache | None:
    # populate_existing: another worker may have replaced the row since this session saw it.
    row: EvaluationResultCache | None = await session.scalar(
        sa.select(EvaluationResultCache)
        .where(col(EvaluationResultCache.tender_id) == tender_id)
        .execution_options(populate_existing=True)
    )
    return row


async def current_evaluation(session: AsyncSession, tender: Tender) -> Evaluation:
    """The tender's evaluation at its current input version: cached, or computed and cached.

    No permission check and no commit: the caller decides both. The cache row is written in
    the caller's transaction, so it is kept only if the caller commits.
    """
    row = await _cached(session, tender.id)
    if row is not None and row.input_version == tender.evaluation_version:
        return _from_row(row)
    inputs = await load_engine_inputs(session, tender)
    result = evaluate(inputs.tree, inputs.bids, inputs.catalogue, inputs.rules)
    sensitivity = analyse_sensitivity(
        inputs.tree, inputs.bids, inputs.catalogue, inputs.rules, result
    )
    evaluation = Evaluation(
        tender_id=tender.id,
        input_version=tender.evaluation_version,
        computed_at=utc_now(),
        result=result,
        sensitivity=sensitivity,
    )
    await session.execute(
        _upsert(
            session,
            {
                "tender_id": tender.id,
                "input_version": evaluation.input_version,
                "result": _RESULT.dump_python(result, mode="json"),
                "sensitivity": _SENSITIVITY.dump_python(sensitivity, mode="json"),
                "computed_at": evaluation.computed_at,
            },
        )
    )
    return evaluation


async def current_result(session: AsyncSession, tender: Tender) -> EvaluationResult:
    """The engine's result for an already loaded tender (no permission check, no commit)."""
    return (await current_evaluation(session, tender)).result


def _about(evaluation: Evaluation) -> dict[str, Any]:
    # What both API shapes say about the evaluation itself.
    return {
        "tender_id": evaluation.tender_id,
        "input_version": evaluation.input_version,
        "computed_at": evaluation.computed_at,
    }


def evaluation_read(evaluation: Evaluation) -> EvaluationRead:
    """The API shape of an evaluation's result."""
    result = evaluation.result
    return EvaluationRead.model_validate(
        {
            **_about(evaluation),
            "winner_id": result.winner_id,
            "ties": result.ties,
            "bids": result.bids,
        },
        from_attributes=True,
    )


def sensitivity_read(evaluation: Evaluation) -> SensitivityRead:
    """The API shape of an evaluation's sensitivity analysis."""
    return SensitivityRead.model_validate(
        {**_about(evaluation), **vars(evaluation.sensitivity)}, from_attributes=True
    )


class EvaluationService:
    """Shows a closed tender's evaluation to those who may read it."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def load(self, tender_id: uuid.UUID) -> Evaluation:
        """The tender's current evaluation; 409 tender_not_closed while bids are sealed."""
        self.actor.require(Permission.READ_EVALUATION)
        tender = await self.tenders.load(tender_id)
        require_evaluation_readable(tender)
        evaluation = await current_evaluation(self.session, tender)
        await self.session.commit()  # keeps a freshly computed result for every worker
        return evaluation

    async def result(self, tender_id: uuid.UUID) -> EvaluationResult:
        """The engine's result: scores, totals, ranks, flags, ties and winner."""
        return (await self.load(tender_id)).result

    async def sensitivity(self, tender_id: uuid.UUID) -> SensitivityResult:
        """The engine's sensitivity analysis: weight intervals and rank reversals."""
        return (await self.load(tender_id)).sensitivity

    async def read(self, tender_id: uuid.UUID) -> EvaluationRead:
        """The result, as the API shows it."""
        return evaluation_read(await self.load(tender_id))

    async def read_sensitivity(self, tender_id: uuid.UUID) -> SensitivityRead:
        """The sensitivity analysis, as the API shows it."""
        return sensitivity_read(await self.load(tender_id))
