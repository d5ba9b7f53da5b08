"""The work each role may do, as requests against records of the test world.

Paths and bodies name records by placeholder (`{open}`, `{bid}`, ...); `records` makes a
set of them in the caller's own organisation, in the other one, or not at all, so the same
request can check roles, tenant isolation and unknown ids.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import httpx

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from tests.api.conftest import World, supplier_body, tender_body
from tests.capital_factories import make_capital_project
from tests.factories import make_evaluator, make_measure, make_template, price_and_locality
from tests.publication_support import make_publication

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.PROCUREMENT, Role.EVALUATOR, Role.FINANCE})
ADMIN = frozenset({Role.ADMIN})
REGISTRARS = frozenset({Role.ADMIN, Role.PROCUREMENT})
OFFICER = frozenset({Role.PROCUREMENT})
SUPPLIER = frozenset({Role.SUPPLIER})
EVALUATOR = frozenset({Role.EVALUATOR})
# The lead and administrators read all of an evaluation; an evaluator reads their own part.
EVALUATION_READERS = frozenset({Role.ADMIN, Role.PROCUREMENT, Role.EVALUATOR})
FINANCE = frozenset({Role.FINANCE})
CAPITAL_READERS = frozenset({Role.ADMIN, Role.PROCUREMENT, Role.FINANCE})


class Owner(StrEnum):
    """Whose records the placeholders name."""

    HOME = "home"
    OTHER = "other organisation's"
    NOBODY = "unknown"


@dataclass(frozen=True)
class Action:
    """One piece of work: the operation, a request for it, and the roles whose work it is."""

    name: str
    operation: str
    method: str
    path: str
    allowed: frozenset[Role]
    body: dict[str, Any] | None = None

    @property
    def names_a_record(self) -> bool:
        """True when the path points at particular records."""
        return "{" in self.path

    async def attempt(self, world: World, actor: str, owner: Owner = Owner.HOME) -> httpx.Response:
        """Make the request as the actor, on records of the given owner."""
        ids = await records(world, owner)
        path, body = self.path, self.body
        for placeholder, value in ids.items():
            path = path.replace(placeholder, value)
            if body is not None:
                body = {k: value if v == placeholder else v for k, v in body.items()}
        return await world.call(self.method, path, actor, body)


NEW_ORGANISATION = {
    "name": "New Town Council",
    "administrator": {
        "email": "first.admin@newtown.gov.uk",
        "full_name": "First Admin",
        "password": "a long enough password",
    },
}
NEW_MEASURE = {
    "code": "VOL-HOUR",
    "theme": "social",
    "description": "An hour of staff volunteering",
    "unit": "hour",
    "value_per_unit": "15.00",
    "effective_from": "2026-04-01",
}
NEW_PROJECT = {
    "code": "CAP-NEW",
    "name": "New depot",
    "service_area": "Waste",
    "ward": "Castle",
    "approved_budget": "0",
}
NEW_TEMPLATE = {"name": "Care services", "tree": price_and_locality()}
NEW_USER = {
    "email": "new.user@northborough.gov.uk",
    "full_name": "New User",
    "role": "finance",
    "password": "a long enough password",
}

ACTIONS = [
    Action("onboard organisation", "createOrganisation", "POST", "/organisations", ADMIN,
           NEW_ORGANISATION),
    Action("read organisation", "getOrganisation", "GET", "/organisations/{organisation}",
           EVERYONE),
    Action("edit organisation", "updateOrganisation", "PATCH", "/organisations/{organisation}",
           ADMIN, {"version": 1, "name": "Renamed Council"}),
    Action("close organisation", "deleteOrganisation", "DELETE", "/organisations/{organisation}",
           ADMIN),
    Action("list users", "listUsers", "GET", "/users", ADMIN),
    Action("read user", "getUser", "GET", "/users/{user}", ADMIN),
    Action("add user", "createUser", "POST", "/users", ADMIN, NEW_USER),
    Action("edit user", "updateUser", "PATCH", "/users/{user}", ADMIN,
           {"version": 1, "full_name": "Renamed"}),
    Action("deactivate user", "deactivateUser", "DELETE", "/users/{user}", ADMIN),
    Action("list suppliers", "listSuppliers", "GET", "/suppliers", STAFF),
    Action("read another supplier", "getSupplier", "GET", "/suppliers/{rival}", STAFF),
    Action("add supplier", "createSupplier", "POST", "/suppliers", REGISTRARS, supplier_body()),
    Action("edit supplier", "updateSupplier", "PATCH", "/suppliers/{rival}", REGISTRARS,
           {"version": 1, "name": "Renamed Ltd"}),
    Action("remove supplier", "deleteSupplier", "DELETE", "/suppliers/{rival}", REGISTRARS),
    Action("read tender", "getTender", "GET", "/tenders/{open}", EVERYONE),
    Action("create tender", "createTender", "POST", "/tenders", OFFICER, tender_body()),
    Action("edit tender", "updateTender", "PATCH", "/tenders/{draft}", OFFICER,
           {"version": 1, "title": "Renamed"}),
    Action("discard tender", "deleteTender", "DELETE", "/tenders/{draft}", OFFICER),
    Action("publish tender", "publishTender", "POST", "/tenders/{draft}/publish", OFFICER),
    Action("close tender", "closeTender", "POST", "/tenders/{open}/close", OFFICER,
           {"reason": "All expected bids are in"}),
    Action("cancel tender", "cancelTender", "POST", "/tenders/{open}/cancel", OFFICER,
           {"reason": "Budget withdrawn"}),
    Action("list bids", "listBids", "GET", "/tenders/{open}/bids", EVERYONE),
    Action("record a bid", "submitBid", "POST", "/tenders/{open}/bids", OFFICER,
           {"supplier_id": "{rival}", "price": "90000.00"}),
    Action("submit own bid", "submitBid", "POST", "/tenders/{open}/bids", SUPPLIER,
           {"price": "90000.00"}),
    Action("replace bid", "replaceBid", "PUT", "/tenders/{open}/bids/{bid}", SUPPLIER,
           {"price": "80000.00", "version": 1}),
    Action("withdraw bid", "withdrawBid", "POST", "/tenders/{open}/bids/{bid}/withdraw",
           SUPPLIER),
    Action("read own bid's trail", "listBidEvents", "GET", "/tenders/{open}/bids/{bid}/events",
           SUPPLIER),
    Action("list measures", "listMeasures", "GET", "/measures", STAFF),
    Action("read measure", "getMeasure", "GET", "/measures/{measure}", STAFF),
    Action("add measure", "createMeasure", "POST", "/measures", ADMIN, NEW_MEASURE),
    Action("edit measure", "updateMeasure", "PATCH", "/measures/{measure}", ADMIN,
           {"version": 1, "unit": "job-year"}),
    Action("revalue measure", "addMeasureValue", "POST", "/measures/{measure}/values", ADMIN,
           {"value_per_unit": "16.00", "effective_from": "2099-04-01"}),
    Action("list templates", "listWeightingTemplates", "GET", "/weighting-templates", STAFF),
    Action("read template", "getWeightingTemplate", "GET", "/weighting-templates/{template}",
           STAFF),
    Action("add template", "createWeightingTemplate", "POST", "/weighting-templates",
           REGISTRARS, NEW_TEMPLATE),
    Action("edit template", "updateWeightingTemplate", "PATCH",
           "/weighting-templates/{template}", REGISTRARS, {"version": 1, "name": "Renamed"}),
    Action("remove template", "deleteWeightingTemplate", "DELETE",
           "/weighting-templates/{template}", REGISTRARS),
    Action("read criteria", "getTenderCriteria", "GET", "/tenders/{open}/criteria", EVERYONE),
    Action("read bid requirements", "getBidRequirements", "GET",
           "/tenders/{open}/criteria/requirements", EVERYONE),
    Action("edit criteria", "replaceTenderCriteria", "PUT", "/tenders/{draft}/criteria", OFFICER,
           {"tree": price_and_locality(), "version": 1}),
    Action("copy template", "copyCriteriaTemplate", "POST",
           "/tenders/{draft}/criteria/copy-template", OFFICER,
           {"template_id": "{template}", "version": 1}),
    Action("check criteria", "checkTenderCriteria", "POST", "/tenders/{draft}/criteria/check",
           REGISTRARS, {"tree": price_and_locality()}),
    Action("read evaluation", "getEvaluation", "GET", "/tenders/{open}/evaluation", REGISTRARS),
    Action("read sensitivity", "getSensitivity", "GET", "/tenders/{open}/sensitivity", REGISTRARS),
    Action("exclude bid", "excludeBid", "POST", "/tenders/{open}/bids/{bid}/exclude", OFFICER,
           {"reason": "Submitted after the deadline"}),
    Action("reinstate bid", "reinstateBid", "POST", "/tenders/{open}/bids/{bid}/reinstate",
           OFFICER),
    Action("read award", "getAward", "GET", "/tenders/{open}/award", REGISTRARS),
    Action("award tender", "awardTender", "POST", "/tenders/{open}/award", OFFICER,
           {"bid_id": "{bid}", "decision_date": "2026-06-01", "rationale": "Best value"}),
    # A supplier asks for its own bid's summary (409 until the tender is awarded).
    Action("read assessment summary", "getAssessmentSummary", "GET",
           "/tenders/{open}/bids/{bid}/assessment-summary.pdf", REGISTRARS | SUPPLIER),
    Action("read every assessment summary", "getAssessmentSummaries", "GET",
           "/tenders/{open}/assessment-summaries.zip", REGISTRARS),
    Action("read evaluation report", "getEvaluationReport", "GET", "/tenders/{open}/report.pdf",
           REGISTRARS),
    Action("read audit trail", "listAuditEvents", "GET", "/audit", REGISTRARS),
    Action("verify audit trail", "verifyAuditTrail", "GET", "/audit/verify", ADMIN),
    Action("read evaluators", "getTenderEvaluators", "GET", "/tenders/{open}/evaluators",
           EVALUATION_READERS),
    Action("assign evaluator", "assignEvaluator", "POST", "/tenders/{open}/evaluators", OFFICER,
           {"user_id": "{user}", "group_keys": []}),
    Action("regroup evaluator", "updateEvaluator", "PATCH",
           "/tenders/{open}/evaluators/{assignment}", OFFICER, {"version": 1, "group_keys": []}),
    Action("unassign evaluator", "unassignEvaluator", "DELETE",
           "/tenders/{open}/evaluators/{assignment}", OFFICER),
    Action("read declarations", "getDeclarations", "GET", "/tenders/{open}/declarations",
           EVALUATION_READERS),
    Action("declare interests", "declareInterests", "POST", "/tenders/{open}/declarations",
           EVALUATOR, {"declaration": "no_interest", "version": 1}),
    Action("decide on an interest", "decideConflict", "POST",
           "/tenders/{open}/declarations/{assignment}/decision", OFFICER,
           {"decision": "allow", "note": "Not material", "version": 1}),
    Action("read scores", "getBidScores", "GET", "/tenders/{open}/bids/{bid}/scores",
           EVALUATION_READERS),
    Action("save scores", "saveBidScores", "PUT", "/tenders/{open}/bids/{bid}/scores", EVALUATOR,
           {"scores": [{"criterion_key": "method", "value": "1", "rationale": "Clear"}]}),
    Action("submit scores", "submitScores", "POST", "/tenders/{open}/scores/submit", EVALUATOR),
    Action("read moderation", "getModeration", "GET", "/tenders/{open}/moderation", REGISTRARS),
    Action("moderate a score", "moderateScore", "PUT", "/tenders/{open}/moderation", OFFICER,
           {"bid_id": "{bid}", "criterion_key": "method", "value": "1", "note": "Agreed"}),
    Action("list capital projects", "listCapitalProjects", "GET", "/capital-projects",
           CAPITAL_READERS),
    Action("read capital project", "getCapitalProject", "GET", "/capital-projects/{project}",
           CAPITAL_READERS),
    Action("read capital project figures", "getCapitalProjectFigures", "GET",
           "/capital-projects/{project}/figures", CAPITAL_READERS),
    Action("read capital programme figures", "getCapitalProgrammeFigures", "GET",
           "/capital-programme/figures", CAPITAL_READERS),
    Action("add capital project", "createCapitalProject", "POST", "/capital-projects", FINANCE,
           NEW_PROJECT),
    Action("edit capital project", "updateCapitalProject", "PATCH", "/capital-projects/{project}",
           FINANCE, {"version": 1, "name": "Renamed"}),
    Action("remove capital project", "deleteCapitalProject", "DELETE",
           "/capital-projects/{project}", FINANCE),
    Action("import spend", "importSpend", "POST", "/spend/import", FINANCE),
    Action("list spend imports", "listSpendImports", "GET", "/spend/imports", CAPITAL_READERS),
    # Any id will do: the caller's role is checked before the import is looked up.
    Action("read a spend import", "getSpendImport", "GET", "/spend/imports/{project}",
           CAPITAL_READERS),
    Action("list a scheme's spend", "listProjectSpend", "GET", "/capital-projects/{project}/spend",
           CAPITAL_READERS),
    Action("list publications", "listPublications", "GET", "/publications", CAPITAL_READERS),
    Action("read publication", "getPublication", "GET", "/publications/{publication}",
           CAPITAL_READERS),
    Action("download archive copy", "getPublicationArchive", "GET",
           "/publications/{publication}/archive.pdf", CAPITAL_READERS),
    Action("publish summary", "publishSummary", "POST", "/publications", FINANCE,
           {"period": "2026/27 Q1"}),
    Action("correct publication", "correctPublication", "POST",
           "/publications/{publication}/corrections", FINANCE,
           {"correction_note": "A payment was missing"}),
    # Nobody may change a publication: readers are told so (409), others are refused first.
    Action("replace publication", "replacePublication", "PUT", "/publications/{publication}",
           CAPITAL_READERS, {}),
    Action("edit publication", "updatePublication", "PATCH", "/publications/{publication}",
           CAPITAL_READERS, {}),
    Action("delete publication", "deletePublication", "DELETE", "/publications/{publication}",
           CAPITAL_READERS),
]  # fmt: skip


async def records(world: World, owner: Owner) -> dict[str, str]:
    """Ids for every placeholder: an open tender with the supplier's bid, a draft, a user,
    a supplier, a measure, a weighting template and the organisation, all of one owner (or
    made-up ids for nobody)."""
    if owner is Owner.NOBODY:
        names = ["{organisation}", "{user}", "{rival}", "{open}", "{draft}", "{bid}"]
        names += ["{measure}", "{template}"]
        names += ["{assignment}", "{project}", "{publication}"]
        return {name: str(uuid.uuid4()) for name in names}
    other = owner is Owner.OTHER
    open_tender = await world.tender(TenderStatus.OPEN, other=other)
    bid = await world.bid(open_tender, world.other_supplier if other else world.supplier)
    draft = await world.tender(TenderStatus.DRAFT, other=other)
    organisation = world.other_organisation if other else world.organisation
    async with world.sessions() as session:
        # The evaluator is on the open tender and has declared, so may see its bids.
        assignment = await make_evaluator(
            session,
            open_tender,
            world.users["other_procurement" if other else "evaluator"],
            submitted=False,
        )
        measure = await make_measure(
            session, organisation, "JOB-LOCAL", [("100", date(2026, 4, 1))]
        )
        template = await make_template(session, organisation)
        # No budget, so a change needs no funding or profile to add up to it.
        project = await make_capital_project(
            session, organisation, budget="0", funding={}, profile={}
        )
        publication = await make_publication(session, organisation)
    return {
        "{measure}": str(measure.id),
        "{template}": str(template.id),
        "{organisation}": str(organisation.id),
        "{user}": str(world.users["other_procurement" if other else "finance"].id),
        "{rival}": str((world.other_supplier if other else world.rival).id),
        "{open}": str(open_tender.id),
        "{draft}": str(draft.id),
        "{bid}": str(bid.id),
        "{assignment}": str(assignment.id),
        "{project}": str(project.id),
        "{publication}": str(publication.id),
    }
