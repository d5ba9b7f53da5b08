"""Shapes of the audit witness: signed chain checkpoints, and what a verification found."""

import uuid

from pydantic import BaseModel, ConfigDict, Field

HASH_PATTERN = r"^[0-9a-f]{64}$"


class ChainPoint(BaseModel):
    """A position in an organisation's chain and the hash its event had there."""

    model_config = ConfigDict(from_attributes=True)

    organisation_id: uuid.UUID
    position: int = Field(ge=1, description="The event's position in the organisation's chain")
    hash: str = Field(pattern=HASH_PATTERN, description="The SHA-256 of that event")


class CheckpointRead(ChainPoint):
    """A chain head the service signed at a moment."""

    organisation: str = Field(description="The organisation's name when the list was served")
    taken_at: str = Field(
        description="When it was taken: UTC to the microsecond, spelt exactly as signed",
        examples=["2026-12-07T21:00:00.000000+00:00"],
    )
    signature: str = Field(
        description="Ed25519 signature, in hex, of the checkpoint's signed message (see "
        "`signed_message`)"
    )


class CheckpointList(BaseModel):
    """Every checkpoint, oldest first, with the key that verifies their signatures."""

    algorithm: str = Field(examples=["Ed25519"])
    public_key: str = Field(description="The raw 32-byte Ed25519 public key, in hex")
    signed_message: str = Field(
        description="How the signed bytes are made from a checkpoint",
        examples=[
            'UTF-8 JSON {"hash","organisation_id","position","taken_at"}, keys sorted, no '
            "spaces, taken_at in UTC as 2026-12-07T21:00:00.000000+00:00"
        ],
    )
    checkpoints: list[CheckpointRead]


class WitnessFile(BaseModel):
    """A saved copy of the public checkpoint list (other fields are ignored)."""

    checkpoints: list[ChainPoint]


class FindingRead(BaseModel):
    """One thing the record cannot prove."""

    check: str = Field(examples=["row"], description="chain, row, checkpoint or file")
    subject: str = Field(examples=["score:6f1c0c1e-4c1d-4a43-9d1f-8f0f3c6a9b2e"])
    problem: str = Field(examples=["differs from the state recorded at event 12 of ..."])


class AuditVerifyRead(BaseModel):
    """The result of every integrity check, over the whole service."""

    intact: bool = Field(description="True when no check found anything, in any organisation")
    findings: list[FindingRead] = Field(
        description="What was found about your organisation's records, trail and files"
    )
    elsewhere: int = Field(
        ge=0,
        description="How many findings concern other organisations or name none (the command "
        "`procurement audit verify` lists them all)",
    )
