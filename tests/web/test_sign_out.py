"""Signing out ends the session on the server: a copy of the old cookie opens nothing."""

import pytest

from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def test_a_cookie_kept_from_before_signing_out_opens_no_pages(
    visitor: Visitor, council: Council
) -> None:
    await visitor.sign_in(council.officer.email)
    context = visitor.page.context
    kept = await context.cookies()

    await visitor.sign_out()
    await context.clear_cookies()
    # As if someone had copied the cookies before the sign-out.
    await context.add_cookies(
        [
            {"name": c["name"], "value": c["value"], "domain": c["domain"], "path": c["path"]}
            for c in kept
        ]
    )
    await visitor.open("/tenders")

    assert await visitor.heading() == "Sign in"
    assert "/login?next=" in visitor.page.url
