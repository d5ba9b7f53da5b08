"""The capital programme: schemes with their funding, budget profile and linked contracts,
and the figures derived from their spend (worked out in `capital_figures`)."""

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.capital import FundingSource, ProjectStatus, financial_year_label
from procurement.domain.dates import london_date
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Permission
from procurement.errors import ConflictError, FieldError, InputError
from procurement.models import (
    CapitalProject,
    ProjectBudgetProfile,
    ProjectFunding,
    ProjectTender,
    SpendTransaction,
    Tender,
)
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.capital_project import (
    CapitalProjectCreate,
    CapitalProjectRead,
    CapitalProjectUpdate,
    FundingLine,
    ProfileLine,
    ProfileLineRead,
    ProgrammeFiguresRead,
    ProjectFiguresRead,
    YearFiguresRead,
)
from procurement.schemas.common import Page
from procurement.services import audit
from procurement.services.capital_figures import (
    SOURCE_ORDER,
    ProjectFigures,
    programme_figures,
    project_figures,
)
from procurement.services.queries import (
    check_version,
    commit_unique,
    count_referencing,
    fetch_page,
    get_owned,
)
from scoring.presentation import money

CODE_TAKEN = "Another scheme already has this code"
# Fields a change may clear; every other field given as null is refused.
OPTIONAL_FIELDS = frozenset({"start_date", "end_date"})
SOURCE_NAMES = {
    FundingSource.BORROWING: "Borrowing",
    FundingSource.GOVERNMENT_GRANTS: "Government grants",
    FundingSource.CAPITAL_RECEIPTS: "Capital receipts",
    FundingSource.DEVELOPER_CONTRIBUTIONS: "Developer contributions",
    FundingSource.REVENUE_CONTRIBUTIONS: "Revenue contributions",
    FundingSource.OTHER: "Other",
}
PARTS = frozenset({"funding", "profile", "tender_ids"})


@dataclass(frozen=True)
class ProjectFilter:
    """What the scheme list is narrowed to: a status, a service area, text in code or name."""

    status: ProjectStatus | None = None
    service_area: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class _Parts:
    """A scheme's lists, as stored or as a change would leave them."""

    funding: list[FundingLine]
    profile: list[ProfileLine]
    tender_ids: list[uuid.UUID]

    def state(self) -> dict[str, Any]:
        """The lists as the audit trail keeps them."""
        return {
            "funding": {line.source.value: str(line.amount) for line in self.funding},
            "profile": {str(line.financial_year): str(line.amount) for line in self.profile},
            "tender_ids": [str(tender_id) for tender_id in self.tender_ids],
        }


def _sum_error(
    field: str, what: str, lines: Sequence[FundingLine | ProfileLine], budget: Decimal
) -> FieldError | None:
    total = sum((line.amount for line in lines), Decimal(0))
    if total == budget:
        return None
    gap = total - budget
    direction = "more" if gap > 0 else "less"
    return FieldError(
        field,
        f"{what} add up to {money(total)}, {money(abs(gap))} {direction} than the approved "
        f"budget of {money(budget)}",
    )


def check_parts(
    parts: _Parts, budget: Decimal, start: date | None, end: date | None
) -> list[FieldError]:
    """What is wrong with a scheme's dates, funding and profile, field by field."""
    errors: list[FieldError] = []
    if start is not None and end is not None and end < start:
        errors.append(FieldError("end_date", "The end date must be on or after the start date"))
    sources: set[FundingSource] = set()
    for index, funding in enumerate(parts.funding):
        if funding.source in sources:
            message = f"{SOURCE_NAMES[funding.source]} is listed twice; give each source once"
            errors.append(FieldError(f"funding.{index}.source", message))
        sources.add(funding.source)
    years: set[int] = set()
    for index, year in enumerate(parts.profile):
        if year.financial_year in years:
            label = financial_year_label(year.financial_year)
            message = f"{label} is listed twice; give each financial year once"
            errors.append(FieldError(f"profile.{index}.financial_year", message))
        years.add(year.financial_year)
    for error in (
        _sum_error("funding", "The funding sources", parts.funding, budget),
        _sum_error("profile", "The yearly budgets", parts.profile, budget),
    ):
        if error is not None:
            errors.append(error)
    return errors


