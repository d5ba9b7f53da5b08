"""SIGTERM to `procurement serve` stops every process it started: report workers included."""

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from bench.load import service, stop
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Tender
from procurement.services.auth import AuthService
from tests.factories import make_bid, make_organisation, make_supplier, make_tender, make_user

PROC = Path("/proc")
SETTLE_SECONDS = 5.0


@dataclass(frozen=True)
class Process:
    """A process, told apart from a later one that reuses its id by its start time."""

    pid: int
    started: int
    command: str


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent id, start time) of a process, or None once it has gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name may hold spaces and parentheses; the fields after it are fixed.
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def descendants(root: int) -> list[Process]:
    """Every process below `root`, however deep."""
    parents: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents.setdefault(stat[1], []).append(int(entry.name))
    found, waiting = [], list(parents.get(root, []))
    while waiting:
        pid = waiting.pop()
        stat = _stat(pid)
        if stat is None:
            continue
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        found.append(Process(pid, stat[2], command.strip()))
        waiting += parents.get(pid, [])
    return found


def _alive(process: Process) -> bool:
    stat = _stat(process.pid)
    return stat is not None and stat[2] == process.started and stat[0] != "Z"


def survivors(processes: list[Process]) -> list[Process]:
    """Those of the processes still running a moment after their parent exited.

    Orphans are adopted by init, which does not stop them; one that is merely finishing
    its exit gets up to SETTLE_SECONDS.
    """
    deadline = time.monotonic() + SETTLE_SECONDS
    while (alive := [p for p in processes if _alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


async def _closed_tender(session: AsyncSession) -> tuple[str, Tender]:
    """A closed tender with one bid, and a bearer token of an officer who may read its report."""
    reference = f"SHUT/{uuid.uuid4().hex[:8]}"
    organisation = await make_organisation(session, f"Council {reference}")
    officer = await make_user(session, organisation, Role.PROCUREMENT)
    tender = await make_tender(session, organisation, officer, TenderStatus.CLOSED, reference)
    supplier = await make_supplier(session, organisation, "Nene Valley Builders Ltd")
    await make_bid(session, tender, supplier, officer)
    issued = await AuthService(session).issue_token(officer.id, "shutdown", timedelta(hours=1))
    return issued.token, tender


async def test_sigterm_stops_the_report_workers_and_leaks_nothing(
    any_database_url: str, session: AsyncSession, tmp_path: Path
) -> None:
    token, tender = await _closed_tender(session)
    with service(any_database_url, tmp_path) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as http:
            response = await http.get(
                f"/api/v1/tenders/{tender.id}/report.pdf",
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 200, response.text
        assert response.content.startswith(b"%PDF")
        children = descendants(server.process.pid)
        commands = " ".join(child.command for child in children)
        # The rendering worker, and multiprocessing's resource tracker.
        assert "spawn_main" in commands, commands
        assert "resource_tracker" in commands, commands
        exit_code = stop(server)
    assert survivors(children) == []
    log = server.output()
    assert "leaked semaphore" not in log
    assert "Application shutdown complete" in log
    assert exit_code == 0, log
