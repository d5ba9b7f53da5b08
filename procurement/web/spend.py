"""Spend import pages: finance uploads the spend file, which is imported in the background
while its page shows the progress, then the outcome: the counts, or every bad row."""

import uuid
from typing import Annotated

from litestar import Controller, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from procurement.domain.roles import Permission
from procurement.principal import Principal
from procurement.schemas.spend import SpendImportRead
from procurement.services.spend import SpendService
from procurement.services.spend_import import (
    COLUMNS,
    FIELD_LABELS,
    MAX_REQUEST_BYTES,
    SpendFileError,
    run_in_background,
)
from procurement.web.access import requires
from procurement.web.forms import FieldSpec, Form, FormSpec
from procurement.web.rendering import (
    PAGE_SIZE,
    Req,
    page_offset,
    pagination,
    render,
    see_other,
)

UPLOAD_FORM = FormSpec(file=FieldSpec("Spend file", required="Select a CSV file to import"))
IMPORTERS = requires(Permission.MANAGE_CAPITAL)
READERS = requires(Permission.READ_CAPITAL)
POLL_SECONDS = 1


def heading(spend_import: SpendImportRead) -> str:
    """What the import's page is headed, as it stands."""
    if spend_import.status == "running":
        return "Importing the spend file"
    if spend_import.status == "succeeded":
        return "Spend file imported"
    return "The spend file was not imported"


def stage(spend_import: SpendImportRead) -> str:
    """What a running import is doing, in words."""
    if spend_import.rows_done < spend_import.rows_total:
        return f"{spend_import.rows_done:,} of {spend_import.rows_total:,} rows checked"
    return f"All {spend_import.rows_total:,} rows checked: saving the new payments"


def _status_page(
    request: Req, spend_import: SpendImportRead, template: str, *, fragment: bool
) -> Template:
    return render(
        request,
        template,
        spend_import=spend_import,
        heading=heading(spend_import),
        stage=stage(spend_import),
        running=spend_import.status == "running",
        labels=FIELD_LABELS,
        bad_rows=len({p.row for p in spend_import.errors if p.row is not None}),
        poll_seconds=POLL_SECONDS,
        fragment=fragment,
    )


def _upload_page(request: Req, form: Form, status_code: int = 200) -> Template:
    return render(
        request, "pages/spend/upload.html", form=form, columns=COLUMNS, status_code=status_code
    )


class SpendPages(Controller):
    """Spend imports as pages."""

    path = "/spend"
    include_in_schema = False

    @get("/imports", guards=READERS)
    async def import_list(
        self,
        request: Req,
        spend: NamedDependency[SpendService],
        actor: NamedDependency[Principal],
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        """Spend imports, newest first."""
        found = await spend.imports(PAGE_SIZE, page_offset(page))
        return render(
            request,
            "pages/spend/imports.html",
            imports=found,
            can_import=actor.can(Permission.MANAGE_CAPITAL),
            pagination=pagination("/spend/imports", {}, page, found.total),
        )

    @get("/import", guards=IMPORTERS)
    async def upload_form(self, request: Req) -> Template:
        """The form to upload a spend file."""
        return _upload_page(request, Form())

    @post("/import", guards=IMPORTERS, request_max_body_size=MAX_REQUEST_BYTES)
    async def start_import(
        self, request: Req, spend: NamedDependency[SpendService]
    ) -> Template | Redirect:
        """Read the file and start importing it in the background, then show its progress;
        or show the form again with what is wrong with the file as a whole."""
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            error = UPLOAD_FORM.item("file", "Select a CSV file to import")
            return _upload_page(request, Form(errors=[error]), 422)
        try:
            pending = await spend.start_import(upload.filename, await upload.read())
        except SpendFileError as refused:
            error = UPLOAD_FORM.item("file", refused.detail)
            return _upload_page(request, Form(errors=[error]), refused.status_code)
        sessions = request.app.state.sessionmaker
        background = BackgroundTask(run_in_background, sessions, pending)
        return see_other(f"/spend/imports/{pending.import_id}", background)

    @get("/imports/{import_id:uuid}", guards=READERS)
    async def import_page(
        self,
        request: Req,
        import_id: FromPath[uuid.UUID],
        spend: NamedDependency[SpendService],
    ) -> Template:
        """An import's progress while it runs, then its outcome."""
        found = await spend.get_import(import_id)
        return _status_page(request, found, "pages/spend/import.html", fragment=False)

    @get("/imports/{import_id:uuid}/status", guards=READERS)
    async def import_status(
        self,
        request: Req,
        import_id: FromPath[uuid.UUID],
        spend: NamedDependency[SpendService],
    ) -> Template:
        """The import's progress or outcome alone, for htmx to put in the page as it polls."""
        found = await spend.get_import(import_id)
        return _status_page(request, found, "pages/spend/status.html", fragment=True)
