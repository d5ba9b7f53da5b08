"""ScaledDecimal keeps money and weights exact by storing whole numbers of the smallest unit."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import Dialect

from procurement.db import ScaledDecimal

SQLITE = sqlite.dialect()
DIALECTS: list[Dialect] = [SQLITE, PGDialect_asyncpg()]  # type: ignore[no-untyped-call]


def _round_trip(column: ScaledDecimal, value: Decimal, dialect: Dialect) -> Decimal | None:
    return column.process_result_value(column.process_bind_param(value, dialect), dialect)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (Decimal("0.10"), 10),
        (Decimal("0.3"), 30),
        (Decimal("12345678901.23"), 1234567890123),
        (Decimal("9999999999999.99"), 999999999999999),
        (Decimal("-5.5"), -550),
        (Decimal(0), 0),
        (Decimal("7"), 700),
    ],
)
def test_money_is_stored_as_pence(dialect: Dialect, value: Decimal, stored: int) -> None:
    column = ScaledDecimal(2)
    assert column.process_bind_param(value, dialect) == stored
    assert _round_trip(column, value, dialect) == value


def test_read_values_carry_the_column_scale() -> None:
    # So that 0.1 reads back as 0.10, as money is displayed.
    assert str(ScaledDecimal(2).process_result_value(10, SQLITE)) == "0.10"
    assert str(ScaledDecimal(4).process_result_value(125000, SQLITE)) == "12.5000"


@pytest.mark.parametrize(
    ("places", "value"), [(2, "0.001"), (2, "1.005"), (0, "0.5"), (4, "1.23456")]
)
def test_too_many_decimal_places_are_refused_not_rounded(places: int, value: str) -> None:
    with pytest.raises(ValueError, match=f"more than {places} decimal places"):
        ScaledDecimal(places).process_bind_param(Decimal(value), SQLITE)


def test_trailing_zeros_beyond_the_scale_are_not_extra_places() -> None:
    assert ScaledDecimal(2).process_bind_param(Decimal("1.5000"), SQLITE) == 150


def test_null_stays_null() -> None:
    column = ScaledDecimal(2)
    assert column.process_bind_param(None, SQLITE) is None
    assert column.process_result_value(None, SQLITE) is None


@given(
    st.sampled_from([0, 2, 4]).flatmap(
        lambda places: st.tuples(
            st.just(places),
            st.decimals(
                min_value=-(10**12),
                max_value=10**12,
                places=places,
                allow_nan=False,
                allow_infinity=False,
            ),
        )
    )
)
def test_any_value_within_the_scale_round_trips_exactly(pair: tuple[int, Decimal]) -> None:
    places, value = pair
    assert _round_trip(ScaledDecimal(places), value, SQLITE) == value
