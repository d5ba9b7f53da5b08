"""The criteria tree editor's form, shared by a tender's award criteria and weighting templates.

Fields are named by position: `g1-weight` is the second group's weight, `g1-c0-method` the
method of its first criterion, `g1-c0-l2-label` the label of that criterion's third scale level.
The buttons that add or remove a group, criterion or level post the whole form and get it back
renumbered; nothing is saved until the save button is pressed.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from procurement.errors import DomainError
from procurement.schemas.criteria import (
    CriteriaTreeSchema,
    CriterionSchema,
    GroupSchema,
    TreeIssueRead,
)
from procurement.web.forms import ErrorItem, FieldSpec, FormSpec
from scoring.criteria import GroupKind, Method, MetricDirection, MetricMode, SocialValueMode

HUNDRED = Decimal(100)
CUSTOM_SCALE = "custom"
STANDARD_SCALES = ("5", "10", "100")
BLANK_LEVEL_ROWS = 2  # spare rows under a custom scale, so a level can be added without a trip
COMMAND_FIELD = "command"

GROUP_KIND_NAMES = {
    GroupKind.PRICE: "Price",
    GroupKind.QUALITY: "Quality",
    GroupKind.SOCIAL_VALUE: "Social value",
    GroupKind.LOCALISM: "Localism",
    GroupKind.ENVIRONMENT: "Environment",
    GroupKind.OTHER: "Other",
}
METHOD_NAMES = {
    Method.PRICE_RELATIVE: "Price, relative to the lowest",
    Method.PRICE_LINEAR: "Price, linear from the lowest",
    Method.PRICE_PER_QUALITY_POINT: "Price per quality point",
    Method.JUDGEMENT: "Evaluators' judgement on a scale",
    Method.METRIC: "A number the bid states",
    Method.SOCIAL_VALUE_MEASURES: "Social value commitments",
    Method.LOCAL_SUPPLIER: "Local supplier",
    Method.PASS_FAIL: "Pass or fail",
}
METHOD_HINTS = {
    Method.PRICE_RELATIVE: "The lowest price divided by this price, times the weight",
    Method.PRICE_LINEAR: "Full marks at the lowest price, nothing at a stated % above it",
    Method.PRICE_PER_QUALITY_POINT: "Ranks bids by price divided by quality points",
    Method.JUDGEMENT: "Evaluators score the bidder's answer to a question",
    Method.METRIC: "Such as % of spend with local firms, scored against the best bid or a target",
    Method.SOCIAL_VALUE_MEASURES: "Quantities of catalogue measures, valued at their proxy values",
    Method.LOCAL_SUPPLIER: "Full marks when the supplier is in the council's postcode areas",
    Method.PASS_FAIL: "A yes or no question; a fail excludes the bid",
}
DIRECTION_NAMES = {
    MetricDirection.HIGHER_IS_BETTER: "Higher is better",
    MetricDirection.LOWER_IS_BETTER: "Lower is better",
}
METRIC_MODE_NAMES = {
    MetricMode.RELATIVE: "Relative to the best bid",
    MetricMode.LINEAR: "Linear between a floor and a target",
}
SOCIAL_VALUE_MODE_NAMES = {
    SocialValueMode.RELATIVE: "Relative to the bid with the most social value",
    SocialValueMode.PER_POUND: "Social value per pound of price",
}
SCALE_NAMES = {"5": "0 to 5", "10": "0 to 10", "100": "0 to 100", CUSTOM_SCALE: "Custom levels"}

# The methods whose question bidders answer on the bid form.
ASKING_METHODS = frozenset({Method.JUDGEMENT, Method.METRIC, Method.PASS_FAIL})


def number(raw: str) -> Decimal | None:
    """A number as typed (`40%`, `1,250.5`), or None if it is not one."""
    try:
        value = Decimal(clean_number(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def clean_number(raw: str) -> str:
    """The text of a number without the percent sign, pound sign, commas and spaces people add."""
    return re.sub(r"[%£,\s]", "", raw)


def percent(value: Decimal) -> str:
    """A weight as people write it: 40%, 12.5%."""
    text = f"{value.normalize():f}"
    return f"{text}%"


@dataclass
class LevelRow:
    """One row of a custom judgement scale, as typed."""

    value: str = ""
    label: str = ""
    descriptor: str = ""

    def is_blank(self) -> bool:
        """True for a spare row left empty."""
        return not (self.value or self.label or self.descriptor)


@dataclass
class CriterionRow:
    """One criterion's fields, as typed."""

    key: str = ""
    name: str = ""
    weight: str = ""
    method: str = ""
    question: str = ""
    scale: str = "5"
    levels: list[LevelRow] = field(default_factory=list)
    minimum_score: str = ""
    zero_at_percent_above: str = ""
    direction: str = MetricDirection.HIGHER_IS_BETTER.value
    metric_mode: str = MetricMode.RELATIVE.value
    floor: str = ""
    target: str = ""
    unit: str = ""
    measures: list[str] = field(default_factory=list)
    social_value_mode: str = SocialValueMode.RELATIVE.value
    spare_levels: int = BLANK_LEVEL_ROWS


