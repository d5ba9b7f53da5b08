"""A tender's award criteria as pages: the editor while it is a draft, read-only after that."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Permission
from procurement.principal import Principal
from procurement.schemas.common import MAX_PAGE_SIZE
from procurement.schemas.criteria import CriteriaTreeSchema, TreeIssueRead
from procurement.schemas.measure import MeasureRead
from procurement.schemas.tender_criteria import (
    CopyTemplate,
    TenderCriteriaRead,
    TenderCriteriaUpdate,
)
from procurement.services.criteria import CriteriaService
from procurement.services.measures import MeasureService
from procurement.services.tenders import TenderService
from procurement.services.weighting_templates import WeightingTemplateService
from procurement.web.access import requires
from procurement.web.criteria_form import (
    CHOICES,
    COMMAND_FIELD,
    TREE_NAMES,
    TreeRows,
    running_sums,
)
from procurement.web.forms import (
    ErrorItem,
    FieldSpec,
    Form,
    FormSpec,
    attempt,
    present,
    read_form,
    whole_number,
)
from procurement.web.rendering import Req, flash, render, see_other

EDIT = "pages/criteria/edit.html"
VIEW = "pages/criteria/view.html"
SUMS = "pages/criteria/sums.html"
COPY_FORM = FormSpec(template_id=FieldSpec("Template", required="Select a template to copy"))
MANAGERS = requires(Permission.MANAGE_TENDERS)


async def catalogue(measures: MeasureService) -> list[MeasureRead]:
    """Every measure a criterion could ask for."""
    return (await measures.list(MAX_PAGE_SIZE, 0)).items


async def sums_page(
    request: Req, criteria: CriteriaService, values: Mapping[str, str], **check: Any
) -> Template:
    """The running sums of the tree as typed so far, for htmx to put in the editor."""
    rows = TreeRows.from_values(values)
    tree = rows.lenient()
    result = await criteria.check(tree, **check)
    sums = running_sums(rows, tree, result.group_total, result.criteria_totals)
    return render(request, SUMS, sums=sums)


async def editor_context(
    criteria: CriteriaService, measures: MeasureService, rows: TreeRows, **check: Any
) -> dict[str, Any]:
    """What the editor partials need: the rows, their sums, the catalogue and the choices."""
    tree = rows.lenient()
    result = await criteria.check(tree, **check)
    return {
        "rows": rows,
        "sums": running_sums(rows, tree, result.group_total, result.criteria_totals),
        "measures": await catalogue(measures),
        "choices": CHOICES,
    }


def issue_list(
    rows: TreeRows, issues: list[TreeIssueRead]
) -> tuple[list[tuple[ErrorItem, str]], bool]:
    """A saved tree's issues, linked to the editor's fields, and whether any stop publication."""
    items = rows.draft().spec.issue_items(issues)
    return items, any(severity == "error" for _, severity in items)


@dataclass(frozen=True)
class CriteriaPage:
    """What every criteria page works with: the request, the tender and the services."""

    request: Req
    tender_id: uuid.UUID
    actor: Principal
    tenders: TenderService
    criteria: CriteriaService
    measures: MeasureService
    templates: WeightingTemplateService

    async def show(
        self,
        rows: TreeRows | None = None,
        form: Form | None = None,
        status_code: int = 200,
        current: TenderCriteriaRead | None = None,
    ) -> Template:
        """The editor (for officers, while the tender is a draft) or the read-only criteria.

        Without `rows`, the editor shows the saved tree; with them, the tree as posted.
        """
        tender = await self.tenders.get(self.tender_id)
        current = current or await self.criteria.get(self.tender_id)
        editable = (
            not current.frozen
            and tender.status is TenderStatus.DRAFT
            and self.actor.can(Permission.MANAGE_TENDERS)
        )
        if not editable:
            # Suppliers may not read the catalogue; they see the measures' codes only.
            readable = self.actor.can(Permission.READ_MEASURES)
            measures = {m.code: m for m in await catalogue(self.measures)} if readable else {}
            # A form is shown here only when a post was refused (say, the tender was published
            # meanwhile), so its errors say why nothing was saved.
            return render(
                self.request,
                VIEW,
                tender=tender,
                current=current,
                measures=measures,
                form=form,
                status_code=status_code,
                **TREE_NAMES,
            )
        saved = TreeRows.from_schema(current.tree)
        if rows is None:
            rows = saved
            form = Form(rows.values() | {"version": str(current.version)})
        issues, has_errors = issue_list(saved, current.issues)
        context = await editor_context(self.criteria, self.measures, rows, tender_id=tender.id)
        templates = (await self.templates.list(MAX_PAGE_SIZE, 0)).items
        return render(
            self.request,
            EDIT,
            tender=tender,
            current=current,
            form=form,
            status_code=status_code,
            issues=issues,
            has_errors=has_errors,
            templates=templates,
            **context,
        )

    def saved(self, heading: str, body: str = "") -> Redirect:
        """Back to the criteria, with a success banner."""
        flash(self.request, heading, body)
        return see_other(f"/tenders/{self.tender_id}/criteria")


def provide_criteria_page(
    request: Req,
    tender_id: FromPath[uuid.UUID],
    actor: NamedDependency[Principal],
    tenders: NamedDependency[TenderService],
    criteria: NamedDependency[CriteriaService],
    measures: NamedDependency[MeasureService],
    weighting_templates: NamedDependency[WeightingTemplateService],
) -> CriteriaPage:
    """The criteria page context for this request."""
    return CriteriaPage(request, tender_id, actor, tenders, criteria, measures, weighting_templates)


Page = NamedDependency[CriteriaPage]


class CriteriaPages(Controller):
    """A tender's award criteria."""

    path = "/tenders/{tender_id:uuid}/criteria"
    include_in_schema = False
    dependencies = {"page": Provide(provide_criteria_page, sync_to_thread=False)}

    @get("/")
    async def criteria_page(self, page: Page) -> Template:
        """The criteria: the editor for an officer on a draft, otherwise read-only."""
        return await page.show()

    @post("/", guards=MANAGERS)
    async def save_criteria(self, page: Page) -> Template | Redirect:
        """Save the tree; or add or remove a group, criterion or level and show it again."""
        values = await read_form(page.request)
        rows = TreeRows.from_values(values)
        command = values.get(COMMAND_FIELD, "save")
        kept = {"version": values.get("version", "")}
        version = {"version": whole_number(kept["version"])}
        if rows.apply(command) or command == "check":
            return await page.show(rows, Form(rows.values() | kept))
        draft = rows.draft()

        async def save(tree: CriteriaTreeSchema) -> TenderCriteriaRead:
            change = TenderCriteriaUpdate.model_validate({"tree": tree, **version})
            return await page.criteria.replace(page.tender_id, change)

        outcome = await attempt(
            draft.spec, CriteriaTreeSchema, draft.data, save, earlier=draft.errors
        )
        if outcome.result is None:
            form = Form(rows.values() | kept, outcome.errors)
            return await page.show(rows, form, outcome.status_code)
        return page.saved("Award criteria saved", _ready(outcome.result))

    @post("/check", guards=MANAGERS)
    async def check_criteria(self, page: Page) -> Template:
        """The running sums of the tree as typed (for htmx; nothing is saved)."""
        values = await read_form(page.request)
        return await sums_page(page.request, page.criteria, values, tender_id=page.tender_id)

    @post("/copy", guards=MANAGERS)
    async def copy_template(self, page: Page) -> Template | Redirect:
        """Replace the tree with a copy of a weighting template's."""
        values = await read_form(page.request)
        outcome = await attempt(
            COPY_FORM,
            CopyTemplate,
            present(values, "template_id") | {"version": whole_number(values.get("version"))},
            lambda copy: page.criteria.copy_template(
                page.tender_id, copy.template_id, copy.version
            ),
        )
        if outcome.result is None:
            current = await page.criteria.get(page.tender_id)
            rows = TreeRows.from_schema(current.tree)
            form = Form(rows.values() | values, outcome.errors)
            return await page.show(rows, form, outcome.status_code, current)
        return page.saved("Template copied", _ready(outcome.result))


def publishable(issues: list[TreeIssueRead], ready: str, blocked: str) -> str:
    """What the banner after saving says: `ready`, or how many problems stop `blocked`."""
    errors = sum(1 for issue in issues if issue.severity == "error")
    if not errors:
        return ready
    noun = "problem" if errors == 1 else "problems"
    return f"Fix {errors} {noun} before {blocked} can be published."


def _ready(current: TenderCriteriaRead) -> str:
    return publishable(current.issues, "The criteria are ready to publish.", "the tender")
