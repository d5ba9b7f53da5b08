"""Loads the running service with concurrent readers and a few writers, beside a minimal Litestar
app on the same machine, and prints a results table.

Run it with `.venv/bin/python bench/load.py` (`--seconds 3` for a smoke run; `--postgres URL`
adds a run on a fresh database of that PostgreSQL server). Everything runs on 127.0.0.1.

Each database is migrated afresh and seeded with the demo council; `procurement serve` (one
worker) is started on it as an operator would. Then, for `--seconds`:

- 32 readers: half use the API with a bearer token (suppliers, tenders, a tender, the closed
  tender's bids), half browse pages with a signed-in session (tenders, suppliers, a tender,
  measures);
- 3 writers create suppliers through the API.

Every response must be the expected 2xx; anything else is counted as an error and the first
few are printed. The minimal app (`@get("/")` returning a small dict, on uvicorn with one
worker) takes the same 32 readers in the same run, as the ceiling this machine sets.

Sign-in stall: 4 clients poll `/health` for `--seconds`, first alone, then while one client
signs in over and over (each sign-in checks an argon2 hash). If hashing ran on the event loop,
every sign-in would hold up the polls for its whole duration.

Each loop stops at the deadline or after a fixed number of requests, whichever comes first.
"""

import argparse
import asyncio
import contextlib
import logging
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from litestar import Litestar, get

from procurement.config import Settings
from procurement.db import create_engine, open_session
from procurement.demo import DemoLogin, seed_demo
from procurement.domain.roles import Role

ROOT = Path(__file__).resolve().parent.parent
PROCUREMENT = Path(sys.executable).parent / "procurement"
READERS = 32
WRITERS = 3
HEALTH_POLLERS = 4
# Bounds on every loop, whatever the deadline: no client makes more requests than this.
MAX_REQUESTS_PER_CLIENT = 5_000
STARTUP_SECONDS = 60.0
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
# Every variable the service reads, so that nothing from the caller's shell leaks in.
SETTINGS_VARIABLES = {name.upper() for name in Settings.model_fields}


@get("/")
async def reference_index() -> dict[str, str]:
    """The minimal app's one endpoint."""
    return {"status": "ok", "service": "reference"}


reference_app = Litestar(route_handlers=[reference_index])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A server process on 127.0.0.1, and where its output goes."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def output(self) -> str:
        """Everything the server has logged so far."""
        return self.log.read_text(errors="replace")