@dataclass
class GroupRow:
    """One group's fields and its criteria, as typed."""

    key: str = ""
    name: str = ""
    kind: str = ""
    weight: str = ""
    criteria: list[CriterionRow] = field(default_factory=list)


# Plain text fields of each row, read and written by the same name.
_GROUP_TEXT = ("key", "name", "kind", "weight")
_CRITERION_TEXT = (
    "key",
    "name",
    "weight",
    "method",
    "question",
    "scale",
    "minimum_score",
    "zero_at_percent_above",
    "direction",
    "metric_mode",
    "floor",
    "target",
    "unit",
    "social_value_mode",
)
_LEVEL_TEXT = ("value", "label", "descriptor")
_INDEXES = re.compile(r"^g(\d+)-(?:c(\d+)-(?:l(\d+)-)?)?")
_COMMAND = re.compile(r"^(add|remove)-(group|criterion|level)((?:-\d+){0,2})$")


def group_prefix(g: int) -> str:
    """The start of every field name of the g-th group."""
    return f"g{g}-"


def criterion_prefix(g: int, c: int) -> str:
    """The start of every field name of a criterion."""
    return f"g{g}-c{c}-"


def measure_field(g: int, c: int, code: str) -> str:
    """The checkbox that asks for a catalogue measure under a criterion."""
    return f"{criterion_prefix(g, c)}measure-{code}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")


def _unique_key(wanted: str, fallback: str, taken: set[str]) -> str:
    """A key for the schema: the one given, else one made from the name, never used twice."""
    base = wanted or _slug(fallback) or "item"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base[:36]}-{n}"
    taken.add(key)
    return key


class NestedFormSpec(FormSpec):
    """A FormSpec for a schema with nested fields (a criteria tree, a bid's answers).

    A schema error's location is a path such as ("groups", 1, "criteria", 0, "weight") and a
    service's error names a key path such as `groups.quality.criteria.method.weight`; the
    `locations` and `paths` maps turn both into the form's flat field names, like `g1-c0-weight`.
    """

    def __init__(
        self,
        fields: dict[str, FieldSpec],
        locations: dict[tuple[str | int, ...], str],
        paths: dict[str, str],
        root: tuple[str, ...] = (),
    ) -> None:
        super().__init__(**fields)
        self.locations = locations
        self.paths = paths
        self.root = root

    def name_at(self, loc: tuple[str | int, ...]) -> str | None:
        """The field for a schema location: the closest enclosing location that is a field."""
        if self.root and loc[: len(self.root)] == self.root:
            loc = loc[len(self.root) :]
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.locations:
                return self.locations[loc[:end]]
        return None

    def name_for_path(self, path: str) -> str | None:
        """The field for an issue's path (a leading `criteria.` is the tender's, and dropped)."""
        path = path.removeprefix("criteria.").removeprefix("tree.")
        parts = path.split(".")
        for end in range(len(parts), 0, -1):
            name = self.paths.get(".".join(parts[:end]))
            if name is not None:
                return name
        return None

    def _message(self, name: str, error: ErrorDetails) -> str:
        spec = self.fields.get(name, FieldSpec(label="This"))
        context = error.get("ctx", {})
        kind = error["type"]
        if kind == "greater_than_equal":
            return f"{spec.label} must be {context.get('ge')} or more"
        if kind == "less_than_equal":
            return f"{spec.label} must be {context.get('le')} or less"
        if kind == "decimal_whole_digits":
            return f"{spec.label} is too large"
        if kind in {"enum", "literal_error"}:
            return spec.required or f"Select {spec.label.lower()}"
        if kind == "string_pattern_mismatch":
            return f"{spec.label} is not a code in the catalogue"
        return super()._message(name, error)

    def errors_from(self, exc: ValidationError) -> list[ErrorItem]:
        """GOV.UK messages for the tree schema's errors, each against the field it is about."""
        errors = []
        for error in exc.errors():
            name = self.name_at(tuple(error["loc"]))
            errors.append(self.item(name, self._message(name or "", error)))
        return self.ordered(errors)

    def from_domain(
        self, exc: DomainError, by_code: Mapping[str, str] | None = None
    ) -> list[ErrorItem]:
        """A service's refusal, against the fields its paths name."""
        if exc.errors:
            return self.ordered(
                self.item(self.name_for_path(e.field), e.message) for e in exc.errors
            )
        return [self.item(None, exc.detail)]

    def issue_items(self, issues: Iterable[TreeIssueRead]) -> list[tuple[ErrorItem, str]]:
        """Problems found in a saved tree, linking to the fields that fix them, with severity."""
        return [(self.item(self.name_for_path(i.path), i.message), i.severity) for i in issues]


