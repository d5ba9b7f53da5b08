"""What integrity checks report: one finding per thing the record cannot prove."""

from dataclasses import dataclass


@dataclass(frozen=True)
class IntegrityFinding:
    """One thing that differs from what the record says it should be.

    `check` names the kind of check ("chain", "row", "file", "checkpoint"), `subject` the
    event, row or file, and `problem` what differs, in words a person can act on.
    """

    check: str
    subject: str
    problem: str

    def __str__(self) -> str:
        return f"{self.check}: {self.subject}: {self.problem}"
