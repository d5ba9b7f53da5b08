"""Serving published files over HTTP, on both databases: a file whose bytes were changed in the
database is refused with 500 `integrity_error` on every route that serves it; untouched files
answer HEAD and If-None-Match, may be kept for ever, and set no cookie."""

import logging
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.app import create_app
from procurement.config import Settings
from procurement.domain.roles import Role
from procurement.schemas.publication import PublicationFileKind
from procurement.services import file_integrity
from procurement.services.publications import API_PATH, PUBLIC_PATH, file_url
from tests.api.conftest import error_of
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, make_organisation, make_user, token_for
from tests.publication_support import make_publication, sha256_of

Client = AsyncTestClient[Litestar]
KINDS = list(PublicationFileKind)
BASES = [API_PATH, PUBLIC_PATH]
FAKE = b"A forged file"
# Headers a HEAD answer and a 304 repeat from the full answer.
FILE_HEADERS = ["etag", "repr-digest", "cache-control", "content-disposition"]


@dataclass(frozen=True)
class Published:
    """A stored publication, and the finance officer's sign-in details."""

    id: uuid.UUID
    email: str
    token: str

    def url(self, base: str, kind: PublicationFileKind) -> str:
        """Where a file of it is served under `base`."""
        return file_url(base, self.id, kind)

    def auth(self, url: str) -> dict[str, str]:
        """The bearer token for API paths; nothing for the public pages."""
        return {"Authorization": f"Bearer {self.token}"} if url.startswith(API_PATH) else {}


@pytest.fixture
async def client(any_database_url: str, engine: object, tmp_path: Path) -> AsyncIterator[Client]:
    """The app on the test database (both backends); `engine` empties the tables after."""
    settings = Settings(database_url=any_database_url, secret_key=TEST_SECRET, data_dir=tmp_path)
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


@pytest.fixture
async def published(session: AsyncSession) -> Published:
    """A publication with a file of each kind, and a finance officer of its council."""
    council = await make_organisation(session)
    officer = await make_user(session, council, Role.FINANCE)
    token = await token_for(session, officer)
    publication = await make_publication(session, council)
    return Published(publication.id, officer.email, token)


async def tamper(
    session: AsyncSession, publication_id: uuid.UUID, kind: PublicationFileKind
) -> None:
    """Change a file's bytes with plain SQL, as someone with database access could."""
    await session.execute(
        sa.text(
            "UPDATE publication_file SET content = :content "
            "WHERE publication_id = :id AND kind = :kind"
        ).bindparams(
            sa.bindparam("content", FAKE, type_=sa.LargeBinary()),
            sa.bindparam("id", publication_id, type_=sa.Uuid()),
            sa.bindparam("kind", kind.value),
        )
    )
    await session.commit()


async def fetch(
    client: Client, published: Published, method: str, url: str, **headers: str
) -> httpx.Response:
    """Ask for a file, with the bearer token when it is an API path."""
    return await client.request(method, url, headers=published.auth(url) | headers)