def figures_read(figures: ProjectFigures) -> ProjectFiguresRead:
    """The API shape of a scheme's figures, with a row for every year budgeted or spent in."""
    years = sorted(set(figures.profile) | set(figures.spend_by_year))
    zero = Decimal("0.00")
    return ProjectFiguresRead.model_validate(
        {
            **vars(figures),
            "funding": [FundingLine(source=s, amount=a) for s, a in figures.funding.items()],
            "years": [
                YearFiguresRead(
                    financial_year=year,
                    label=financial_year_label(year),
                    budget=figures.profile.get(year, zero),
                    spend=figures.spend_by_year.get(year, zero),
                )
                for year in years
            ],
        },
        from_attributes=True,
    )


def today() -> date:
    """The date in England and Wales now: the default date figures are worked out for."""
    return london_date(utc_now())


class CapitalProjectService:
    """Finance keeps the schemes; procurement and administrators read them."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def _parts(self, project_ids: list[uuid.UUID]) -> dict[uuid.UUID, _Parts]:
        funding: dict[uuid.UUID, list[FundingLine]] = defaultdict(list)
        profile: dict[uuid.UUID, list[ProfileLine]] = defaultdict(list)
        tenders: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        if project_ids:
            for project_id, source, amount in await self.session.execute(
                sa.select(
                    col(ProjectFunding.project_id),
                    col(ProjectFunding.source),
                    col(ProjectFunding.amount),
                ).where(col(ProjectFunding.project_id).in_(project_ids))
            ):
                funding[project_id].append(FundingLine(source=source, amount=amount))
            for project_id, year, amount in await self.session.execute(
                sa.select(
                    col(ProjectBudgetProfile.project_id),
                    col(ProjectBudgetProfile.financial_year),
                    col(ProjectBudgetProfile.amount),
                ).where(col(ProjectBudgetProfile.project_id).in_(project_ids))
            ):
                profile[project_id].append(ProfileLine(financial_year=year, amount=amount))
            for project_id, tender_id in await self.session.execute(
                sa.select(col(ProjectTender.project_id), col(ProjectTender.tender_id))
                .join(Tender, col(Tender.id) == col(ProjectTender.tender_id))
                .where(col(ProjectTender.project_id).in_(project_ids))
                .order_by(col(Tender.reference))
            ):
                tenders[project_id].append(tender_id)
        return {
            project_id: _Parts(
                sorted(funding[project_id], key=lambda line: SOURCE_ORDER[line.source]),
                sorted(profile[project_id], key=lambda line: line.financial_year),
                tenders[project_id],
            )
            for project_id in project_ids
        }

    @staticmethod
    def _read(row: CapitalProject, parts: _Parts) -> CapitalProjectRead:
        profile = [
            ProfileLineRead(
                financial_year=line.financial_year,
                amount=line.amount,
                label=financial_year_label(line.financial_year),
            )
            for line in parts.profile
        ]
        return CapitalProjectRead.model_validate(
            {
                **row.model_dump(),
                "funding": parts.funding,
                "profile": profile,
                "tender_ids": parts.tender_ids,
            }
        )

    async def _read_many(self, rows: Sequence[CapitalProject]) -> list[CapitalProjectRead]:
        parts = await self._parts([row.id for row in rows])
        return [self._read(row, parts[row.id]) for row in rows]

    async def _load(self, project_id: uuid.UUID, *, for_update: bool = False) -> CapitalProject:
        return await get_owned(
            self.session,
            CapitalProject,
            project_id,
            self.actor.organisation_id,
            "Capital project",
            for_update=for_update,
        )

    async def _check_code_free(self, code: str, except_id: uuid.UUID | None = None) -> None:
        clash = await self.session.scalar(
            sa.select(col(CapitalProject.id)).where(
                col(CapitalProject.organisation_id) == self.actor.organisation_id,
                col(CapitalProject.code) == code,
            )
        )
        if clash is not None and clash != except_id:
            raise InputError.single("code", CODE_TAKEN)

    async def _check_tenders(self, tender_ids: list[uuid.UUID]) -> None:
        """Only the organisation's awarded tenders can be linked: their contracts exist."""
        if not tender_ids:
            return
        rows = await self.session.execute(
            sa.select(col(Tender.id), col(Tender.reference), col(Tender.status)).where(
                col(Tender.id).in_(tender_ids),
                col(Tender.organisation_id) == self.actor.organisation_id,
            )
        )
        found = {tender_id: (reference, status) for tender_id, reference, status in rows}
        missing = [
            FieldError(f"tender_ids.{index}", "There is no tender with this id")
            for index, tender_id in enumerate(tender_ids)
            if tender_id not in found
        ]
        if missing:
            raise InputError(missing, detail=missing[0].message)
        for tender_id in tender_ids:
            reference, status = found[tender_id]
            if status is not TenderStatus.AWARDED:
                raise ConflictError(
                    f"Tender {reference} is {status.value}; only an awarded tender's contract "
                    "can deliver a scheme",
                    code="tender_not_awarded",
                    tender_id=str(tender_id),
                    current_status=status.value,
                )

    def _refuse_invalid(self, errors: list[FieldError]) -> None:
        if errors:
            raise InputError(errors, detail=errors[0].message)

    async def _replace_parts(self, row: CapitalProject, parts: _Parts) -> None:
        funding, profile, tenders = ProjectFunding, ProjectBudgetProfile, ProjectTender
        for statement in (
            sa.delete(funding).where(col(funding.project_id) == row.id),
            sa.delete(profile).where(col(profile.project_id) == row.id),
            sa.delete(tenders).where(col(tenders.project_id) == row.id),
        ):
            await self.session.execute(statement)
        self._add_parts(row, parts)

    def _add_parts(self, row: CapitalProject, parts: _Parts) -> None:
        self.session.add_all(
            ProjectFunding(project_id=row.id, source=line.source, amount=line.amount)
            for line in parts.funding
        )
        self.session.add_all(
            ProjectBudgetProfile(
                project_id=row.id, financial_year=line.financial_year, amount=line.amount
            )
            for line in parts.profile
        )
        self.session.add_all(
            ProjectTender(project_id=row.id, tender_id=tender_id) for tender_id in parts.tender_ids
        )

    async def _audit(
        self,
        row: CapitalProject,
        action: str,
        summary: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        await audit.record(
            self.session,
            self.actor,
            organisation_id=row.organisation_id,
            entity_type="capital_project",
            entity_id=row.id,
            action=action,
            summary=summary,
            before=before,
            after=after,
        )

    async def service_areas(self) -> list[str]:
        """The service areas the organisation's schemes belong to, for filtering by."""
        self.actor.require(Permission.READ_CAPITAL)
        found = await self.session.scalars(
            sa.select(col(CapitalProject.service_area))
            .where(col(CapitalProject.organisation_id) == self.actor.organisation_id)
            .distinct()
            .order_by(col(CapitalProject.service_area))
        )
        return list(found)

    async def awarded_tenders(self) -> list[Tender]:
        """The organisation's awarded tenders, which schemes may be linked to, by reference."""
        self.actor.require(Permission.READ_CAPITAL)
        found = await self.session.scalars(
            sa.select(Tender)
            .where(
                col(Tender.organisation_id) == self.actor.organisation_id,
                col(Tender.status) == TenderStatus.AWARDED,
            )
            .order_by(col(Tender.reference))
        )
        return list(found)

    async def get(self, project_id: uuid.UUID) -> CapitalProjectRead:
        """One scheme."""
        self.actor.require(Permission.READ_CAPITAL)
        return (await self._read_many([await self._load(project_id)]))[0]

    async def create(self, data: CapitalProjectCreate) -> CapitalProjectRead:
        """Add a scheme whose funding and yearly profile each add up to its budget."""
        self.actor.require(Permission.MANAGE_CAPITAL)
        parts = _Parts(data.funding, data.profile, data.tender_ids)
        self._refuse_invalid(
            check_parts(parts, data.approved_budget, data.start_date, data.end_date)
        )
        await self._check_code_free(data.code)
        await self._check_tenders(data.tender_ids)
        fields = data.model_dump(exclude=set(PARTS))
        if data.forecast_outturn is None:
            fields["forecast_outturn"] = data.approved_budget
        row = CapitalProject(organisation_id=self.actor.organisation_id, **fields)
        self.session.add(row)
        self._add_parts(row, parts)
        after = audit.snapshot(row) | parts.state()
        await self._audit(row, "create", f"Created capital scheme {row.code}", None, after)
        await commit_unique(self.session, "code", CODE_TAKEN)
        return (await self._read_many([row]))[0]

    async def update(self, project_id: uuid.UUID, data: CapitalProjectUpdate) -> CapitalProjectRead:
        """Change a scheme; lists given replace the stored ones, and the sums are checked again."""
        self.actor.require(Permission.MANAGE_CAPITAL)
        row = await self._load(project_id, for_update=True)
        check_version("The capital project", row.version, data.version)
        stored = (await self._parts([row.id]))[row.id]
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        for name, value in changes.items():
            if value is None and name not in OPTIONAL_FIELDS:
                raise InputError.single(name, "This field cannot be empty")
        parts = _Parts(
            stored.funding if data.funding is None else data.funding,
            stored.profile if data.profile is None else data.profile,
            stored.tender_ids if data.tender_ids is None else data.tender_ids,
        )
        scalars = {
            k: v for k, v in changes.items() if k not in {"funding", "profile", "tender_ids"}
        }
        merged = {**row.model_dump(), **scalars}
        self._refuse_invalid(
            check_parts(parts, merged["approved_budget"], merged["start_date"], merged["end_date"])
        )
        if "code" in changes:
            await self._check_code_free(changes["code"], row.id)
        if "tender_ids" in changes:
            await self._check_tenders(parts.tender_ids)
        before = audit.snapshot(row) | stored.state()
        if parts != stored:
            # Before the scheme's own changes: the deletes flush it, and a clash of codes
            # must surface at the commit below, where it becomes a field error.
            await self._replace_parts(row, parts)
        for name, value in scalars.items():
            setattr(row, name, value)
        row.touch()
        after = audit.snapshot(row) | parts.state()
        await self._audit(row, "update", f"Edited capital scheme {row.code}", before, after)
        await commit_unique(self.session, "code", CODE_TAKEN)
        return (await self._read_many([row]))[0]

    async def delete(self, project_id: uuid.UUID) -> None:
        """Remove a scheme that has no spend and no linked contracts."""
        self.actor.require(Permission.MANAGE_CAPITAL)
        row = await self._load(project_id, for_update=True)
        payments = await count_referencing(self.session, col(SpendTransaction.project_id), row.id)
        if payments:
            raise ConflictError(
                f"The scheme has {payments} payments recorded against it; it cannot be deleted",
                code="project_has_spend",
                payments=payments,
            )
        stored = (await self._parts([row.id]))[row.id]
        if stored.tender_ids:
            raise ConflictError(
                f"The scheme is linked to {len(stored.tender_ids)} awarded tenders; unlink "
                "them first",
                code="project_has_linked_tenders",
                tenders=len(stored.tender_ids),
            )
        before = audit.snapshot(row) | stored.state()
        await self.session.delete(row)
        await self._audit(row, "delete", f"Deleted capital scheme {row.code}", before, None)
        await self.session.commit()

    async def figures_of(
        self, project_ids: Collection[uuid.UUID], as_at: date
    ) -> dict[uuid.UUID, ProjectFiguresRead]:
        """The figures of some of the organisation's schemes on a date, by scheme id."""
        self.actor.require(Permission.READ_CAPITAL)
        found = await project_figures(
            self.session, self.actor.organisation_id, as_at, list(project_ids)
        )
        return {figures.id: figures_read(figures) for figures in found}

    async def figures(self, project_id: uuid.UUID, as_at: date | None = None) -> ProjectFiguresRead:
        """One scheme's figures on a date (today by default)."""
        self.actor.require(Permission.READ_CAPITAL)
        row = await self._load(project_id)
        return (await self.figures_of([row.id], as_at or today()))[row.id]

    async def programme(self, as_at: date | None = None) -> ProgrammeFiguresRead:
        """Every scheme's figures on a date (today by default), with the totals."""
        self.actor.require(Permission.READ_CAPITAL)
        figures = await programme_figures(
            self.session, self.actor.organisation_id, as_at or today()
        )
        return ProgrammeFiguresRead.model_validate(
            {
                "as_at": figures.as_at,
                "totals": vars(figures.totals),
                "unexplained": [p.code for p in figures.unexplained()],
                "projects": [figures_read(p) for p in figures.projects],
            }
        )

    # Last in the class: defined earlier, its name would hide the builtin from the
    # annotations of the methods after it.
    async def list(
        self, filters: ProjectFilter, limit: int, offset: int
    ) -> Page[CapitalProjectRead]:
        """Schemes by code, filtered by status, service area and text in the code or name."""
        self.actor.require(Permission.READ_CAPITAL)
        statement = (
            sa.select(CapitalProject)
            .where(col(CapitalProject.organisation_id) == self.actor.organisation_id)
            .order_by(col(CapitalProject.code))
        )
        if filters.status is not None:
            statement = statement.where(col(CapitalProject.status) == filters.status)
        # PostgreSQL text cannot hold NUL; a NUL typed into a filter matches nothing else.
        if filters.service_area:
            area = filters.service_area.replace("\x00", "")
            statement = statement.where(col(CapitalProject.service_area) == area)
        if filters.search:
            text = filters.search.replace("\x00", "").strip()
            statement = statement.where(
                sa.or_(
                    col(CapitalProject.code).icontains(text, autoescape=True),
                    col(CapitalProject.name).icontains(text, autoescape=True),
                )
            )
        rows, total = await fetch_page(self.session, statement, limit, offset)
        return Page(items=await self._read_many(rows), total=total, limit=limit, offset=offset)
