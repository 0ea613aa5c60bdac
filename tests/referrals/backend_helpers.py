"""A small referral world: the demo protocol loaded, a sending NGO with a case, and officers of
receiving agencies; consent recorded through the real write path."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.cases.models import Case
from amana.consent.actions import do_record_consent
from amana.consent.models import ConsentRecord
from amana.protocol.bench import demo_protocol_path
from amana.protocol.model import ConsentRecord as EngineConsent
from amana.protocols.actions import load_protocol_file
from amana.referrals.actions import ReferralInput
from tests.cases.helpers import register
from tests.factories import AgencyFactory, UserFactory

ON = date(2026, 6, 1)


@dataclass
class World:
    worker: User  # the case's caseworker at ngo-psy
    boss: User  # the case's supervisor
    colleague: User  # same agency, not on the case
    officer: User  # caseworker at UNHCR
    imc: User  # caseworker at IMC
    bystander: User  # caseworker at the livelihoods NGO
    case: Case


def make_world() -> World:
    load_protocol_file(str(demo_protocol_path()), actor=None)
    sender = AgencyFactory(slug="ngo-psy", name="NGO C", case_prefix="NGC")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=sender)
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=sender)
    colleague = UserFactory(roles=[Role.CASEWORKER], agency=sender)
    officer = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(slug="unhcr", name="UNHCR"))
    imc = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory(slug="imc", name="IMC"))
    bystander = UserFactory(
        roles=[Role.CASEWORKER], agency=AgencyFactory(slug="ngo-livelihoods", name="NGO B")
    )
    case = register(worker, name="Nour Haddad", individual_id="945-1234")
    case.supervisor = boss
    case.save()
    return World(worker, boss, colleague, officer, imc, bystander, case)


def say(
    world: World,
    *,
    purposes: Sequence[str],
    recipients: Sequence[str],
    kind: str = "consent",
    given_by: str = "caregiver",
    stage: str = "intake",
    on: date = ON,
    case: Case | None = None,
    actor: User | None = None,
) -> ConsentRecord:
    return do_record_consent(
        case=case or world.case,
        given_by=given_by,
        kind=kind,
        purposes=list(purposes),
        recipients=list(recipients),
        stage=stage,
        method="written",
        language="en",
        given_on=on,
        actor=actor or world.worker,
    )


def agree(world: World, purpose: str, recipient: str, *, stage: str = "intake") -> None:
    """The caregiver consents and the child (12) assents."""
    say(world, purposes=[purpose], recipients=[recipient], stage=stage)
    say(
        world,
        purposes=[purpose],
        recipients=[recipient],
        kind="assent",
        given_by="child",
        stage=stage,
    )


REFERRAL = ReferralInput(
    recipient="unhcr",
    service="resettlement_consideration",
    legal_basis="consent",
    elements=["full_name", "individual_id", "referral_summary"],
    written={"referral_summary": "Needs resettlement assessment."},
)


def close(case: Case, reason: str = "goals_met") -> Case:
    """Set a case closed (the closure form's approval is the cases app's business)."""
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOSED,
        stage=Case.Stage.CLOSED,
        closed_at=timezone.now(),
        closure_reason=reason,
    )
    case.refresh_from_db()
    return case


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


def consents_for(recipient: str, purpose: str = "referral_immediate"):
    """The case's consent records as the engine reads them: caregiver's consent and the
    child's assent for `purpose` to `recipient`."""

    def given(case, at: date):
        scope = {
            "purposes": frozenset({purpose}),
            "recipients": frozenset({recipient}),
            "on": date(2026, 1, 1),
        }
        return (
            EngineConsent(given_by="caregiver", kind="consent", **scope),
            EngineConsent(given_by="child", kind="assent", **scope),
        )

    return given
