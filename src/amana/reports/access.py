"""The only read path for reports: aggregates of the agency's cases, never rows.

IM officers, coordinators and supervisors (REPORT_VIEW) see counts of their own agency's
cases, suppressed and in percent where the protocol in force says (R6.1, R6.2). Every report
shown or downloaded is audited — which tables and which rules, never personal data; a refused
request is audited too.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from amana.accounts.errors import NotAllowed
from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry, write_read_entry
from amana.audit.models import Outcome
from amana.cases.models import Case
from amana.core.dbrouter import on_replica
from amana.protocols.access import engine_protocol
from amana.protocols.models import ProtocolVersion
from amana.reports.tables import Disclosure, Report, build_report

DEFAULT_RULES = Disclosure()
VIEW, DOWNLOAD = "report.view", "report.download"


def may_see_reports(actor: User) -> bool:
    return actor.is_active and actor.has_permission(Perm.REPORT_VIEW)


def report_scope(actor: User) -> QuerySet[Case]:
    """The agency's cases, to be counted only: never listed, never shown one by one."""
    if not may_see_reports(actor):
        raise NotAllowed(Perm.REPORT_VIEW.value)
    return Case.objects.filter(agency_id=actor.agency_id)


def disclosure_rules() -> Disclosure:
    """The aggregate rules of the stored protocols: the newest version of each. Where there
    are several, the strictest: the largest min_cell and every percent-only category of any
    of them. Without a protocol, the defaults (min_cell 5).

    Protocols hold no personal data; their rules bind every report whether or not its reader
    may open the protocol pages, and a protocol past its end date keeps binding until a newer
    version replaces it."""
    newest: dict[str, ProtocolVersion] = {}
    for version in ProtocolVersion.objects.only("protocol_id", "version", "sha256").order_by(
        "protocol_id", "-version"
    ):
        newest.setdefault(version.protocol_id, version)
    if not newest:
        return DEFAULT_RULES
    min_cell = 0
    percent_only: set[str] = set()
    for version in newest.values():
        settings = engine_protocol(version).settings
        min_cell = max(min_cell, settings.min_cell)
        percent_only |= set(settings.percent_only)
    references = tuple(sorted(version.reference for version in newest.values()))
    return Disclosure(min_cell, frozenset(percent_only), references)


def _counted(actor: User) -> tuple[Disclosure, Report]:
    rules = disclosure_rules()
    return rules, build_report(report_scope(actor), rules)


def audited_report(actor: User, *, download: bool = False, origin: str = "") -> Report:
    """The report of the actor's agency, its view or download written to the audit log."""
    action = DOWNLOAD if download else VIEW
    if not may_see_reports(actor):
        write_read_entry(
            actor=actor,
            action=action,
            object_type="report",
            object_id="cases",
            outcome=Outcome.DENIED,
            origin=origin,
        )
        raise NotAllowed(Perm.REPORT_VIEW.value)
    # Counted on the replica when there is a fresh one (amana.core.dbrouter); the audit
    # entry is a write, on the primary, after the counting.
    rules, report = on_replica(lambda: _counted(actor))
    with transaction.atomic():
        write_entry(
            actor=actor,
            action=action,
            object_type="report",
            object_id="cases",
            origin=origin,
            details={
                "tables": [table.slug for table in report.tables],
                "min_cell": rules.min_cell,
                "percent_only": sorted(rules.percent_only),
                "protocols": list(rules.protocols),
            },
        )
    return report
