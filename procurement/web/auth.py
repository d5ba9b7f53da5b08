"""Signing in and out of the web pages."""

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.config import Settings
from procurement.errors import AuthenticationError, RateLimitedError
from procurement.security import SESSION_TOKEN_KEY, client_address, session_token
from procurement.services.auth import AuthService, LoginPolicy, SessionPolicy
from procurement.services.organisations import OrganisationService
from procurement.web.forms import FieldSpec, Form, FormSpec, read_form
from procurement.web.rendering import ORGANISATION_KEY, Req, flash, render, see_other

SIGN_IN = FormSpec(
    email=FieldSpec("Email address", required="Enter your email address"),
    password=FieldSpec("Password", required="Enter your password"),
)


def safe_next(target: str) -> str:
    """Where to go after signing in: only a path on this site, never another site."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _sign_in_page(
    request: Req, form: Form, status_code: int = 200, headers: dict[str, str] | None = None
) -> Template:
    return render(request, "pages/login.html", form=form, status_code=status_code, headers=headers)


class SignInPages(Controller):
    """The sign-in form and sign-out button."""

    include_in_schema = False

    @get("/login")
    async def sign_in_form(
        self, request: Req, next_: Annotated[str, QueryParameter(name="next")] = "/"
    ) -> Template:
        """The sign-in form (`next` is where to return afterwards)."""
        return _sign_in_page(request, Form({"next": safe_next(next_)}))

    @post("/login")
    async def sign_in(
        self,
        request: Req,
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Check the email and password (rate-limited as in the API), then start a session."""
        values = await read_form(request)
        form = Form({"email": values.get("email", ""), "next": safe_next(values.get("next", ""))})
        form.errors = [
            SIGN_IN.item(name, spec.required)
            for name, spec in SIGN_IN.fields.items()
            if not values.get(name)
        ]
        if form.errors:
            return _sign_in_page(request, form, 422)
        auth = AuthService(db_session)
        policy = LoginPolicy.from_settings(settings)
        try:
            principal = await auth.authenticate(
                values["email"], values["password"], policy, client_address(request)
            )
        except RateLimitedError as exc:
            form.errors = [SIGN_IN.item("email", exc.detail)]
            retry = {"Retry-After": str(exc.extra["retry_after_seconds"])}
            return _sign_in_page(request, form, 429, retry)
        except AuthenticationError as exc:
            form.errors = [SIGN_IN.item("email", exc.detail)]
            return _sign_in_page(request, form, 401)
        organisation = await OrganisationService(db_session, principal).get(
            principal.organisation_id
        )
        token = await auth.start_session(principal.user_id, SessionPolicy.from_settings(settings))
        # A fresh token at every sign-in, so a cookie planted before sign-in is useless.
        request.set_session({SESSION_TOKEN_KEY: token, ORGANISATION_KEY: organisation.name})
        return see_other(form.value("next"))

    @post("/logout")
    async def sign_out(self, request: Req, db_session: NamedDependency[AsyncSession]) -> Redirect:
        """End the session, here and in the database, so the old cookie opens nothing."""
        token = session_token(request)
        if token is not None:
            await AuthService(db_session).end_session(token)
        request.clear_session()
        flash(request, "You have signed out")
        return see_other("/login")
