"""Weighting template pages: named criteria trees, edited with the same editor as a tender's."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.principal import Principal
from procurement.schemas.weighting_template import (
    WeightingTemplateCreate,
    WeightingTemplateRead,
    WeightingTemplateUpdate,
)
from procurement.services.criteria import CriteriaService
from procurement.services.measures import MeasureService
from procurement.services.weighting_templates import WeightingTemplateService
from procurement.web.access import requires
from procurement.web.criteria import (
    catalogue,
    editor_context,
    issue_list,
    publishable,
    sums_page,
)
from procurement.web.criteria_form import (
    COMMAND_FIELD,
    TREE_NAMES,
    CriterionRow,
    GroupRow,
    TreeRows,
)
from procurement.web.forms import ErrorItem, FieldSpec, Form, attempt, read_form, whole_number
from procurement.web.lists import PageNumber, Search, list_page
from procurement.web.rendering import (
    PAGE_SIZE,
    Req,
    flash,
    page_offset,
    render,
    see_other,
)

FORM = "pages/weighting_templates/form.html"
NAME = FieldSpec("Name", required="Enter a name for the template")
DESCRIPTION = FieldSpec("Description")
MANAGERS = requires(Permission.MANAGE_TEMPLATES)


def _template_data(values: Mapping[str, str], tree: dict[str, Any]) -> dict[str, Any]:
    """The schema input: the name and description as typed, and the tree."""
    data: dict[str, Any] = {"description": values.get("description", ""), "tree": tree}
    if values.get("name"):
        data["name"] = values["name"]
    return data


@dataclass(frozen=True)
class TemplatePage:
    """What every template page works with: the request, the user and the services."""

    request: Req
    actor: Principal
    criteria: CriteriaService
    measures: MeasureService
    templates: WeightingTemplateService

    async def editor(
        self,
        rows: TreeRows,
        form: Form,
        template: WeightingTemplateRead | None = None,
        status_code: int = 200,
    ) -> Template:
        """The template form: its name and description, and its tree in the editor."""
        issues: list[tuple[ErrorItem, str]] = []
        has_errors = False
        if template is not None:
            issues, has_errors = issue_list(TreeRows.from_schema(template.tree), template.issues)
        return render(
            self.request,
            FORM,
            form=form,
            weighting_template=template,
            issues=issues,
            has_errors=has_errors,
            status_code=status_code,
            **await editor_context(self.criteria, self.measures, rows),
        )

    async def post(self, template_id: uuid.UUID | None) -> Template | Redirect:
        """Save a new or changed template; or add or remove a group, criterion or level."""
        values = await read_form(self.request)
        rows = TreeRows.from_values(values)
        kept = {k: values.get(k, "") for k in ("name", "description", "version")}
        template = await self.templates.get(template_id) if template_id else None
        command = values.get(COMMAND_FIELD, "save")
        if rows.apply(command) or command == "check":
            return await self.editor(rows, Form(rows.values() | kept), template)
        draft = rows.draft(("tree",), name=NAME, description=DESCRIPTION)

        async def save(new: WeightingTemplateCreate) -> WeightingTemplateRead:
            if template_id is None:
                return await self.templates.create(new)
            # The form does not show the rules, so an edit keeps the ones the template has.
            change = new.model_dump(exclude={"rules"}) | {"version": whole_number(kept["version"])}
            return await self.templates.update(
                template_id, WeightingTemplateUpdate.model_validate(change)
            )

        outcome = await attempt(
            draft.spec,
            WeightingTemplateCreate,
            _template_data(values, draft.data),
            save,
            earlier=draft.errors,
        )
        if outcome.result is None:
            form = Form(rows.values() | kept, outcome.errors)
            return await self.editor(rows, form, template, outcome.status_code)
        saved = outcome.result
        ready = f"{saved.name} is ready to copy into tenders."
        flash(self.request, "Template saved", publishable(saved.issues, ready, "a tender using it"))
        return see_other(f"/weighting-templates/{saved.id}")


def provide_template_page(
    request: Req,
    actor: NamedDependency[Principal],
    criteria: NamedDependency[CriteriaService],
    measures: NamedDependency[MeasureService],
    weighting_templates: NamedDependency[WeightingTemplateService],
) -> TemplatePage:
    """The template page context for this request."""
    return TemplatePage(request, actor, criteria, measures, weighting_templates)


Page = NamedDependency[TemplatePage]
TemplateId = FromPath[uuid.UUID]


class WeightingTemplatePages(Controller):
    """The organisation's weighting templates."""

    path = "/weighting-templates"
    include_in_schema = False
    dependencies = {"page": Provide(provide_template_page, sync_to_thread=False)}

    @get("/")
    async def template_list(self, page: Page, q: Search = "", number: PageNumber = 1) -> Template:
        """Templates by name, with whether each is ready to use."""
        found = await page.templates.list(PAGE_SIZE, page_offset(number), search=q or None)
        return list_page(
            page.request,
            "pages/weighting_templates/list.html",
            found,
            q,
            number,
            can_manage=page.actor.can(Permission.MANAGE_TEMPLATES),
        )

    @get("/new", guards=MANAGERS)
    async def new_template(self, page: Page) -> Template:
        """The form for a new template, starting with one group of one criterion."""
        rows = TreeRows([GroupRow(criteria=[CriterionRow()])])
        return await page.editor(rows, Form(rows.values()))

    @post("/new", guards=MANAGERS)
    async def create_template(self, page: Page) -> Template | Redirect:
        """Save the new template; or add or remove a group, criterion or level."""
        return await page.post(None)

    @post("/check", guards=MANAGERS)
    async def check_template(self, page: Page) -> Template:
        """The running sums of the tree as typed (for htmx; nothing is saved)."""
        return await sums_page(page.request, page.criteria, await read_form(page.request))

    @get("/{template_id:uuid}")
    async def template_detail(self, page: Page, template_id: TemplateId) -> Template:
        """The template's tree, read-only, with what stops it being published."""
        return render(
            page.request,
            "pages/weighting_templates/detail.html",
            weighting_template=await page.templates.get(template_id),
            measures={m.code: m for m in await catalogue(page.measures)},
            can_manage=page.actor.can(Permission.MANAGE_TEMPLATES),
            **TREE_NAMES,
        )

    @get("/{template_id:uuid}/edit", guards=MANAGERS)
    async def edit_template(self, page: Page, template_id: TemplateId) -> Template:
        """The template in the editor."""
        template = await page.templates.get(template_id)
        rows = TreeRows.from_schema(template.tree)
        shown = {"name": template.name, "description": template.description}
        form = Form(rows.values() | shown | {"version": str(template.version)})
        return await page.editor(rows, form, template)

    @post("/{template_id:uuid}/edit", guards=MANAGERS)
    async def update_template(self, page: Page, template_id: TemplateId) -> Template | Redirect:
        """Save the template, unless someone else changed it first."""
        return await page.post(template_id)

    @get("/{template_id:uuid}/delete", guards=MANAGERS)
    async def confirm_delete(self, page: Page, template_id: TemplateId) -> Template:
        """Ask before deleting the template."""
        template = await page.templates.get(template_id)
        return render(
            page.request, "pages/weighting_templates/delete.html", weighting_template=template
        )

    @post("/{template_id:uuid}/delete", guards=MANAGERS)
    async def delete_template(self, page: Page, template_id: TemplateId) -> Redirect:
        """Delete the template; tenders copied from it keep their criteria."""
        template = await page.templates.get(template_id)
        await page.templates.delete(template_id)
        flash(
            page.request,
            "Template deleted",
            f"Tenders copied from {template.name} keep their criteria.",
        )
        return see_other("/weighting-templates")