@dataclass(frozen=True)
class Draft:
    """A posted form as schema input, how to name its fields, and problems found reading it."""

    data: dict[str, Any]
    spec: NestedFormSpec
    errors: list[ErrorItem]


@dataclass
class TreeRows:
    """The tree as the form holds it: every field as typed, in page order."""

    groups: list[GroupRow] = field(default_factory=list)

    # --- reading and writing ---------------------------------------------------------------

    @classmethod
    def from_schema(cls, tree: CriteriaTreeSchema) -> "TreeRows":
        """A stored tree, ready to edit."""
        return cls([_group_row(group) for group in tree.groups])

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> "TreeRows":
        """The tree as posted. Rows are found by the index in their field names."""
        shape: dict[int, dict[int, set[int]]] = {}
        for name in values:
            match = _INDEXES.match(name)
            if match is None:
                continue
            g, c, level = (int(part) if part else None for part in match.groups())
            criteria = shape.setdefault(g or 0, {})
            if c is not None:
                levels = criteria.setdefault(c, set())
                if level is not None:
                    levels.add(level)
        groups = []
        for g in sorted(shape):
            row = GroupRow()
            for part in _GROUP_TEXT:
                setattr(row, part, values.get(group_prefix(g) + part, ""))
            for c in sorted(shape[g]):
                row.criteria.append(_criterion_from_values(values, g, c, sorted(shape[g][c])))
            groups.append(row)
        return cls(groups)

    def values(self) -> dict[str, str]:
        """The flat form values that show these rows (ticked boxes present, unticked absent)."""
        values: dict[str, str] = {}
        for g, group in enumerate(self.groups):
            values |= {group_prefix(g) + f: getattr(group, f) for f in _GROUP_TEXT}
            for c, criterion in enumerate(group.criteria):
                prefix = criterion_prefix(g, c)
                values |= {prefix + f: getattr(criterion, f) for f in _CRITERION_TEXT}
                for n, level in enumerate(self.level_rows(criterion)):
                    values |= {f"{prefix}l{n}-{f}": getattr(level, f) for f in _LEVEL_TEXT}
                values |= {measure_field(g, c, code): "true" for code in criterion.measures}
        return values

    @staticmethod
    def level_rows(criterion: CriterionRow) -> list[LevelRow]:
        """The custom scale rows to show: those filled in, then spare ones."""
        return criterion.levels + [LevelRow() for _ in range(criterion.spare_levels)]

    # --- the add and remove buttons ----------------------------------------------------------

    def apply(self, command: str) -> bool:
        """Carry out an add or remove button; False if `command` is not one."""
        match = _COMMAND.match(command)
        if match is None:
            return False
        verb, what, indexes = match.groups()
        at = [int(i) for i in indexes.split("-")[1:]]
        try:
            if what == "group":
                self._group_command(verb, at)
            elif what == "criterion":
                self._criterion_command(verb, at)
            else:
                self.groups[at[0]].criteria[at[1]].spare_levels += 1
        except IndexError:  # a stale page's button for a row that has gone
            return True
        return True

    def _group_command(self, verb: str, at: list[int]) -> None:
        if verb == "add":
            self.groups.append(GroupRow(criteria=[CriterionRow()]))
        else:
            del self.groups[at[0]]

    def _criterion_command(self, verb: str, at: list[int]) -> None:
        if verb == "add":
            self.groups[at[0]].criteria.append(CriterionRow())
        else:
            del self.groups[at[0]].criteria[at[1]]

    # --- to the schema ----------------------------------------------------------------------

    def draft(self, root: tuple[str, ...] = (), **leading: FieldSpec) -> Draft:
        """The schema input for the tree, with field labels and the schema locations of fields.

        A tree inside a bigger schema sits at `root` (such as ("tree",)); the `leading` fields
        come before it on the page and in that schema.
        """
        builder = _DraftBuilder()
        for name, field_spec in leading.items():
            builder.field(name, field_spec.label, (name,), name, field_spec.required)
        builder.spec_fields["groups"] = FieldSpec(
            "The groups", anchor=("g0-weight" if self.groups else "add-group")
        )
        groups = [builder.group(g, group) for g, group in enumerate(self.groups)]
        spec = NestedFormSpec(builder.spec_fields, builder.locations, builder.paths, root)
        return Draft({"groups": groups}, spec, builder.errors)

    def lenient(self) -> CriteriaTreeSchema:
        """The tree as far as it can be read, for the running sums while someone types.

        Built without validation: a weight that is not (yet) a number counts as 0, and every
        setting the sums do not need is left out.
        """
        draft = self.draft()
        groups = []
        for group, data in zip(self.groups, draft.data["groups"], strict=True):
            criteria = [
                CriterionSchema.model_construct(
                    key=c_data["key"],
                    name=row.name,
                    weight=number(row.weight) or Decimal(0),
                    method=_enum(Method, row.method, Method.PRICE_RELATIVE),
                )
                for row, c_data in zip(group.criteria, data["criteria"], strict=True)
            ]
            groups.append(
                GroupSchema.model_construct(
                    key=data["key"],
                    name=group.name,
                    kind=_enum(GroupKind, group.kind, GroupKind.OTHER),
                    weight=number(group.weight) or Decimal(0),
                    criteria=criteria,
                )
            )
        return CriteriaTreeSchema.model_construct(groups=groups)