def _wait_until_up(server: Server, path: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{server.output()}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(server.base_url + path, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS}s:\n{server.output()}")


def stop(server: Server, timeout: float = 30) -> int:
    """SIGTERM the server, as a process manager would, and wait for it to exit."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        raise


@contextlib.contextmanager
def running(
    command: list[str], environment: Mapping[str, str], workdir: Path, port: int, path: str
) -> Iterator[Server]:
    """Start a server process, wait until `path` answers 200, and stop it afterwards."""
    log = workdir / f"server-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603  (our own command line)
            command, env=dict(environment), cwd=workdir, stdout=sink, stderr=subprocess.STDOUT
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server, path)
        yield server
    finally:
        stop(server)


def service_environment(database_url: str, data_dir: Path) -> dict[str, str]:
    """The environment for `procurement serve` on this database, and nothing else of ours."""
    inherited = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return inherited | {
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "load-test-" + uuid.uuid4().hex,
        "REPORT_WORKERS": "1",
    }


@contextlib.contextmanager
def service(database_url: str, data_dir: Path) -> Iterator[Server]:
    """`procurement serve` (one worker) on the database, on a free port of 127.0.0.1."""
    port = free_port()
    command = [str(PROCUREMENT), "serve", "--host", "127.0.0.1", "--port", str(port)]
    environment = service_environment(database_url, data_dir)
    with running(command, environment, data_dir, port, "/health") as server:
        yield server


@contextlib.contextmanager
def reference_service(workdir: Path) -> Iterator[Server]:
    """The minimal Litestar app on uvicorn, one worker, on a free port of 127.0.0.1."""
    port = free_port()
    command = [
        sys.executable,
        *("-m", "uvicorn", "bench.load:reference_app"),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--log-level", "warning"),
    ]
    environment = os.environ | {"PYTHONPATH": str(ROOT)}
    with running(command, environment, workdir, port, "/") as server:
        yield server


async def seed(database_url: str) -> dict[Role, DemoLogin]:
    """Seed the demo council on a migrated, empty database; its staff logins by role."""
    engine = create_engine(database_url)
    try:
        async with open_session(engine) as session:
            logins = await seed_demo(session)
    finally:
        await engine.dispose()
    if logins is None:
        raise RuntimeError("the database already has data")
    return {login.role: login for login in logins}


@dataclass
class Tally:
    """The outcome of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Requests made."""
        return len(self.latencies)

    def percentile_ms(self, fraction: float) -> float:
        """The latency below which `fraction` of the requests finished, in milliseconds."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


Call = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def _loop(
    client: httpx.AsyncClient, call: Call, expected: int, tally: Tally, deadline: float
) -> None:
    for number in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            return
        started = time.perf_counter()
        try:
            response = await call(client, number)
        except httpx.HTTPError as error:
            tally.errors.append(f"{type(error).__name__}: {error}")
            continue
        finally:
            tally.latencies.append(time.perf_counter() - started)
        if response.status_code != expected:
            request = response.request
            tally.errors.append(
                f"{request.method} {request.url.path} -> {response.status_code} "
                f"{response.text[:200]}"
            )


@contextlib.asynccontextmanager
async def client(base_url: str, **options: object) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the server; pages are not followed through redirects."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30, **options) as http:  # type: ignore[arg-type]
        yield http


async def bearer_token(base_url: str, email: str, password: str) -> str:
    """A bearer token for the user, through the API."""
    async with client(base_url) as http:
        response = await http.post(
            "/api/v1/auth/token", json={"email": email, "password": password}
        )
        response.raise_for_status()
        token: str = response.json()["token"]
        return token


async def sign_in(http: httpx.AsyncClient, login: DemoLogin) -> None:
    """Sign the client in through the sign-in page; its cookies then carry the session."""
    form = await http.get("/login")
    match = CSRF_FIELD.search(form.text)
    if match is None:
        raise RuntimeError("the sign-in page has no CSRF field")
    response = await http.post(
        "/login",
        data={"email": login.email, "password": login.password, "_csrf_token": match[1]},
    )
    if response.status_code != 303:
        raise RuntimeError(f"sign-in answered {response.status_code}")


async def _a_closed_tender(http: httpx.AsyncClient) -> tuple[str, str]:
    tenders = (await http.get("/api/v1/tenders", params={"limit": 100})).json()["items"]
    closed = [t["id"] for t in tenders if t["status"] == "closed"]
    if not closed:
        raise RuntimeError("the demo has no closed tender")
    return tenders[0]["id"], closed[0]


def _cycle(*paths: str) -> Call:
    async def call(http: httpx.AsyncClient, number: int) -> httpx.Response:
        return await http.get(paths[number % len(paths)])

    return call


async def _create_supplier(http: httpx.AsyncClient, _number: int) -> httpx.Response:
    name = f"Load Test Supplier {uuid.uuid4().hex[:12]} Ltd"
    return await http.post("/api/v1/suppliers", json={"name": name, "postcode": "NN8 1AA"})


@dataclass
class LoadResult:
    """What the readers and writers saw."""

    seconds: float
    api: Tally
    pages: Tally
    writes: Tally

    @property
    def errors(self) -> list[str]:
        """Every unexpected response or failed request."""
        return self.api.errors + self.pages.errors + self.writes.errors


async def load_service(
    base_url: str, logins: Mapping[Role, DemoLogin], seconds: float
) -> LoadResult:
    """32 readers (half API, half pages) and 3 writers against the service for `seconds`."""
    officer = logins[Role.PROCUREMENT]
    token = await bearer_token(base_url, officer.email, officer.password)
    bearer = {"Authorization": f"Bearer {token}"}
    async with contextlib.AsyncExitStack() as stack:
        api = [await stack.enter_async_context(client(base_url, headers=bearer))]
        api += [
            await stack.enter_async_context(client(base_url, headers=bearer))
            for _ in range(READERS // 2 - 1)
        ]
        pages = [await stack.enter_async_context(client(base_url)) for _ in range(READERS // 2)]
        for page_client in pages:
            await sign_in(page_client, officer)
        any_tender, closed = await _a_closed_tender(api[0])
        api_reads = _cycle(
            "/api/v1/suppliers",
            "/api/v1/tenders",
            f"/api/v1/tenders/{any_tender}",
            f"/api/v1/tenders/{closed}/bids",
        )
        page_reads = _cycle("/tenders", "/suppliers", f"/tenders/{any_tender}", "/measures")
        result = LoadResult(seconds, Tally(), Tally(), Tally())
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(_loop(http, api_reads, 200, result.api, deadline) for http in api),
            *(_loop(http, page_reads, 200, result.pages, deadline) for http in pages),
            *(
                _loop(http, _create_supplier, 201, result.writes, deadline)
                for http in api[:WRITERS]
            ),
        )
    return result


async def load_reference(base_url: str, seconds: float) -> Tally:
    """The same 32 readers against the minimal app."""
    tally = Tally()
    async with contextlib.AsyncExitStack() as stack:
        readers = [await stack.enter_async_context(client(base_url)) for _ in range(READERS)]
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_loop(http, _cycle("/"), 200, tally, deadline) for http in readers))
    return tally


@dataclass
class StallResult:
    """/health latencies with and without sign-ins alongside."""

    quiet: Tally
    signing_in: Tally
    sign_ins: Tally


async def _poll_health(base_url: str, seconds: float) -> Tally:
    tally = Tally()
    async with contextlib.AsyncExitStack() as stack:
        pollers = [await stack.enter_async_context(client(base_url)) for _ in range(HEALTH_POLLERS)]
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(_loop(http, _cycle("/health"), 200, tally, deadline) for http in pollers)
        )
    return tally


