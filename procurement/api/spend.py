"""Spend actuals: import the finance system's spend file, follow the imports, and list the
payments made against a capital scheme."""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import FromPath, QueryParameter

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.domain.roles import Permission
from procurement.errors import DomainError, InputError
from procurement.principal import Principal
from procurement.schemas.common import ErrorBody, Page
from procurement.schemas.fields import SINGLE_LINE
from procurement.schemas.spend import SpendImportRead, SpendImportSummary, SpendTransactionRead
from procurement.services.spend import SpendService
from procurement.services.spend_import import MAX_FILE_BYTES, MAX_FILE_NAME, MAX_REQUEST_BYTES

CSV_MEDIA_TYPES = {"text/csv", "application/csv"}
IMPORT_RESPONSES = {
    **ERROR_RESPONSES,
    413: ResponseSpec(
        data_container=ErrorBody,
        description=f"The file is over {MAX_FILE_BYTES // 1024 // 1024} MB",
    ),
    415: ResponseSpec(data_container=ErrorBody, description="Neither a form nor a CSV body"),
}


@dataclass
class CsvUploadOperation(Operation):
    """The import's OpenAPI operation, describing the CSV body its handler reads itself."""

    def __post_init__(self) -> None:
        file = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        form = Schema(type=OpenAPIType.OBJECT, properties={"file": file}, required=["file"])
        self.request_body = RequestBody(
            required=True,
            description="The spend file, as a form's `file` field or as the whole body",
            content={
                "multipart/form-data": OpenAPIMediaType(schema=form),
                "text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
            },
        )


async def uploaded_file(
    request: Request[Any, Any, Any], file_name: str | None
) -> tuple[str | None, bytes]:
    """The file's name and bytes, from a multipart form's `file` field or a text/csv body."""
    media_type, _ = request.content_type
    if media_type == "multipart/form-data":
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise InputError.single("file", "Attach the spend file in a form field named file")
        return upload.filename, await upload.read()
    if media_type in CSV_MEDIA_TYPES:
        return file_name, await request.body()
    raise DomainError(
        detail="Send the spend file as multipart/form-data, in a field named file, "
        "or as the request body with Content-Type: text/csv",
        code="unsupported_media_type",
        status_code=415,
    )


class SpendController(Controller):
    """Spend imports and the payments they stored."""

    path = "/api/v1"
    tags = ["spend"]

    @post(
        "/spend/import",
        operation_id="importSpend",
        status_code=201,
        responses=IMPORT_RESPONSES,
        request_max_body_size=MAX_REQUEST_BYTES,
        operation_class=CsvUploadOperation,
    )
    async def import_spend(
        self,
        request: Request[Any, Any, Any],
        spend: NamedDependency[SpendService],
        actor: NamedDependency[Principal],
        file_name: Annotated[
            str | None,
            QueryParameter(
                max_length=MAX_FILE_NAME,
                pattern=SINGLE_LINE,
                description="With a text/csv body: the file's name, to record",
            ),
        ] = None,
    ) -> SpendImportRead:
        """Import a "spend over £500" CSV file: every row of it, or none (finance only).

        Send the file as a multipart form, in a field named `file`
        (`curl -F file=@spend.csv`), or as the whole request body with
        `Content-Type: text/csv` (`curl --data-binary @spend.csv -H "Content-Type: text/csv"`,
        adding `?file_name=spend.csv` to record its name). It must be UTF-8 (a byte order mark
        is fine), at most 50 MB, with a header row naming the columns Date, Service area,
        Beneficiary, Purpose, Amount, Transaction number and Project code (each may go by other
        common names, such as Department, Supplier name or Net amount; other columns are
        ignored). Dates are DD/MM/YYYY or YYYY-MM-DD; amounts are pounds such as 1234.56 or
        £1,234.56, more than zero, with no more than 2 decimal places.

        A payment already stored with the same transaction number and values is counted as
        unchanged, so importing a file again changes nothing. If any row has a problem, nothing
        is imported: 422 `spend_import_invalid` lists every problem (the first 1,000, with
        counts in `extra`) as `rows.<row>.<column>`, the row numbered as a spreadsheet shows
        it (the header is row 1). A file that cannot be read at all answers `spend_file_empty`,
        `spend_file_no_rows`, `spend_file_encoding`, `spend_columns_invalid` or
        `spend_field_too_long` (422), or `spend_file_too_large` (413). Every attempt is
        recorded as an import (its id is in `extra.import_id`) and in the audit trail."""
        actor.require(Permission.MANAGE_CAPITAL)  # before a large body is read
        name, content = await uploaded_file(request, file_name)
        return await spend.import_file(name, content)

    @get("/spend/imports", operation_id="listSpendImports", responses=ERROR_RESPONSES)
    async def list_spend_imports(
        self, spend: NamedDependency[SpendService], paging: NamedDependency[Paging]
    ) -> Page[SpendImportSummary]:
        """Spend imports, newest first, with their progress and outcome."""
        return await spend.imports(paging.limit, paging.offset)

    @get(
        "/spend/imports/{import_id:uuid}", operation_id="getSpendImport", responses=ERROR_RESPONSES
    )
    async def get_spend_import(
        self, spend: NamedDependency[SpendService], import_id: FromPath[uuid.UUID]
    ) -> SpendImportRead:
        """One import: how far it has got and, if it failed, every problem found."""
        return await spend.get_import(import_id)

    @get(
        "/capital-projects/{project_id:uuid}/spend",
        operation_id="listProjectSpend",
        responses=ERROR_RESPONSES,
    )
    async def list_project_spend(
        self,
        spend: NamedDependency[SpendService],
        paging: NamedDependency[Paging],
        project_id: FromPath[uuid.UUID],
    ) -> Page[SpendTransactionRead]:
        """A capital scheme's payments, newest first."""
        return await spend.project_spend(project_id, paging.limit, paging.offset)
