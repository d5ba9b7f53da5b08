"""What integrity checks report: one finding per thing the record cannot prove."""

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class IntegrityFinding:
    """One thing that differs from what the record says it should be.

    `check` names the kind of check ("chain", "row", "file", "checkpoint"), `subject` the
    event, row or file, and `problem` what differs, in words a person can act on.
    `organisation_id` is whose record it concerns, where that is still known, so that each
    council's administrators are shown only their own findings.
    """

    check: str
    subject: str
    problem: str
    organisation_id: uuid.UUID | None = None

    def __str__(self) -> str:
        return f"{self.check}: {self.subject}: {self.problem}"
