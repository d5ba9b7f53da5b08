"""The application factory: wires the database, security, API, pages and templates together."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyPlugin
from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlmodel import SQLModel

import procurement.models  # noqa: F401  (registers every table on the metadata)
from procurement.api.assessment_summaries import AssessmentSummaryController
from procurement.api.audit import AuditController, PublicCheckpointController
from procurement.api.auth import AuthController
from procurement.api.awards import AwardController
from procurement.api.bids import BidController
from procurement.api.capital_projects import CapitalProgrammeController, CapitalProjectController
from procurement.api.criteria import CriteriaController
from procurement.api.declarations import DeclarationController
from procurement.api.dependencies import SERVICE_DEPENDENCIES
from procurement.api.errors import API_EXCEPTION_HANDLERS
from procurement.api.evaluation import EvaluationController
from procurement.api.evaluators import EvaluatorController
from procurement.api.exclusions import ExclusionController
from procurement.api.health import health
from procurement.api.measures import MeasureController
from procurement.api.moderation import ModerationController
from procurement.api.openapi import ClosedShapeSchemaPlugin, NestedFieldSchemaPlugin
from procurement.api.organisations import OrganisationController
from procurement.api.publications import PublicationController
from procurement.api.reports import EvaluationReportController
from procurement.api.scores import ScoreController
from procurement.api.spend import SpendController
from procurement.api.suppliers import SupplierController
from procurement.api.tenders import TenderController
from procurement.api.users import UserController
from procurement.api.weighting_templates import WeightingTemplateController
from procurement.config import BUILD_DIR, NODE_MODULES_DIR, TEMPLATES_DIR, Settings, get_settings
from procurement.db import RequestDatabaseConfig, create_engine, session_factory
from procurement.json_depth import DepthCheckedRequest
from procurement.security import authentication_middleware, csrf_config, session_config
from procurement.security_headers import security_headers
from procurement.services.audit_checkpoints import keep_checkpointing
from procurement.services.report_rendering import REPORT_POOL
from procurement.web import WEB_CONTROLLERS, pages_or_api, register_template_helpers

API_CONTROLLERS = [
    AuthController,
    OrganisationController,
    UserController,
    SupplierController,
    TenderController,
    CriteriaController,
    BidController,
    EvaluatorController,
    DeclarationController,
    ScoreController,
    ModerationController,
    EvaluationController,
    ExclusionController,
    AwardController,
    AssessmentSummaryController,
    EvaluationReportController,
    MeasureController,
    WeightingTemplateController,
    AuditController,
    PublicCheckpointController,
    SpendController,
    PublicationController,
    CapitalProjectController,
    CapitalProgrammeController,
]


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the service for the given settings (by default, from the environment)."""
    settings = settings or get_settings()
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.sessionmaker = sessions
        app.state.settings = settings
        interval = timedelta(seconds=settings.audit_checkpoint_interval_seconds)
        checkpointing = asyncio.create_task(
            keep_checkpointing(sessions, settings.secret_key, interval)
        )
        app.state.checkpointing = checkpointing
        try:
            yield
        finally:
            checkpointing.cancel()
            with suppress(asyncio.CancelledError):
                await checkpointing
            await REPORT_POOL.close()
            await engine.dispose()

    database = RequestDatabaseConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        metadata=SQLModel.metadata,
        create_all=False,  # the schema belongs to Alembic
    )
    static = [
        create_static_files_router(
            path="/assets",
            directories=[BUILD_DIR / "assets"],
            name="assets",
            include_in_schema=False,
        ),
        create_static_files_router(
            path="/assets/govuk",
            directories=[NODE_MODULES_DIR / "govuk-frontend" / "dist" / "govuk" / "assets"],
            name="govuk_assets",
            include_in_schema=False,
        ),
    ]
    return Litestar(
        route_handlers=[health, *API_CONTROLLERS, *WEB_CONTROLLERS, *static],
        dependencies=SERVICE_DEPENDENCIES,
        exception_handlers=pages_or_api(API_EXCEPTION_HANDLERS),
        plugins=[
            SQLAlchemyPlugin(config=database),
            NestedFieldSchemaPlugin(),
            ClosedShapeSchemaPlugin(),
        ],
        middleware=[session_config(settings).middleware, authentication_middleware()],
        csrf_config=csrf_config(settings),
        request_class=DepthCheckedRequest,
        before_send=[security_headers(settings)],
        template_config=TemplateConfig(
            directory=TEMPLATES_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=register_template_helpers,
        ),
        openapi_config=OpenAPIConfig(
            title="Procurement social-value scoring",
            version="1",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}
            ),
            security=[{"bearer": []}],
        ),
        lifespan=[lifespan],
        debug=False,
    )
