"""A small world for consent tests: an agency, its people, a case, records through actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.cases.models import Case
from amana.consent.actions import do_record_consent
from amana.consent.models import ConsentRecord
from tests.cases.helpers import register
from tests.factories import AgencyFactory, UserFactory


@dataclass
class World:
    worker: User
    boss: User
    peer: User
    stranger: User
    im_officer: User
    case: Case


def make_world() -> World:
    agency = AgencyFactory(slug="imc", name="International Medical Corps", case_prefix="IMC")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="worker.imc")
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency, username="boss.imc")
    peer = UserFactory(roles=[Role.CASEWORKER], agency=agency, username="peer.imc")
    im_officer = UserFactory(roles=[Role.IM_OFFICER], agency=agency, username="im.imc")
    other = AgencyFactory(slug="ngo-psy", name="NGO C (psychosocial support)")
    stranger = UserFactory(roles=[Role.CASEWORKER], agency=other, username="worker.psy")
    case = register(worker)
    case.supervisor = boss
    case.save()
    return World(worker, boss, peer, stranger, im_officer, case)


def record(world: World, **given: Any) -> ConsentRecord:
    """A record through the real write path; defaults: the caregiver consents to a referral."""
    values: dict[str, Any] = {
        "given_by": "caregiver",
        "kind": "consent",
        "purposes": ["referral_immediate"],
        "recipients": ["ngo-psy"],
        "services": None,
        "stage": "intake",
        "method": "written",
        "language": "en",
        "given_on": date(2026, 6, 1),
        "notes": "",
    }
    values.update(given)
    actor = values.pop("actor", world.worker)
    case = values.pop("case", world.case)
    return do_record_consent(case=case, actor=actor, **values)
