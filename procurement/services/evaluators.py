"""Evaluators on a tender: the lead assigns them, changes their groups, or takes them off."""

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.evaluation import Declaration
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Permission, Role
from procurement.errors import ConflictError, InputError, NotFoundError
from procurement.models import EvaluatorAssignment, Score, Tender, User
from procurement.principal import Principal
from procurement.schemas.criteria import CriteriaTreeSchema
from procurement.schemas.evaluators import EvaluatorAssign, EvaluatorRead, EvaluatorUpdate
from procurement.schemas.tender import TenderRead
from procurement.services import audit
from procurement.services.evaluator_access import clearance_of
from procurement.services.queries import check_version
from procurement.services.tenders import TenderService

ENTITY = "evaluator_assignment"


def require_any(actor: Principal, *permissions: Permission) -> None:
    """403 role_forbidden unless the role grants at least one of the permissions."""
    if not any(actor.can(p) for p in permissions):
        actor.require(permissions[0])


def require_staffing_open(tender: Tender) -> None:
    """Evaluators can be assigned and changed until the tender is awarded or cancelled."""
    if tender.status in {TenderStatus.AWARDED, TenderStatus.CANCELLED}:
        code = "tender_awarded" if tender.status is TenderStatus.AWARDED else "tender_cancelled"
        raise ConflictError(
            f"The tender is {tender.status.value}; its evaluators can no longer change",
            code=code,
            current_status=tender.status.value,
        )


async def read_assignments(
    session: AsyncSession, rows: list[EvaluatorAssignment]
) -> list[EvaluatorRead]:
    """The API shape of assignments, with each evaluator's name and email."""
    ids = {row.user_id for row in rows}
    users = {u.id: u for u in await session.scalars(sa.select(User).where(col(User.id).in_(ids)))}
    return [
        EvaluatorRead.model_validate(
            {
                **row.model_dump(),
                "evaluator_name": users[row.user_id].full_name,
                "evaluator_email": users[row.user_id].email,
                "clearance": clearance_of(row),
            }
        )
        for row in rows
    ]


async def load_assignment(
    session: AsyncSession, tender: Tender, assignment_id: uuid.UUID
) -> EvaluatorAssignment:
    """An assignment on this tender, locked for the change, or 404."""
    row = await session.scalar(
        sa.select(EvaluatorAssignment)
        .where(
            col(EvaluatorAssignment.id) == assignment_id,
            col(EvaluatorAssignment.tender_id) == tender.id,
        )
        .with_for_update()
    )
    if row is None:
        raise NotFoundError("Evaluator assignment")
    return row


def _check_group_keys(tender: Tender, keys: list[str]) -> None:
    known = {g.key for g in CriteriaTreeSchema.model_validate(tender.criteria).groups}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise InputError.single(
            "group_keys", f"The award criteria have no group {', '.join(unknown)}"
        )


@dataclass(frozen=True)
class Assigned:
    """A tender an evaluator is assigned to, with where they stand on it."""

    tender: TenderRead
    assignment: EvaluatorRead


