"""Loads the shipped demo agencies and users. Idempotent: existing rows are left alone."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from amana.accounts.actions import do_create_agency, do_create_user
from amana.accounts.models import Agency, User

DEMO_PASSWORD = "amana-demo-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    agency: str
    roles: tuple[str, ...]


def _demo_spec() -> dict[str, Any]:
    text = resources.files("amana.demo").joinpath("agencies.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _ensure_agency(spec: dict[str, str]) -> Agency:
    agency = Agency.objects.filter(slug=spec["slug"]).first()
    if agency is None:
        agency = do_create_agency(
            slug=spec["slug"], name=spec["name"], kind=spec["kind"], actor=None
        )
        agency.case_prefix = spec.get("case_prefix", "")
        agency.save(update_fields=["case_prefix"])
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


DEMO_CASES = 200
DEMO_SEED = 2026


def _ensure_cases() -> None:
    """About 200 cases over the demo agencies, given to the demo caseworkers and supervisors."""
    from amana.caseforms.formdefs import ensure_default_forms
    from amana.cases.models import Case
    from amana.cases.seed import run_seed
    from amana.refdata.imports import load_samples

    ensure_default_forms()
    load_samples()
    if Case.objects.exists():
        return
    run_seed(cases=DEMO_CASES, seed=DEMO_SEED, caseload=40, report=lambda line: None)
    _hand_cases_to_demo_staff()


def _hand_cases_to_demo_staff() -> None:
    from amana.accounts.roles import Role
    from amana.cases.models import Case, CaseAssignment

    for agency in Agency.objects.all():
        staff = User.objects.filter(agency=agency, username__in=_demo_usernames())
        workers = [u for u in staff if Role.CASEWORKER in u.roles]
        bosses = [u for u in staff if Role.SUPERVISOR in u.roles]
        cases = Case.objects.filter(agency=agency).order_by("case_number")
        for index, case in enumerate(cases):
            if bosses:
                case.supervisor = bosses[index % len(bosses)]
                case.save(update_fields=["supervisor"])
            if workers:
                CaseAssignment.objects.filter(case=case).delete()
                CaseAssignment.objects.create(case=case, user=workers[index % len(workers)])


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
    return [user["username"] for user in _demo_spec()["users"]]


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    _ensure_protocol()
    spec = _demo_spec()
    agencies = {item["slug"]: _ensure_agency(item) for item in spec["agencies"]}
    for user in spec["users"]:
        _ensure_user(user, agencies)
    _ensure_cases()
    _ensure_demo_consents()
    return [
        DemoLogin(user["username"], agencies[user["agency"]].name, tuple(user["roles"]))
        for user in spec["users"]
    ]