async def test_a_file_edited_in_the_database_is_refused_on_every_route_that_serves_it(
    client: Client,
    session: AsyncSession,
    published: Published,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for kind in KINDS:
        await tamper(session, published.id, kind)

    for kind in KINDS:
        recorded = sha256_of(f"The {kind.value} file of 2026/27 Q1".encode())
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            api = await fetch(client, published, "GET", published.url(API_PATH, kind))
            api_head = await fetch(client, published, "HEAD", published.url(API_PATH, kind))
            page = await fetch(client, published, "GET", published.url(PUBLIC_PATH, kind))
            page_head = await fetch(client, published, "HEAD", published.url(PUBLIC_PATH, kind))

        error_of(api, 500, "integrity_error")
        assert page.status_code == 500, kind
        assert page.headers["content-type"].startswith("text/html")
        assert "does not match the digest recorded when it was stored" in page.text
        assert (api_head.status_code, page_head.status_code) == (500, 500), kind
        for response in (api, api_head, page, page_head):
            assert "etag" not in response.headers
            assert FAKE not in response.content
        logged = [r.getMessage() for r in caplog.records if r.name == file_integrity.logger.name]
        assert len(logged) == 4, logged
        assert all(
            f"{kind.value} file of publication {published.id}" in message
            and sha256_of(FAKE) in message
            and recorded in message
            for message in logged
        ), logged


async def test_head_answers_the_headers_of_get_without_the_body(
    client: Client, published: Published
) -> None:
    for base in BASES:
        for kind in KINDS:
            url = published.url(base, kind)

            got = await fetch(client, published, "GET", url)
            head = await fetch(client, published, "HEAD", url)

            assert (got.status_code, head.status_code) == (200, 200), url
            assert head.content == b""
            assert got.content == f"The {kind.value} file of 2026/27 Q1".encode()
            assert got.headers["etag"] == f'"{sha256_of(got.content)}"'
            assert "immutable" in got.headers["cache-control"]
            for name in [*FILE_HEADERS, "content-type", "content-length"]:
                assert head.headers[name] == got.headers[name], (url, name)


# If-None-Match as clients send it: the ETag itself, weak, in lists, and "*".
HOLDING = ['"{etag}"', 'W/"{etag}"', '"0000", W/"{etag}"', '"abc",W/"def" , "{etag}"', "*"]


async def test_a_caller_holding_the_file_gets_304_and_no_body(
    client: Client, published: Published
) -> None:
    for base in BASES:
        for kind in KINDS:
            url = published.url(base, kind)
            full = await fetch(client, published, "GET", url)
            etag = sha256_of(full.content)
            for method in ("GET", "HEAD"):
                for form in HOLDING:
                    held = {"If-None-Match": form.format(etag=etag)}

                    response = await fetch(client, published, method, url, **held)

                    assert response.status_code == 304, (url, method, form)
                    assert response.content == b""
                    for name in FILE_HEADERS:
                        assert response.headers[name] == full.headers[name], (url, name)


async def test_another_etag_gets_the_whole_file(client: Client, published: Published) -> None:
    for base in BASES:
        url = published.url(base, PublicationFileKind.CSV)
        other = {"If-None-Match": f'"{sha256_of(FAKE)}", W/"other"'}

        response = await fetch(client, published, "GET", url, **other)

        assert response.status_code == 200
        assert response.content == b"The csv file of 2026/27 Q1"


async def sign_in(client: Client, email: str) -> None:
    """Sign in through the form, so the client holds the session and CSRF cookies."""
    page = await client.get("/login")
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, "no CSRF token on /login"
    response = await client.post(
        "/login",
        data={"_csrf_token": match[1], "email": email, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def set_cookies(response: httpx.Response) -> list[str]:
    """The response's Set-Cookie headers."""
    return response.headers.get_list("set-cookie")


async def test_published_files_set_no_cookie(client: Client, published: Published) -> None:
    fresh = await client.get(PUBLIC_PATH)  # a page: it hands out the CSRF cookie
    assert any(c.startswith("procurement_csrf=") for c in set_cookies(fresh)), fresh.headers
    client.cookies.clear()
    answers = []
    for base in BASES:
        for kind in KINDS:
            url = published.url(base, kind)
            answers += [
                await fetch(client, published, "GET", url),
                await fetch(client, published, "HEAD", url),
                await fetch(client, published, "GET", url, **{"If-None-Match": "*"}),
            ]

    assert [answer.status_code for answer in answers] == [200, 200, 304] * len(BASES) * len(KINDS)
    assert [set_cookies(answer) for answer in answers] == [[]] * len(answers)


async def test_published_files_leave_a_signed_in_session_alone(
    client: Client, published: Published
) -> None:
    await sign_in(client, published.email)
    home = await client.get("/")
    assert home.status_code == 200

    answers = [
        await client.request(method, published.url(PUBLIC_PATH, kind))
        for kind in KINDS
        for method in ("GET", "HEAD")
    ]

    assert [answer.status_code for answer in answers] == [200] * len(answers)
    assert [set_cookies(answer) for answer in answers] == [[]] * len(answers)
    assert (await client.get("/")).status_code == 200  # still signed in
