"""Loads the shipped demo operation. Idempotent: existing rows are left alone.

Everything goes through the domain's write paths, never a direct row write: the protocol
(`load_protocol_file`), the agencies with their case prefixes (`do_create_agency`), the users
(`do_create_user`), the cases (`amana.ops.demo.cases`: `do_register_case` and the reference
data imports) and the consent records (`do_record_consent`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amana.accounts.actions import do_create_agency, do_create_user
from amana.accounts.models import Agency, User
from amana.ops.demo.cases import ensure_demo_cases
from amana.ops.demo.spec import demo_spec

DEMO_PASSWORD = "amana-demo-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    agency: str
    roles: tuple[str, ...]


def _ensure_agency(spec: dict[str, str]) -> Agency:
    agency = Agency.objects.filter(slug=spec["slug"]).first()
    if agency is None:
        agency = do_create_agency(
            slug=spec["slug"],
            name=spec["name"],
            kind=spec["kind"],
            case_prefix=spec.get("case_prefix", ""),
            actor=None,
        )
    return agency


def _ensure_user(spec: dict[str, Any], agencies: dict[str, Agency]) -> None:
    if User.objects.filter(username=spec["username"]).exists():
        return
    do_create_user(
        agency=agencies[spec["agency"]],
        username=spec["username"],
        password=DEMO_PASSWORD,
        roles=spec["roles"],
        full_name=spec["full_name"],
        actor=None,
    )


def _ensure_protocol() -> None:
    from amana.protocol.bench import demo_protocol_path
    from amana.protocols.actions import load_protocol_file

    load_protocol_file(str(demo_protocol_path()), actor=None)


DEMO_CONSENT_CASES = 6
DEMO_CONSENT_RECIPIENTS = ["unhcr", "ngo-livelihoods", "imc", "ngo-legal"]


def _ensure_demo_consents() -> None:
    """A few of Amira's cases (NGO C) carry a caregiver's consent and the child's assent to
    referrals, and to the service provider telling NGO C what was provided, so a referral and
    its feedback can be tried in the demo without recording consent first. Only children whose
    age is known and who live with a caregiver who can consent are chosen."""
    from datetime import timedelta

    from django.utils import timezone

    from amana.consent.actions import do_record_consent
    from amana.consent.models import ConsentRecord

    worker = User.objects.filter(username="amira.cw").first()
    if worker is None or ConsentRecord.objects.exists():
        return
    given_on = timezone.localdate() - timedelta(days=3)
    own = worker.agency.slug
    grants = (
        (["referral_immediate"], DEMO_CONSENT_RECIPIENTS),
        (["feedback_service"], [own]),
    )
    for case in _cases_with_a_caregiver(worker)[:DEMO_CONSENT_CASES]:
        for purposes, recipients in grants:
            for given_by, kind in (("caregiver", "consent"), ("child", "assent")):
                do_record_consent(
                    case=case,
                    given_by=given_by,
                    kind=kind,
                    purposes=purposes,
                    recipients=recipients,
                    stage="intake",
                    method="oral" if kind == "assent" else "written",
                    language="ar",
                    given_on=given_on,
                    actor=worker,
                )


def _cases_with_a_caregiver(worker: User) -> list[Any]:
    from amana.cases.models import Case

    cases = (
        Case.objects.filter(assignments__user=worker, status=Case.Status.OPEN)
        .filter(care_arrangement__in=[Case.CareArrangement.PARENTS, Case.CareArrangement.KINSHIP])
        .select_related("child")
        .order_by("case_number")
    )
    return [case for case in cases if case.child.birth_year or case.child.date_of_birth]


def _demo_usernames() -> list[str]:
    return [user["username"] for user in demo_spec()["users"]]


def load_demo() -> list[DemoLogin]:
    """Each step is an action in a durable transaction of its own (an action cannot run inside
    another's), so a load that fails part-way keeps what it stored; running it again completes
    it."""
    _ensure_protocol()
    spec = demo_spec()
    agencies = {item["slug"]: _ensure_agency(item) for item in spec["agencies"]}
    for user in spec["users"]:
        _ensure_user(user, agencies)
    ensure_demo_cases(_demo_usernames())
    _ensure_demo_consents()
    return [
        DemoLogin(user["username"], agencies[user["agency"]].name, tuple(user["roles"]))
        for user in spec["users"]
    ]
