"""Signing in and out of the pages, and being sent to sign in first."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.errors import AuthenticationError
from procurement.services.auth import AuthService, LoginPolicy
from tests.factories import PASSWORD
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def test_signing_in_shows_the_dashboard_with_name_and_role(
    visitor: Visitor, council: Council
) -> None:
    await visitor.sign_in(council.officer.email)

    assert await visitor.heading() == f"Hello, {council.officer.full_name}"
    assert "Your role is procurement officer" in await visitor.page.inner_text("main")
    await visitor.screenshot("dashboard")


async def test_signing_out_ends_the_session(visitor: Visitor, council: Council) -> None:
    await visitor.sign_in(council.officer.email)

    await visitor.sign_out()

    banner = visitor.page.locator(".govuk-notification-banner")
    assert "You have signed out" in await banner.inner_text()
    await visitor.open("/tenders")
    assert await visitor.heading() == "Sign in"


@pytest.mark.parametrize("path", ["/", "/tenders?status=open", "/suppliers"])
async def test_a_visit_without_signing_in_goes_to_sign_in_and_then_back(
    visitor: Visitor, council: Council, live_server: str, path: str
) -> None:
    await visitor.open(path)

    assert visitor.page.url == f"{live_server}/login?next={quote(path, safe='')}"
    await visitor.fill("Email address", council.officer.email)
    await visitor.fill("Password", "correct horse battery staple")
    await visitor.press("Sign in")
    assert visitor.page.url == f"{live_server}{path}"


@pytest.mark.parametrize(
    ("email", "password", "messages"),
    [
        ("", "", ["Enter your email address", "Enter your password"]),
        (None, "not the password", ["The email or password is not right"]),
        ("nobody@example.test", "not the password", ["The email or password is not right"]),
    ],
)
async def test_a_failed_sign_in_is_explained_in_the_error_summary(
    visitor: Visitor, council: Council, email: str | None, password: str, messages: list[str]
) -> None:
    await visitor.sign_in(council.officer.email if email is None else email, password)

    assert await visitor.error_summary() == messages
    assert (await visitor.page.title()).startswith("Error: Sign in")
    assert await visitor.page.locator("#email").get_attribute("class") == (
        "govuk-input govuk-input--error"
    )


async def test_too_many_failed_sign_ins_refuse_even_the_right_password(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    # Five failures from the browser's own address (the served app sees 127.0.0.1).
    policy = LoginPolicy(attempts=5, window=timedelta(minutes=15))
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            await AuthService(db).authenticate(
                council.officer.email, "not " + PASSWORD, policy, "127.0.0.1"
            )

    await visitor.sign_in(council.officer.email)

    assert await visitor.error_summary() == [
        "Too many failed sign-in attempts for this email. Try again later."
    ]


async def test_signing_in_works_from_the_keyboard_alone(visitor: Visitor, council: Council) -> None:
    await visitor.open("/login")
    keyboard = visitor.page.keyboard

    await keyboard.press("Tab")
    assert await visitor.page.evaluate("document.activeElement.textContent") == (
        "Skip to main content"
    )
    await keyboard.press("Enter")  # the skip link, then on into the form
    await keyboard.press("Tab")
    await keyboard.type(council.officer.email)
    await keyboard.press("Tab")
    await keyboard.type("correct horse battery staple")
    async with visitor.page.expect_navigation():
        await keyboard.press("Enter")
    await visitor.check_accessibility()

    assert await visitor.heading() == f"Hello, {council.officer.full_name}"
