"""The signed-in home page."""

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Permission
from procurement.principal import Principal
from procurement.services.evaluators import EvaluatorService
from procurement.services.tenders import TenderFilter, TenderService
from procurement.web.rendering import Req, render

# (text, href, permission needed), in the order they are offered.
_NEXT_STEPS = [
    ("Find open tenders and bid", "/tenders?status=open", Permission.SUBMIT_OWN_BID),
    ("Create a tender", "/tenders/new", Permission.MANAGE_TENDERS),
    ("View tenders", "/tenders", Permission.READ_TENDERS),
    ("Add a supplier", "/suppliers/new", Permission.MANAGE_SUPPLIERS),
    ("View suppliers", "/suppliers", Permission.READ_SUPPLIERS),
]


class DashboardPage(Controller):
    """Who you are, what is going on, and where to go next."""

    include_in_schema = False

    @get("/")
    async def dashboard(
        self,
        request: Req,
        actor: NamedDependency[Principal],
        tenders: NamedDependency[TenderService],
        evaluators: NamedDependency[EvaluatorService],
    ) -> Template:
        """A greeting, the user's role, and how many tenders are in each status."""
        counts = [
            (status, (await tenders.list(TenderFilter(status=status), limit=1, offset=0)).total)
            for status in TenderStatus
        ]
        links = [(text, href) for text, href, needed in _NEXT_STEPS if actor.can(needed)]
        # Evaluators land here after signing in: their tenders come first.
        assigned = await evaluators.assigned_to_me() if actor.can(Permission.EVALUATE_BIDS) else []
        return render(
            request,
            "pages/dashboard.html",
            actor=actor,
            counts=counts,
            links=links,
            assigned=assigned,
        )
