"""Spend shapes: the payments made against a capital scheme, and the imports of the finance
system's "spend over £500" file that bring them in."""

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from procurement.schemas.fields import DecimalString

# The values of procurement.models.spend.ImportStatus (shapes may not import the tables).
ImportState = Literal["running", "succeeded", "failed"]


class SpendTransactionRead(BaseModel):
    """One payment against a scheme, as the spend file gave it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID
    import_id: uuid.UUID = Field(description="The import that brought the payment in")
    transaction_number: str = Field(examples=["INV-2026-004512"])
    paid_on: date
    service_area: str
    beneficiary: str
    purpose: str
    amount: DecimalString = Field(examples=["12500.00"])


class ImportProblem(BaseModel):
    """Why a row, or the whole file, could not be imported."""

    row: int | None = Field(
        description="The row as a spreadsheet numbers it (the header is row 1); "
        "null for a problem with the whole file"
    )
    field: str = Field(
        description="date, service_area, beneficiary, purpose, amount, transaction_number, "
        "project_code; row for the row as a whole; file for the whole file",
        examples=["amount"],
    )
    message: str = Field(examples=['Amount "-25.00" is negative; refunds are not imported'])


class SpendImportSummary(BaseModel):
    """One upload of a spend file: who sent it, its SHA-256, how far it got and how it ended."""

    id: uuid.UUID
    file_name: str
    sha256: str = Field(description="SHA-256 of the file's bytes, in hex")
    status: ImportState
    rows_total: int = Field(description="Rows with any value in them, the header not counted")
    rows_done: int = Field(description="Rows checked so far; the rows are saved once all pass")
    percent_done: int = Field(ge=0, le=100, description="rows_done as a whole percentage")
    rows_added: int = Field(description="New payments stored (0 unless it succeeded)")
    rows_unchanged: int = Field(description="Rows already stored with the same values")
    created_by_id: uuid.UUID | None = Field(description="Null when imported from the command line")
    created_by_name: str
    created_at: datetime
    finished_at: datetime | None


class SpendImportRead(SpendImportSummary):
    """An import with its problems: every bad row (the first 1,000) when it failed."""

    errors: list[ImportProblem]