def _enum(kind: Callable[[str], Any], raw: str, default: Any) -> Any:
    try:
        return kind(raw)
    except ValueError:
        return default


def _group_row(group: GroupSchema) -> GroupRow:
    return GroupRow(
        key=group.key,
        name=group.name,
        kind=group.kind.value,
        weight=f"{group.weight.normalize():f}",
        criteria=[_criterion_row(c) for c in group.criteria],
    )


def _text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _criterion_row(c: CriterionSchema) -> CriterionRow:
    row = CriterionRow(
        key=c.key,
        name=c.name,
        weight=_text(c.weight),
        method=c.method.value,
        question=c.question,
        minimum_score=_text(c.minimum_score),
        zero_at_percent_above=_text(c.zero_at_percent_above),
        direction=c.direction.value,
        metric_mode=c.metric_mode.value,
        floor=_text(c.floor),
        target=_text(c.target),
        unit=c.unit,
        measures=list(c.measures),
        social_value_mode=c.social_value_mode.value,
    )
    if c.scale is not None:
        if c.scale.levels:
            row.scale = CUSTOM_SCALE
            row.levels = [
                LevelRow(_text(lv.value), lv.label, lv.descriptor) for lv in c.scale.levels
            ]
        else:
            row.scale = _text(c.scale.maximum)
    return row


def _criterion_from_values(
    values: Mapping[str, str], g: int, c: int, level_indexes: list[int]
) -> CriterionRow:
    prefix = criterion_prefix(g, c)
    row = CriterionRow()
    for part in _CRITERION_TEXT:
        setattr(row, part, values.get(prefix + part, ""))
    levels = [
        LevelRow(*(values.get(f"{prefix}l{n}-{part}", "") for part in _LEVEL_TEXT))
        for n in level_indexes
    ]
    # Spare rows left empty are dropped, so the levels are numbered as the schema sees them.
    row.levels = [level for level in levels if not level.is_blank()]
    marker = f"{prefix}measure-"
    row.measures = [name.removeprefix(marker) for name in values if name.startswith(marker)]
    return row


