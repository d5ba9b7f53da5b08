"""Route guards for pages that only some roles may open."""

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from procurement.domain.roles import Permission
from procurement.principal import Principal


def requires(permission: Permission) -> list[Guard]:
    """Guards that refuse the page (403) unless the user's role grants the permission.

    The services check again when the form is posted; this only spares people a form they
    could never send.
    """

    def guard(connection: ASGIConnection[Any, Principal, Any, Any], _: BaseRouteHandler) -> None:
        connection.user.require(permission)

    return [guard]
