"""Pages work under their Content-Security-Policy: every script comes from a file, GOV.UK
Frontend starts its components (on a phone-sized screen too), htmx refreshes the criteria
editor's running totals, and the browser reports no violation of the policy."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, ViewportSize, expect
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.models import Tender
from tests.factories import make_measure, make_tender
from tests.web.conftest import Council, Visitor, visiting
from tests.web.trees import WORKS_OVER_1M

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

PHONE = ViewportSize(width=375, height=812)
# Runs before the page's own scripts, and is exempt from the policy, so it sees every report.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Watched:
    """A visitor whose browser records policy violations and script errors on every page."""

    def __init__(self, visitor: Visitor) -> None:
        self.visitor = visitor
        self.problems: list[str] = []
        visitor.page.on("console", self._console)
        visitor.page.on("pageerror", lambda error: self.problems.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(message.text)

    async def assert_no_violations(self) -> None:
        """No page so far broke a rule of its policy or failed in a script."""
        violations: list[str] = await self.visitor.page.evaluate("window.cspViolations")
        assert violations == [], self.visitor.page.url
        assert self.problems == []

    async def assert_scripts_ran(self) -> None:
        """The page's script files ran: the body is marked and every component started."""
        page = self.visitor.page
        classes = (await page.evaluate("document.body.className")).split()
        assert {"js-enabled", "govuk-frontend-supported"} <= set(classes)
        modules: list[dict[str, Any]] = await page.eval_on_selector_all(
            "[data-module]",
            """elements => elements.map(element => ({
                module: element.dataset.module,
                started: element.hasAttribute(`data-${element.dataset.module}-init`),
            }))""",
        )
        assert modules, page.url
        assert [m for m in modules if not m["started"]] == [], page.url


@pytest_asyncio.fixture(loop_scope="session")
async def watched(browser: Browser, live_server: str, axe_source: str) -> AsyncIterator[Watched]:
    """Someone whose browser records policy violations."""
    async with visiting(browser, live_server, axe_source) as visitor:
        await visitor.page.context.add_init_script(RECORD_VIOLATIONS)
        yield Watched(visitor)


@pytest.fixture
async def draft(db: AsyncSession, council: Council) -> Tender:
    """A draft tender with price, quality and social value criteria."""
    await make_measure(db, council.organisation, "JOB01", [("36.50", date(2024, 4, 1))])
    return await make_tender(db, council.organisation, council.officer, criteria=WORKS_OVER_1M)


async def test_pages_run_their_scripts_with_no_policy_violation(
    watched: Watched, council: Council
) -> None:
    visitor = watched.visitor
    await visitor.page.set_viewport_size(PHONE)
    response = await visitor.open("/login")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    await watched.assert_scripts_ran()
    await visitor.press("Sign in")  # nothing entered: the error summary takes the focus
    focused = await visitor.page.evaluate("document.activeElement.dataset.module")
    assert focused == "govuk-error-summary"
    await visitor.open("/public/no-such-page")  # an error page runs the same scripts
    await watched.assert_scripts_ran()
    await watched.assert_no_violations()

    # Signed in, the header's links wrap on a phone; axe checks each stays easy to tap.
    await visitor.sign_in(council.officer.email)
    for link in ("Tenders", "Suppliers"):
        await visitor.follow(link)
        await watched.assert_scripts_ran()
    await watched.assert_no_violations()


async def test_the_criteria_editor_works_under_the_policy(
    watched: Watched, council: Council, draft: Tender
) -> None:
    visitor = watched.visitor
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{draft.id}/criteria")
    await watched.assert_scripts_ran()

    # htmx posts what is typed and swaps in the running totals.
    await visitor.page.locator("#g0-weight").fill("50")
    await expect(visitor.page.locator("#running-sums")).to_contain_text(
        "Groups add up to 90% (must be 100%)"
    )
    # Choosing how a criterion is scored reveals that method's settings.
    settings = visitor.page.locator("#g1-c0-method-metric-conditional")
    await expect(settings).to_be_hidden()
    await visitor.page.locator("#g1-c0-method-metric").check()
    await expect(settings).to_be_visible()
    await visitor.check_accessibility()
    await watched.assert_no_violations()