class _DraftBuilder:
    """Turns rows into schema input, recording for every field its label and where the schema
    (by location) and the service (by key path) will report a problem with it."""

    def __init__(self) -> None:
        self.spec_fields: dict[str, FieldSpec] = {}
        self.locations: dict[tuple[str | int, ...], str] = {("groups",): "groups"}
        self.paths: dict[str, str] = {"groups": "groups"}
        self.errors: list[ErrorItem] = []
        self.group_keys: set[str] = set()
        self.criterion_keys: set[str] = set()

    def field(
        self,
        name: str,
        label: str,
        loc: tuple[str | int, ...],
        path: str,
        required: str = "",
        anchor: str = "",
    ) -> None:
        """Record a field: its label, and the schema location and key path that point to it."""
        self.spec_fields[name] = FieldSpec(label, required=required, anchor=anchor)
        self.locations[loc] = name
        self.paths[path] = name

    def group(self, g: int, row: GroupRow) -> dict[str, Any]:
        """One group's schema input."""
        key = _unique_key(row.key, row.name or f"group-{g + 1}", self.group_keys)
        title = f"group {g + 1}"
        prefix, loc, path = group_prefix(g), ("groups", g), f"groups.{key}"
        for part, label, required in (
            ("name", f"The name of {title}", f"Enter a name for {title}"),
            ("kind", f"What {title} measures", f"Select what {title} measures"),
            ("weight", f"The weight of {title}", f"Enter the weight of {title}"),
        ):
            self.field(prefix + part, label, (*loc, part), f"{path}.{part}", required)
        # A problem with the whole group (its criteria do not add up) points at its first
        # criterion's weight, where the fix usually is.
        first = f"{criterion_prefix(g, 0)}weight" if row.criteria else f"{prefix}add-criterion"
        self.field(
            prefix + "criteria", f"The criteria of {title}", (*loc, "criteria"),
            f"{path}.criteria", anchor=first,
        )  # fmt: skip
        self.locations[loc] = self.paths[path] = prefix + "name"
        criteria = [self.criterion(g, c, crit, path) for c, crit in enumerate(row.criteria)]
        data = {"key": key, "name": row.name, "kind": row.kind, "weight": clean_number(row.weight)}
        # Blank fields are left out, so the schema says which are missing.
        return {k: v for k, v in data.items() if v != ""} | {"criteria": criteria}

    def criterion(self, g: int, c: int, row: CriterionRow, group_path: str) -> dict[str, Any]:
        """One criterion's schema input, with only the settings its method uses."""
        key = _unique_key(row.key, row.name or f"criterion-{c + 1}", self.criterion_keys)
        title = f"criterion {c + 1} of group {g + 1}"
        prefix, loc = criterion_prefix(g, c), ("groups", g, "criteria", c)
        path = f"{group_path}.criteria.{key}"

        def add(part: str, label: str, required: str = "") -> None:
            self.field(prefix + part, label, (*loc, part), f"{path}.{part}", required)

        self.locations[loc] = self.paths[path] = self.paths[f"{path}.key"] = prefix + "name"
        add("name", f"The name of {title}", f"Enter a name for {title}")
        add("weight", f"The weight of {title}", f"Enter the weight of {title}")
        add("method", f"How {title} is scored", f"Select how {title} is scored")
        data: dict[str, Any] = {
            "key": key,
            "name": row.name,
            "weight": clean_number(row.weight),
            "method": row.method,
        }
        method = _enum(Method, row.method, None)
        if method is Method.PRICE_LINEAR:
            add(
                "zero_at_percent_above",
                f"The % above the lowest price where {title} scores nothing",
                f"Enter how far above the lowest price {title} scores nothing",
            )
            data["zero_at_percent_above"] = clean_number(row.zero_at_percent_above)
        elif method is Method.JUDGEMENT:
            data |= self.judgement(row, prefix, loc, path, title)
        elif method is Method.METRIC:
            add("unit", f"The unit of {title}")
            add("direction", f"Whether higher or lower is better for {title}")
            add("metric_mode", f"How {title} is compared")
            add("floor", f"The floor of {title}")
            add("target", f"The target of {title}")
            data |= {
                "unit": row.unit,
                "direction": row.direction,
                "metric_mode": row.metric_mode,
                "floor": clean_number(row.floor),
                "target": clean_number(row.target),
            }
        elif method is Method.SOCIAL_VALUE_MEASURES:
            add("measures", f"The measures {title} asks for")
            add("social_value_mode", f"How {title} is compared")
            data |= {"measures": row.measures, "social_value_mode": row.social_value_mode}
        if method in ASKING_METHODS:
            add("question", f"The question of {title}")
            data["question"] = row.question
        # A blank optional number means "none", not "not a number".
        return {k: v for k, v in data.items() if v != "" or k in {"question", "unit"}}

    def judgement(
        self, row: CriterionRow, prefix: str, loc: tuple[str | int, ...], path: str, title: str
    ) -> dict[str, Any]:
        """A judgement criterion's scale and minimum score."""
        self.field(
            prefix + "scale", f"The scale of {title}", (*loc, "scale"), f"{path}.scale",
            f"Select the scale of {title}",
        )  # fmt: skip
        self.field(
            prefix + "minimum_score", f"The minimum score of {title}", (*loc, "minimum_score"),
            f"{path}.minimum_score",
        )  # fmt: skip
        data: dict[str, Any] = {"minimum_score": clean_number(row.minimum_score)}
        if row.scale in STANDARD_SCALES:
            return data | {"scale": {"maximum": row.scale}}
        if row.scale != CUSTOM_SCALE:
            return data
        levels = []
        for n, level in enumerate(row.levels):  # blank rows were dropped on reading
            where = f"level {n + 1} of {title}"
            for part in _LEVEL_TEXT:
                self.field(
                    f"{prefix}l{n}-{part}", f"The {part} of {where}",
                    (*loc, "scale", "levels", n, part), f"{path}.scale.levels.{n}.{part}",
                    f"Enter the {part} of {where}",
                )  # fmt: skip
            levels.append({f: v for f in _LEVEL_TEXT if (v := _level_part(level, f)) != ""})
        if not levels:
            message = f"Add the levels of the custom scale for {title}"
            self.errors.append(ErrorItem(message, prefix + "scale", f"#{prefix}scale"))
            return data
        top = max(number(level.value) or Decimal(0) for level in row.levels)
        return data | {"scale": {"maximum": str(top), "levels": levels}}


