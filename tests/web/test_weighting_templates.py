"""Weighting templates in the browser: built with the criteria editor, listed with their state."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_template
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def choose(visitor: Visitor, *radio_ids: str) -> None:
    """Pick radios (a method, a scale) by their ids."""
    for radio_id in radio_ids:
        await visitor.page.locator(f"#{radio_id}").check()


async def fill_ids(visitor: Visitor, values: dict[str, str]) -> None:
    """Type into fields by id (the editor's fields are named by position, like g0-weight)."""
    for field_id, value in values.items():
        await visitor.page.locator(f"#{field_id}").fill(value)


async def test_officer_builds_a_template_with_the_add_buttons(
    visitor: Visitor, council: Council
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open("/weighting-templates")
    assert "No templates." in await visitor.page.inner_text("main")
    await visitor.press("Create template")
    await visitor.fill("Name", "Care services")
    await visitor.fill("Name (group 1)", "Quality")
    await visitor.page.get_by_label("What it measures (group 1)").select_option("quality")
    await fill_ids(visitor, {"g0-weight": "sixty", "g0-c0-name": "Approach", "g0-c0-weight": "100"})
    await choose(visitor, "g0-c0-method-judgement", "g0-c0-scale-custom")
    await fill_ids(visitor, {"g0-c0-l0-value": "0", "g0-c0-l0-label": "Poor"})
    await fill_ids(visitor, {"g0-c0-l1-value": "5", "g0-c0-l1-label": "Excellent"})
    await visitor.press("Add another level to criterion 1 of group 1")
    assert await visitor.page.locator("#g0-c0-l1-label").input_value() == "Excellent"
    assert await visitor.page.locator("#g0-c0-l3-label").input_value() == ""

    await visitor.press("Add a group")
    await visitor.fill("Name (group 2)", "Price")
    await visitor.page.get_by_label("What it measures (group 2)").select_option("price")
    await fill_ids(visitor, {"g1-weight": "40", "g1-c0-name": "Price", "g1-c0-weight": "100"})
    await choose(visitor, "g1-c0-method-price_linear")
    await visitor.fill(
        "Scores nothing at this far above the lowest price (criterion 1 of group 2)", "50"
    )
    await visitor.press("Add a criterion to group 2")
    await visitor.press("Remove criterion 2 of group 2")
    assert await visitor.page.locator("#g1-c1-name").count() == 0
    await visitor.press("Save template")

    assert await visitor.error_summary() == ["The weight of group 1 must be a number"]
    assert "must be a number" in await visitor.page.locator("#g0-weight-error").inner_text()
    await visitor.screenshot("issue3-template-errors")
    await fill_ids(visitor, {"g0-weight": "60"})
    await visitor.press("Save template")

    main = await visitor.page.inner_text("main")
    # Saved, but not publishable: the tree gives social value nothing.
    assert "Fix 1 problem before a tender using it can be published." in main
    assert "the policy minimum is 10%" in main
    assert "0 Poor; 5 Excellent" in main
    assert "Scores nothing at 50% above the lowest price" in main
    await visitor.screenshot("issue3-template-detail")
    await visitor.follow("All templates")
    row = await visitor.page.locator("main table tbody tr").inner_text()
    assert "Care services" in row
    assert "Quality 60%, Price 40%" in row
    assert "1 problem" in row
    await visitor.screenshot("issue3-templates")


async def test_template_names_are_unique_within_the_organisation(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    await make_template(db, council.organisation, "Works over £1m")
    care = await make_template(db, council.organisation, "Care services")
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/weighting-templates/{care.id}")
    await visitor.press("Edit template")
    await visitor.fill("Name", "Works over £1m")
    await visitor.press("Save template")

    assert await visitor.error_summary() == ["Another template already has this name"]
    await visitor.fill("Name", "Care and support services")
    await visitor.press("Save template")
    assert await visitor.heading() == "Care and support services"
