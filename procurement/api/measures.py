"""The measure catalogue."""

import uuid
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from procurement.api.errors import ERROR_RESPONSES
from procurement.api.params import Paging
from procurement.schemas.common import Page
from procurement.schemas.fields import SINGLE_LINE
from procurement.schemas.measure import (
    MeasureCreate,
    MeasureRead,
    MeasureUpdate,
    MeasureValueCreate,
)
from procurement.services.measures import MeasureService


class MeasureController(Controller):
    """Catalogue measures and their dated values."""

    path = "/api/v1/measures"
    tags = ["measures"]

    @get(operation_id="listMeasures", responses=ERROR_RESPONSES)
    async def list_measures(
        self,
        measures: NamedDependency[MeasureService],
        paging: NamedDependency[Paging],
        q: Annotated[
            str | None,
            QueryParameter(max_length=200, pattern=SINGLE_LINE, description="Code or description"),
        ] = None,
    ) -> Page[MeasureRead]:
        """Measures by code, with today's value and the value history."""
        return await measures.list(paging.limit, paging.offset, q)

    @post(operation_id="createMeasure", responses=ERROR_RESPONSES)
    async def create_measure(
        self, measures: NamedDependency[MeasureService], data: JSONBody[MeasureCreate]
    ) -> MeasureRead:
        """Add a measure with its first value."""
        return await measures.create(data)

    @get("/{measure_id:uuid}", operation_id="getMeasure", responses=ERROR_RESPONSES)
    async def get_measure(
        self, measures: NamedDependency[MeasureService], measure_id: FromPath[uuid.UUID]
    ) -> MeasureRead:
        """One measure."""
        return await measures.get(measure_id)

    @patch("/{measure_id:uuid}", operation_id="updateMeasure", responses=ERROR_RESPONSES)
    async def update_measure(
        self,
        measures: NamedDependency[MeasureService],
        measure_id: FromPath[uuid.UUID],
        data: JSONBody[MeasureUpdate],
    ) -> MeasureRead:
        """Change a measure's theme, description or unit."""
        return await measures.update(measure_id, data)

    @post("/{measure_id:uuid}/values", operation_id="addMeasureValue", responses=ERROR_RESPONSES)
    async def add_measure_value(
        self,
        measures: NamedDependency[MeasureService],
        measure_id: FromPath[uuid.UUID],
        data: JSONBody[MeasureValueCreate],
    ) -> MeasureRead:
        """Give a measure a new value from a date on (one value per date)."""
        return await measures.add_value(measure_id, data)
