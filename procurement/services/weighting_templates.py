"""Weighting templates: named criteria trees that officers copy into tenders."""

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Permission
from procurement.errors import InputError
from procurement.models import WeightingTemplate
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.common import Page
from procurement.schemas.criteria import CriteriaTreeSchema, EvaluationRulesSchema
from procurement.schemas.weighting_template import (
    WeightingTemplateCreate,
    WeightingTemplateRead,
    WeightingTemplateUpdate,
)
from procurement.services.criteria_checks import CheckContext, check_context, tree_issues
from procurement.services.queries import check_version, commit_unique, fetch_page, get_owned

NAME_TAKEN = "Another template already has this name"


class WeightingTemplateService:
    """Officers and administrators keep the templates; all staff read them."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def _context(self) -> CheckContext:
        # Templates are checked against the catalogue as it stands today.
        return await check_context(self.session, self.actor.organisation_id, utc_now().date())

    async def _read(
        self, row: WeightingTemplate, context: CheckContext | None = None
    ) -> WeightingTemplateRead:
        tree = CriteriaTreeSchema.model_validate(row.tree)
        return WeightingTemplateRead.model_validate(
            {
                **row.model_dump(),
                "tree": tree,
                "rules": EvaluationRulesSchema.model_validate(row.rules),
                "issues": tree_issues(tree, context or await self._context()),
            }
        )

    async def _load(self, template_id: uuid.UUID, *, for_update: bool = False) -> WeightingTemplate:
        return await get_owned(
            self.session,
            WeightingTemplate,
            template_id,
            self.actor.organisation_id,
            "Weighting template",
            for_update=for_update,
        )

    async def _check_name_free(self, name: str, except_id: uuid.UUID | None = None) -> None:
        clash = await self.session.scalar(
            sa.select(col(WeightingTemplate.id)).where(
                col(WeightingTemplate.organisation_id) == self.actor.organisation_id,
                col(WeightingTemplate.name) == name,
            )
        )
        if clash is not None and clash != except_id:
            raise InputError.single("name", NAME_TAKEN)

    async def list(
        self, limit: int, offset: int, search: str | None = None
    ) -> Page[WeightingTemplateRead]:
        """Templates by name, each with the problems its tree has."""
        self.actor.require(Permission.READ_TEMPLATES)
        statement = (
            sa.select(WeightingTemplate)
            .where(col(WeightingTemplate.organisation_id) == self.actor.organisation_id)
            .order_by(col(WeightingTemplate.name), col(WeightingTemplate.id))
        )
        if search:
            # PostgreSQL text cannot hold NUL; a NUL typed into a search box matches nothing else
            text = search.replace("\x00", "").strip()
            statement = statement.where(
                col(WeightingTemplate.name).icontains(text, autoescape=True)
            )
        rows, total = await fetch_page(self.session, statement, limit, offset)
        context = await self._context()
        items = [await self._read(r, context) for r in rows]
        return Page(items=items, total=total, limit=limit, offset=offset)

    async def get(self, template_id: uuid.UUID) -> WeightingTemplateRead:
        """One template."""
        self.actor.require(Permission.READ_TEMPLATES)
        return await self._read(await self._load(template_id))

    async def create(self, data: WeightingTemplateCreate) -> WeightingTemplateRead:
        """Save a new template; an incomplete tree is kept, with its issues listed."""
        self.actor.require(Permission.MANAGE_TEMPLATES)
        await self._check_name_free(data.name)
        row = WeightingTemplate(
            organisation_id=self.actor.organisation_id,
            name=data.name,
            description=data.description,
            tree=data.tree.model_dump(mode="json"),
            rules=data.rules.model_dump(mode="json"),
        )
        self.session.add(row)
        await commit_unique(self.session, "name", NAME_TAKEN)
        return await self._read(row)

    async def update(
        self, template_id: uuid.UUID, data: WeightingTemplateUpdate
    ) -> WeightingTemplateRead:
        """Rename a template or change its tree or rules; tenders copied from it keep theirs."""
        self.actor.require(Permission.MANAGE_TEMPLATES)
        row = await self._load(template_id, for_update=True)
        check_version("The weighting template", row.version, data.version)
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        for name in changes:
            if changes[name] is None:
                raise InputError.single(name, "This field cannot be empty")
        if data.name is not None:
            await self._check_name_free(data.name, row.id)
            row.name = data.name
        if data.description is not None:
            row.description = data.description
        if data.tree is not None:
            row.tree = data.tree.model_dump(mode="json")
        if data.rules is not None:
            row.rules = data.rules.model_dump(mode="json")
        row.touch()
        await commit_unique(self.session, "name", NAME_TAKEN)
        return await self._read(row)

    async def delete(self, template_id: uuid.UUID) -> None:
        """Remove a template; tenders copied from it keep their criteria."""
        self.actor.require(Permission.MANAGE_TEMPLATES)
        row = await self._load(template_id, for_update=True)
        await self.session.delete(row)
        await self.session.commit()
