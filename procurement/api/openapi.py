"""What Litestar cannot work out for the OpenAPI document by itself.

First, the field types of procurement.schemas.fields wherever they are nested. Litestar reads
a pydantic field's constraints (lengths, patterns, the string type of a decimal) only at the
top of a field; the same types inside `X | None`, `list[X]` or `dict[str, X]` would be
documented as bare strings, laxer than the server, so a client generated from the document
would send values the server refuses. Second, the media types of the files some operations
answer with instead of JSON. Third, what a request shape says about itself as a whole.
"""

import dataclasses
from typing import Any

import annotated_types
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)
from litestar.plugins import OpenAPISchemaPlugin
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.plugins.pydantic.utils import is_pydantic_model_class
from litestar.typing import FieldDefinition
from pydantic.fields import FieldInfo

# Constraints pydantic keeps as annotated-types metadata, and the OpenAPI keyword of each.
_CONSTRAINTS: dict[type[Any], tuple[str, str]] = {
    annotated_types.MinLen: ("min_length", "min_length"),
    annotated_types.MaxLen: ("max_length", "max_length"),
    annotated_types.Ge: ("ge", "minimum"),
    annotated_types.Le: ("le", "maximum"),
    annotated_types.Gt: ("gt", "exclusive_minimum"),
    annotated_types.Lt: ("lt", "exclusive_maximum"),
}


def _field_infos(field_definition: FieldDefinition) -> list[FieldInfo]:
    return [meta for meta in field_definition.metadata if isinstance(meta, FieldInfo)]


class NestedFieldSchemaPlugin(OpenAPISchemaPlugin):
    """Documents a nested annotated field type with its own constraints."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        """Whether the field is an annotated type carrying pydantic field information."""
        return bool(_field_infos(field_definition))

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        """The bare type's schema, with the annotated constraints and documentation."""
        bare = FieldDefinition.from_annotation(field_definition.annotation)
        created = schema_creator.for_field_definition(bare)
        if not isinstance(created, Schema):
            return Schema(all_of=[created])
        schema = dataclasses.replace(created)  # never alter a schema Litestar shares
        aliases = Schema.field_aliases()
        for info in _field_infos(field_definition):
            for constraint in info.metadata:
                if (keyword := _CONSTRAINTS.get(type(constraint))) is not None:
                    attribute, key = keyword
                    setattr(schema, key, getattr(constraint, attribute))
            if info.description:
                schema.description = info.description
            if isinstance(info.json_schema_extra, dict):
                for key, value in info.json_schema_extra.items():
                    setattr(schema, aliases.get(key, key), value)
        return schema


class ClosedShapeSchemaPlugin(OpenAPISchemaPlugin):
    """Documents what a request shape says about itself as a whole: that it refuses unknown
    fields (`extra="forbid"`), and any rule across its fields (its `json_schema_extra`)."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        """Whether the field is a shape with something to say about itself as a whole."""
        shape = field_definition.annotation
        if not is_pydantic_model_class(shape) or not hasattr(shape, "model_config"):
            return False
        config = shape.model_config
        return config.get("extra") == "forbid" or isinstance(config.get("json_schema_extra"), dict)

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        """The shape's schema as Litestar makes it, with those rules added."""
        schema = PydanticSchemaPlugin.for_pydantic_model(field_definition, schema_creator)
        config = field_definition.annotation.model_config
        if config.get("extra") == "forbid":
            schema.additional_properties = False
        aliases = Schema.field_aliases()
        for key, value in (config.get("json_schema_extra") or {}).items():
            setattr(schema, aliases.get(key, key), value)
        return schema


def file_download(*media_types: str) -> type[Operation]:
    """An operation class documenting a 200 answer as a file of any of the media types.

    Files that are not text (PDF, zip) are documented as binary; a JSON answer the handler
    documents itself keeps its schema.
    """

    @dataclasses.dataclass
    class FileDownloadOperation(Operation):
        def __post_init__(self) -> None:
            answered = (self.responses or {}).get("200")
            if not isinstance(answered, OpenAPIResponse):
                return
            content = dict(answered.content or {})
            for media_type in media_types:
                if media_type.startswith("text/"):
                    content[media_type] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
                else:
                    binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                    content[media_type] = OpenAPIMediaType(schema=binary)
            answered.content = content

    return FileDownloadOperation