class EvaluatorService:
    """Who evaluates a tender, and which criteria groups each of them scores."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def assignments(self, tender_id: uuid.UUID) -> list[EvaluatorRead]:
        """Every evaluator for the lead and administrators; an evaluator sees only their own."""
        require_any(self.actor, Permission.READ_EVALUATION, Permission.EVALUATE_BIDS)
        tender = await self.tenders.load(tender_id)
        statement = (
            sa.select(EvaluatorAssignment)
            .where(col(EvaluatorAssignment.tender_id) == tender.id)
            .order_by(col(EvaluatorAssignment.created_at), col(EvaluatorAssignment.id))
        )
        if not self.actor.can(Permission.READ_EVALUATION):
            statement = statement.where(col(EvaluatorAssignment.user_id) == self.actor.user_id)
        return await read_assignments(self.session, list(await self.session.scalars(statement)))

    async def assignment(self, tender_id: uuid.UUID, assignment_id: uuid.UUID) -> EvaluatorRead:
        """One of the assignments the caller may see, or 404."""
        found = [a for a in await self.assignments(tender_id) if a.id == assignment_id]
        if not found:
            raise NotFoundError("Evaluator assignment")
        return found[0]

    async def candidates(self, tender_id: uuid.UUID) -> list[User]:
        """Active evaluators of the organisation not yet on the tender, by name."""
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id)
        taken = sa.select(col(EvaluatorAssignment.user_id)).where(
            col(EvaluatorAssignment.tender_id) == tender.id
        )
        rows = await self.session.scalars(
            sa.select(User)
            .where(
                col(User.organisation_id) == self.actor.organisation_id,
                col(User.role) == Role.EVALUATOR,
                col(User.is_active),
                col(User.id).not_in(taken),
            )
            .order_by(col(User.full_name), col(User.id))
        )
        return list(rows)

    async def assigned_to_me(self) -> list[Assigned]:
        """The tenders the signed-in evaluator is assigned to, newest assignment first."""
        self.actor.require(Permission.EVALUATE_BIDS)
        rows = list(
            await self.session.scalars(
                sa.select(EvaluatorAssignment)
                .join(Tender, col(Tender.id) == col(EvaluatorAssignment.tender_id))
                .where(
                    col(EvaluatorAssignment.user_id) == self.actor.user_id,
                    col(Tender.organisation_id) == self.actor.organisation_id,
                )
                .order_by(col(EvaluatorAssignment.created_at).desc())
            )
        )
        reads = await read_assignments(self.session, rows)
        return [Assigned(await self.tenders.get(read.tender_id), read) for read in reads]

    async def _user(self, user_id: uuid.UUID) -> User:
        user = await self.session.scalar(
            sa.select(User).where(
                col(User.id) == user_id, col(User.organisation_id) == self.actor.organisation_id
            )
        )
        if user is None or user.role is not Role.EVALUATOR or not user.is_active:
            raise InputError.single(
                "user_id", "Choose an active user of your organisation with the evaluator role"
            )
        return user

    async def assign(self, tender_id: uuid.UUID, data: EvaluatorAssign) -> EvaluatorRead:
        """Put an evaluator on the tender, scoring the groups named (or every group)."""
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id, for_update=True)
        require_staffing_open(tender)
        user = await self._user(data.user_id)
        _check_group_keys(tender, data.group_keys)
        clash = await self.session.scalar(
            sa.select(col(EvaluatorAssignment.id)).where(
                col(EvaluatorAssignment.tender_id) == tender.id,
                col(EvaluatorAssignment.user_id) == user.id,
            )
        )
        if clash is not None:
            raise ConflictError(
                f"{user.full_name} is already an evaluator of this tender",
                code="evaluator_assigned",
                assignment_id=str(clash),
            )
        row = EvaluatorAssignment(
            tender_id=tender.id,
            user_id=user.id,
            assigned_by_id=self.actor.user_id,
            group_keys=data.group_keys,
        )
        self.session.add(row)
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type=ENTITY,
            entity_id=row.id,
            action="assign",
            summary=f"Assigned {user.full_name} to evaluate {tender.reference}",
            after=audit.snapshot(row),
        )
        try:
            await self.session.commit()
        except IntegrityError as error:  # a simultaneous assignment of the same person won
            await self.session.rollback()
            raise ConflictError(
                f"{user.full_name} is already an evaluator of this tender",
                code="evaluator_assigned",
            ) from error
        return (await read_assignments(self.session, [row]))[0]

    async def update(
        self, tender_id: uuid.UUID, assignment_id: uuid.UUID, data: EvaluatorUpdate
    ) -> EvaluatorRead:
        """Change the groups an evaluator scores, until they have submitted their scores."""
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id, for_update=True)
        row = await load_assignment(self.session, tender, assignment_id)
        require_staffing_open(tender)
        check_version("The evaluator assignment", row.version, data.version)
        if row.scores_submitted_at is not None:
            raise ConflictError(
                "This evaluator has submitted their scores; their groups are fixed",
                code="scores_submitted",
            )
        _check_group_keys(tender, data.group_keys)
        before = audit.snapshot(row)
        row.group_keys = data.group_keys
        row.touch()
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type=ENTITY,
            entity_id=row.id,
            action="update",
            summary=f"Changed the groups an evaluator of {tender.reference} scores",
            before=before,
            after=audit.snapshot(row),
        )
        await self.session.commit()
        return (await read_assignments(self.session, [row]))[0]

    async def remove(self, tender_id: uuid.UUID, assignment_id: uuid.UUID) -> None:
        """Take an evaluator off the tender before they have declared or scored anything.

        After that their part stays on the record; the lead removes them with a decision on
        their declared interest instead.
        """
        self.actor.require(Permission.MANAGE_TENDERS)
        tender = await self.tenders.load(tender_id, for_update=True)
        row = await load_assignment(self.session, tender, assignment_id)
        require_staffing_open(tender)
        scored = await self.session.scalar(
            sa.select(sa.func.count()).where(
                col(Score.tender_id) == tender.id, col(Score.evaluator_id) == row.user_id
            )
        )
        if row.declaration is not Declaration.NOT_DECLARED or scored:
            raise ConflictError(
                "This evaluator has declared or scored, so their part stays on the record; "
                "record a decision to remove them instead",
                code="evaluator_engaged",
            )
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type=ENTITY,
            entity_id=row.id,
            action="unassign",
            summary=f"Took an evaluator off {tender.reference} before they took part",
            before=audit.snapshot(row),
        )
        await self.session.delete(row)
        await self.session.commit()
