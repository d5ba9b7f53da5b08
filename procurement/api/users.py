"""User accounts, for administrators."""

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.schemas.common import Page
from procurement.schemas.user import UserCreate, UserRead, UserUpdate
from procurement.services.users import UserService


class UserController(Controller):
    """CRUD for users; deleting deactivates, because records name their authors."""

    path = "/api/v1/users"
    tags = ["users"]

    @get(operation_id="listUsers", responses=ERROR_RESPONSES)
    async def list_users(
        self, users: NamedDependency[UserService], paging: NamedDependency[Paging]
    ) -> Page[UserRead]:
        """Users of the organisation."""
        return await users.list(paging.limit, paging.offset)

    @post(operation_id="createUser", responses=ERROR_RESPONSES)
    async def create_user(
        self, users: NamedDependency[UserService], data: JSONBody[UserCreate]
    ) -> UserRead:
        """Add a user."""
        return await users.create(data)

    @get("/{user_id:uuid}", operation_id="getUser", responses=ERROR_RESPONSES)
    async def get_user(
        self, users: NamedDependency[UserService], user_id: FromPath[uuid.UUID]
    ) -> UserRead:
        """One user."""
        return await users.get(user_id)

    @patch("/{user_id:uuid}", operation_id="updateUser", responses=ERROR_RESPONSES)
    async def update_user(
        self,
        users: NamedDependency[UserService],
        user_id: FromPath[uuid.UUID],
        data: JSONBody[UserUpdate],
    ) -> UserRead:
        """Rename, reactivate, deactivate or reset a password."""
        return await users.update(user_id, data)

    @delete("/{user_id:uuid}", operation_id="deactivateUser", responses=ERROR_RESPONSES)
    async def deactivate_user(
        self, users: NamedDependency[UserService], user_id: FromPath[uuid.UUID]
    ) -> None:
        """Deactivate a user and revoke their tokens."""
        await users.deactivate(user_id)
