"""The signed-in user a request acts for."""

import uuid
from dataclasses import dataclass

from procurement.domain.roles import Permission, Role, has_permission
from procurement.errors import ForbiddenError


@dataclass(frozen=True)
class Principal:
    """Who is acting, for whom, and in what role."""

    user_id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    full_name: str
    role: Role
    supplier_id: uuid.UUID | None = None

    def can(self, permission: Permission) -> bool:
        """True when this user's role grants the permission."""
        return has_permission(self.role, permission)

    def require(self, permission: Permission) -> None:
        """Raise 403 unless this user's role grants the permission."""
        if not self.can(permission):
            raise ForbiddenError(
                f"The {self.role.value} role cannot {permission.value.replace('_', ' ')}",
                code="role_forbidden",
            )
