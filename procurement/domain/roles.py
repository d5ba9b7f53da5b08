"""Who may do what. Each role does its own work and nothing else."""

from enum import StrEnum


class Role(StrEnum):
    """A user's single role within their organisation."""

    ADMIN = "admin"
    PROCUREMENT = "procurement"
    EVALUATOR = "evaluator"
    FINANCE = "finance"
    SUPPLIER = "supplier"


class Permission(StrEnum):
    """A kind of work; roles are granted permissions, handlers demand them."""

    MANAGE_ORGANISATION = "manage_organisation"
    MANAGE_USERS = "manage_users"
    READ_SUPPLIERS = "read_suppliers"
    MANAGE_SUPPLIERS = "manage_suppliers"
    READ_TENDERS = "read_tenders"
    MANAGE_TENDERS = "manage_tenders"
    RECORD_BIDS = "record_bids"
    SUBMIT_OWN_BID = "submit_own_bid"
    READ_MEASURES = "read_measures"
    MANAGE_MEASURES = "manage_measures"
    READ_TEMPLATES = "read_weighting_templates"
    MANAGE_TEMPLATES = "manage_weighting_templates"
    EVALUATE_BIDS = "evaluate_bids"
    READ_EVALUATION = "read_evaluation"
    READ_AUDIT = "read_audit_trail"
    READ_CAPITAL = "read_capital_programme"
    MANAGE_CAPITAL = "manage_capital_programme"  # schemes, spend imports, variance notes
    PUBLISH_SUMMARIES = "publish_capital_summaries"


_STAFF_READ = {
    Permission.READ_SUPPLIERS,
    Permission.READ_TENDERS,
    Permission.READ_MEASURES,
    Permission.READ_TEMPLATES,
}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_ORGANISATION,
            Permission.MANAGE_USERS,
            Permission.MANAGE_SUPPLIERS,
            Permission.MANAGE_MEASURES,
            Permission.MANAGE_TEMPLATES,
            Permission.READ_EVALUATION,
            Permission.READ_AUDIT,
            Permission.READ_CAPITAL,
        }
        | _STAFF_READ
    ),
    Role.PROCUREMENT: frozenset(
        {
            Permission.MANAGE_SUPPLIERS,
            Permission.MANAGE_TENDERS,
            Permission.RECORD_BIDS,
            Permission.MANAGE_TEMPLATES,
            Permission.READ_EVALUATION,
            Permission.READ_AUDIT,
            Permission.READ_CAPITAL,
        }
        | _STAFF_READ
    ),
    Role.EVALUATOR: frozenset({Permission.EVALUATE_BIDS} | _STAFF_READ),
    Role.FINANCE: frozenset(
        {Permission.READ_CAPITAL, Permission.MANAGE_CAPITAL, Permission.PUBLISH_SUMMARIES}
        | _STAFF_READ
    ),
    Role.SUPPLIER: frozenset({Permission.READ_TENDERS, Permission.SUBMIT_OWN_BID}),
}


def has_permission(role: Role, permission: Permission) -> bool:
    """True when the role is granted the permission."""
    return permission in GRANTS[role]