async def sign_in_stall(base_url: str, login: DemoLogin, seconds: float) -> StallResult:
    """/health latencies while nothing else happens, then while one client signs in repeatedly."""
    quiet = await _poll_health(base_url, seconds)
    sign_ins = Tally()
    credentials = {"email": login.email, "password": login.password}

    async def sign_in_again(http: httpx.AsyncClient, _number: int) -> httpx.Response:
        return await http.post("/api/v1/auth/token", json=credentials)

    async with client(base_url) as http:
        _, polled = await asyncio.gather(
            _loop(http, sign_in_again, 201, sign_ins, time.monotonic() + seconds),
            _poll_health(base_url, seconds),
        )
    return StallResult(quiet, polled, sign_ins)


@dataclass
class BackendRun:
    """One database's results."""

    backend: str
    load: LoadResult
    stall: StallResult


async def run_backend(backend: str, database_url: str, workdir: Path, seconds: float) -> BackendRun:
    """Seed the database, serve it, and load it."""
    logins = await seed(database_url)
    with service(database_url, workdir) as server:
        load = await load_service(server.base_url, logins, seconds)
        stall = await sign_in_stall(server.base_url, logins[Role.PROCUREMENT], seconds)
    return BackendRun(backend, load, stall)


def _row(label: str, tally: Tally, seconds: float) -> str:
    rate = tally.count / seconds if seconds else 0.0
    return (
        f"| {label} | {tally.count} | {rate:.0f} | {tally.percentile_ms(0.5):.1f} | "
        f"{tally.percentile_ms(0.99):.1f} | {len(tally.errors)} |"
    )


def report(runs: list[BackendRun], reference: Tally, seconds: float) -> str:
    """The results as Markdown tables."""
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end; {seconds:g} s per run; "
        f"Python {platform.python_version()}.",
        "",
        "| requests | count | per second | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
        _row("minimal Litestar app, 32 readers", reference, seconds),
    ]
    for run in runs:
        lines += [
            _row(f"{run.backend}: API reads, 16 readers", run.load.api, seconds),
            _row(f"{run.backend}: page reads, 16 readers", run.load.pages, seconds),
            _row(f"{run.backend}: supplier creations, 3 writers", run.load.writes, seconds),
        ]
    lines += [
        "",
        "| /health, 4 pollers | p50 ms | p99 ms | sign-ins meanwhile | errors |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        for label, tally, sign_ins in (
            ("alone", run.stall.quiet, None),
            ("while one client signs in repeatedly", run.stall.signing_in, run.stall.sign_ins),
        ):
            lines.append(
                f"| {run.backend}: {label} | {tally.percentile_ms(0.5):.1f} | "
                f"{tally.percentile_ms(0.99):.1f} | {sign_ins.count if sign_ins else '-'} | "
                f"{len(tally.errors) + (len(sign_ins.errors) if sign_ins else 0)} |"
            )
    errors = [error for run in runs for error in run.load.errors + run.stall.signing_in.errors]
    if errors:
        lines += ["", f"{len(errors)} errors; the first few:", *errors[:5]]
    return "\n".join(lines)


def _measure(seconds: float, postgres_url: str | None) -> str:
    # Synchronous, because creating and dropping a PostgreSQL database runs its own event loop.
    from procurement.migrate import upgrade_database

    with tempfile.TemporaryDirectory(prefix="procurement-load-") as scratch:
        workdir = Path(scratch)
        with reference_service(workdir) as minimal:
            reference = asyncio.run(load_reference(minimal.base_url, seconds))
        sqlite_url = f"sqlite+aiosqlite:///{workdir / 'load.db'}"
        upgrade_database(sqlite_url)
        runs = [asyncio.run(run_backend("SQLite", sqlite_url, workdir, seconds))]
        if postgres_url:
            from tests.databases import postgres_database

            with postgres_database(postgres_url) as url:
                runs.append(asyncio.run(run_backend("PostgreSQL", url, workdir, seconds)))
    return report(runs, reference, seconds)


def main() -> None:
    """Run the bench and print the tables."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    arguments = parser.parse_args()
    print(_measure(arguments.seconds, arguments.postgres))


if __name__ == "__main__":
    main()