def _level_part(level: LevelRow, part: str) -> str:
    raw: str = getattr(level, part)
    return clean_number(raw) if part == "value" else raw


@dataclass(frozen=True)
class LevelSum:
    """The sum of the weights at one level, as the editor says it."""

    text: str
    ok: bool


@dataclass(frozen=True)
class RunningSums:
    """The group weights' sum, then each group's criteria weights' sum, in page order."""

    total: LevelSum
    groups_levels: list[LevelSum]


def _level_sum(subject: str, total: Decimal) -> LevelSum:
    ok = total == HUNDRED
    return LevelSum(f"{subject} add up to {percent(total)}{'' if ok else ' (must be 100%)'}", ok)


def running_sums(
    rows: TreeRows, tree: CriteriaTreeSchema, group_total: Decimal, totals: Mapping[str, Decimal]
) -> RunningSums:
    """The sums to show beside the rows; `tree` is the rows as checked, `totals` by group key."""
    levels = []
    for g, (row, group) in enumerate(zip(rows.groups, tree.groups, strict=True)):
        name = row.name or f"Group {g + 1}"
        if group.criteria:
            levels.append(_level_sum(f"{name} criteria", totals.get(group.key, Decimal(0))))
        else:
            levels.append(LevelSum(f"{name} has no criteria yet", False))
    return RunningSums(_level_sum("Groups", group_total), levels)


@dataclass(frozen=True)
class EditorChoices:
    """The options the editor's selects and radios offer: (value, text, hint)."""

    kinds: list[tuple[str, str]]
    methods: list[tuple[str, str, str]]
    scales: list[tuple[str, str, None]]
    directions: list[tuple[str, str, None]]
    metric_modes: list[tuple[str, str, None]]
    social_value_modes: list[tuple[str, str, None]]


def _options(names: Mapping[Any, str]) -> list[tuple[str, str, None]]:
    return [(str(value), text, None) for value, text in names.items()]


CHOICES = EditorChoices(
    kinds=[(kind.value, text) for kind, text in GROUP_KIND_NAMES.items()],
    methods=[(method.value, text, METHOD_HINTS[method]) for method, text in METHOD_NAMES.items()],
    scales=_options(SCALE_NAMES),
    directions=_options(DIRECTION_NAMES),
    metric_modes=_options(METRIC_MODE_NAMES),
    social_value_modes=_options(SOCIAL_VALUE_MODE_NAMES),
)

# What the read-only tree needs to name kinds and methods.
TREE_NAMES: dict[str, Any] = {"method_names": METHOD_NAMES, "kind_names": GROUP_KIND_NAMES}
