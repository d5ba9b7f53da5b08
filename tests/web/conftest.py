"""Browser fixtures: the real app under uvicorn, Debian's Chromium through Playwright, and axe-core.

Browser tests share one server, one database and one Chromium for the whole run (they use the
session event loop); each test gets a fresh browser context and starts from empty tables.
"""

import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_asyncio
import sqlalchemy as sa
import uvicorn
from playwright.async_api import Browser, Page, Response, async_playwright
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.app import create_app
from procurement.config import NODE_MODULES_DIR, Settings
from procurement.db import create_engine, session_factory
from procurement.domain.roles import Role
from procurement.models import Organisation, Supplier, User
from tests.conftest import TEST_SECRET
from tests.databases import BACKENDS, empty_all_tables, migrated_database
from tests.factories import PASSWORD, make_organisation, make_supplier, make_user

T = TypeVar("T")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = NODE_MODULES_DIR / "axe-core" / "axe.min.js"
AXE_RUN = """axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
SHOTS = Path("/tmp/shots")
SERVER_START_SECONDS = 20
ACTION_TIMEOUT_MS = 10_000  # a missing element fails in seconds, not Playwright's default 30


def require(path: Path, why: str) -> None:
    """Skip when a browser-test prerequisite is missing, except under CI, where it is a failure."""
    if path.exists():
        return
    message = f"{path} is missing: {why}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for the served app, on a migrated SQLite database of its own."""
    directory = tmp_path_factory.mktemp("web")
    with migrated_database("sqlite", directory) as url:
        yield Settings(database_url=url, secret_key=TEST_SECRET, data_dir=directory)


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The whole app served by uvicorn on a free local port; yields its base URL."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("The app did not start under uvicorn")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=SERVER_START_SECONDS)


@pytest.fixture(scope="session")
def live_server(web_settings: Settings) -> Iterator[str]:
    """The app served for the whole run, on the browser tests' SQLite database."""
    with served(web_settings) as url:
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless (Playwright's own browser download is never used)."""
    require(CHROMIUM, "install Debian's chromium package to run the browser tests")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script from node_modules."""
    require(AXE_SCRIPT, "run `make install` to get axe-core")
    return AXE_SCRIPT.read_text()


@pytest_asyncio.fixture(loop_scope="session")
async def db(web_settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on the served database for seeding; every table is emptied afterwards."""
    engine = create_engine(web_settings.database_url)
    try:
        async with session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()
        await empty_all_tables(web_settings.database_url)


async def stored(db: AsyncSession, statement: sa.Select[tuple[T]]) -> T | None:
    """One value from the database, ending the transaction at once.

    SQLite transactions here begin IMMEDIATE, so a read left open would lock out the server.
    """
    value = await db.scalar(statement)
    await db.commit()
    return value


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """axe violations, one per line with the elements at fault, for a failure message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {node['target']}: {node['html'][:160]}" for node in violation["nodes"]]
    return "\n".join(lines)


class Visitor:
    """Someone using the service in the browser. Every page they reach is checked with axe."""

    def __init__(self, page: Page, axe_source: str) -> None:
        self.page = page
        self._axe = axe_source
        self.unchecked: list[str] = []
        page.on("load", lambda _: self.unchecked.append(page.url))

    async def check_accessibility(self) -> None:
        """Run axe on the current page and fail on any WCAG 2.2 AA violation."""
        # Evaluated, not added as a <script>: the page's policy refuses inline scripts.
        await self.page.evaluate(self._axe)
        result = await self.page.evaluate(AXE_RUN)
        violations = result["violations"]
        assert not violations, f"axe on {self.page.url}:\n{describe_violations(violations)}"
        self.unchecked.clear()

    async def open(self, path: str) -> Response | None:
        """Go to a path, as if typed into the address bar."""
        response = await self.page.goto(path)
        await self.check_accessibility()
        return response

    async def _navigate_by(self, role: Any, name: str) -> None:
        async with self.page.expect_navigation():
            await self.page.get_by_role(role, name=name, exact=True).click()
        await self.check_accessibility()

    async def press(self, button: str) -> None:
        """Press a button that loads another page: a form's button, or a link styled as one."""
        await self._navigate_by("button", button)

    async def follow(self, link: str) -> None:
        """Follow a link, including links styled as buttons."""
        await self._navigate_by("link", link)

    async def fill(self, label: str, value: str) -> None:
        """Type into the field with this label, replacing what was there."""
        await self.page.get_by_label(label, exact=True).fill(value)

    async def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in through the sign-in page."""
        await self.open("/login")
        await self.fill("Email address", email)
        await self.fill("Password", password)
        await self.press("Sign in")

    async def sign_out(self) -> None:
        """Sign out with the header button."""
        await self.press("Sign out")

    async def screenshot(self, name: str) -> None:
        """Keep a full-page picture of the current page in /tmp/shots for people to look at."""
        await self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    async def heading(self) -> str:
        """The page's h1."""
        return (await self.page.locator("h1").inner_text()).strip()

    async def error_summary(self) -> list[str]:
        """The messages in the GOV.UK error summary (empty when there is none)."""
        summary = self.page.locator(".govuk-error-summary__list li")
        return [text.strip() for text in await summary.all_inner_texts()]


@asynccontextmanager
async def visiting(browser: Browser, base_url: str, axe_source: str) -> AsyncIterator[Visitor]:
    """A fresh browser (no cookies) on a served app; fails if a page escaped the axe check."""
    context = await browser.new_context(base_url=base_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    visitor = Visitor(await context.new_page(), axe_source)
    try:
        yield visitor
    finally:
        await context.close()
    assert not visitor.unchecked, f"pages never checked with axe: {visitor.unchecked}"


@pytest_asyncio.fixture(loop_scope="session")
async def visitor(browser: Browser, live_server: str, axe_source: str) -> AsyncIterator[Visitor]:
    """Someone using the app served for the whole run."""
    async with visiting(browser, live_server, axe_source) as someone:
        yield someone


@dataclass(frozen=True)
class Council:
    """A council with a procurement officer, and a supplier with its own login."""

    organisation: Organisation
    officer: User
    supplier: Supplier
    supplier_user: User


@pytest_asyncio.fixture(loop_scope="session")
async def council(db: AsyncSession) -> Council:
    """The people most browser journeys need."""
    organisation = await make_organisation(db)
    officer = await make_user(db, organisation, Role.PROCUREMENT)
    supplier = await make_supplier(db, organisation, name="Nene Valley Builders Ltd")
    supplier_user = await make_user(db, organisation, Role.SUPPLIER, supplier=supplier)
    return Council(organisation, officer, supplier, supplier_user)


# A journey module runs its whole story once per database, on a server of its own.
@pytest.fixture(scope="module", params=BACKENDS)
def journey_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """Settings on a database of its own, for each backend."""
    directory: Path = tmp_path_factory.mktemp(f"journey-{request.param}")
    with migrated_database(request.param, directory) as url:
        yield Settings(database_url=url, secret_key=TEST_SECRET, data_dir=directory)


@pytest.fixture(scope="module")
def journey_server(journey_settings: Settings) -> Iterator[str]:
    """The app served on the journey's database."""
    with served(journey_settings) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def person(browser: Browser, journey_server: str, axe_source: str) -> AsyncIterator[Visitor]:
    """Someone using the journey's app."""
    async with visiting(browser, journey_server, axe_source) as visitor:
        yield visitor
