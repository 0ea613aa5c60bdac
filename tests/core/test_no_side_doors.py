"""No side doors: every URL pattern, walked by another agency's user who holds every non-admin
role, with the real ids of agency A's case and everything hanging off it, discloses nothing.

Patterns are enumerated from the resolver, so a URL added later is walked too. Path parameters
are filled from PARAMETERS, by name; a parameter name it does not know fails the test ("add a
value for <name>") instead of being skipped. Each route is asked with GET and with POST (a 405
is a fine answer), the body carrying A's ids as well; an /api/ route is also asked with PUT,
PATCH and DELETE. Exports (the CSV report, the PDF receipt, the printable form) are URL patterns
like any other and are walked the same way.

The recipient of A's referral (agency C) is walked the same way, by a user of C with every
non-admin role: the child's name and the packet's text show on the packet views only, never on a
case, consent, sharing, report or ledger page; the case's own markers never show at all.

The positive twin walks the same routes as A's assigned caseworker and finds the markers, which
proves the markers are where a leak would show them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone
from django.utils.regex_helper import normalize

from amana.accounts.roles import Role
from amana.caseforms.actions import do_save_form
from amana.caseforms.models import FormRecord
from amana.cases.actions import CaseInput, ChildInput, PersonInput, do_register_case
from amana.cases.models import Case, CaseAssignment
from amana.consent.actions import do_record_consent
from amana.consent.models import ConsentRecord
from amana.notifications.models import Notification
from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from amana.referrals.actions import ReferralInput, do_send_referral
from amana.referrals.models import RecipientNotice, Referral
from amana.sharing.actions import do_record_exceptional_circumstance
from amana.sharing.models import ExceptionalCircumstance
from tests.cases.helpers import ensure_lookups, register
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

# Values planted in agency A's case; none may reach agency B. ASCII, no HTML or JSON escaping.
NAME = "Zqmarkname Oyelaran"
OTHER_NAMES = "Zqmarkalias"
INDIVIDUAL_ID = "ZQID-4471902"
ADDRESS = "Zqmarkaddress shelter 9"
NARRATIVE = "Zqmarknarrative the child described the night at the checkpoint"
CONSENT_NOTE = "Zqmarkconsentnote read out in Arabic"
DANGER = "Zqmarkdanger held at the checkpoint"
ASSESSMENT = "Zqmarkassessment benefit outweighs risk"
PACKET = "Zqmarkpacket summary for the psychosocial team"
CAREGIVER = "Zqmarkcaregiver Yusuf"
PREFIX = "ZQMK"  # the case number is ZQMK-<year>-000001
NON_ADMIN_ROLES = [
    Role.CASEWORKER,
    Role.SUPERVISOR,
    Role.DP_FOCAL_POINT,
    Role.IM_OFFICER,
    Role.COORDINATOR,
]
API_METHODS = ("PUT", "PATCH", "DELETE")
# The routes that show a referral's packet to its recipient: the packet, and the answer and the
# service feedback forms, which show the packet again when the input is refused.
PACKET_VIEWS = {"referrals:packet", "referrals:respond", "referrals:feedback", "api-referral"}


@dataclass
class World:
    case: Case
    worker: Any
    outsider: Any
    recipient: Any
    form_record: FormRecord
    consent: ConsentRecord
    exceptional: ExceptionalCircumstance
    referral: Referral
    notice: RecipientNotice

    @property
    def markers(self) -> list[str]:
        return [
            NAME, OTHER_NAMES, INDIVIDUAL_ID, ADDRESS, NARRATIVE, CONSENT_NOTE, DANGER,
            ASSESSMENT, PACKET, CAREGIVER, self.case.case_number,
        ]  # fmt: skip

    @property
    def in_the_packet(self) -> list[str]:
        """What the referral sent (full_name, referral_summary): its recipient may see these."""
        return [NAME, PACKET]

    @property
    def case_only(self) -> list[str]:
        """What only the case holds; never shown to the recipient, on any route."""
        return [marker for marker in self.markers if marker not in self.in_the_packet]

    @property
    def case_ids(self) -> set[str]:
        """The ids of the case and its records: the packet never names the case."""
        ids = [self.case.pk, self.form_record.pk, self.consent.pk, self.exceptional.pk]
        return {str(key) for key in ids}


# Path parameter name -> the values to try (every value is tried). Add new names here.
PARAMETERS: dict[str, Callable[[World], list[object]]] = {
    "case_id": lambda w: [w.case.pk],
    # one name, several kinds of record: a form record, a consent record, an exceptional one
    "record_id": lambda w: [w.form_record.pk, w.consent.pk, w.exceptional.pk],
    "referral_id": lambda w: [w.referral.pk],
    "notice_id": lambda w: [w.notice.pk],
    "form_id": lambda w: [w.form_record.form.form_id],
    "step": lambda w: ["child", "people", "case", "check"],
    "reference": lambda w: ["demo-op-a"],
    "purpose": lambda w: ["referral_immediate"],
    "user_id": lambda w: [w.worker.pk],  # A's caseworker: nobody of B or C resets it
    "job_id": lambda w: [1],  # a background job: only a system administrator retries one
    # the notifications the world's actions made (the referral's, to agency C's receivers):
    # each is its recipient's only
    "notification_id": lambda w: list(Notification.objects.values_list("pk", flat=True)),
}


@dataclass(frozen=True)
class Route:
    name: str
    parts: tuple[object, ...]  # the patterns from the root to the view

    @property
    def parameters(self) -> list[str]:
        names: list[str] = []
        for part in self.parts:
            if isinstance(part, RoutePattern):
                names += list(part.converters)
            elif isinstance(part, RegexPattern):
                names += list(part.regex.groupindex)
        return names


def _walk(resolver: URLResolver, parts: tuple[object, ...] = (), ns: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        here = (*parts, entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from _walk(entry, here, inner)
        else:
            assert isinstance(entry, URLPattern)
            yield Route(f"{ns}{entry.name}" if entry.name else entry.lookup_str, here)


ROUTES = list(_walk(get_resolver()))


def _fill(part: object, values: dict[str, object]) -> str:
    if isinstance(part, RoutePattern):
        return re.sub(
            r"<(?:[^>:]+:)?(?P<name>[^>]+)>", lambda m: str(values[m.group("name")]), str(part)
        )
    if isinstance(part, RegexPattern):
        template, _params = normalize(part.regex.pattern)[0]
        return template % {key: str(value) for key, value in values.items()}
    if isinstance(part, LocalePrefixPattern):
        return part.language_prefix
    raise AssertionError(f"unknown pattern type {type(part).__name__}")


def _paths(route: Route, world: World) -> list[str]:
    """Every path of the route with the world's values for its parameters."""
    combos: list[dict[str, object]] = [{}]
    for name in route.parameters:
        if name not in PARAMETERS:
            raise AssertionError(
                f"{route.name}: add a value for <{name}> to PARAMETERS in {__name__}"
            )
        combos = [combo | {name: value} for combo in combos for value in PARAMETERS[name](world)]
    return ["/" + "".join(_fill(part, combo) for part in route.parts) for combo in combos]


def test_every_path_parameter_has_values():
    unknown = sorted(
        {
            f"{route.name}: <{name}>"
            for route in ROUTES
            for name in route.parameters
            if name not in PARAMETERS
        }
    )
    assert not unknown, "add a value for each of these to PARAMETERS: " + ", ".join(unknown)


def test_the_walk_covers_the_exports_and_the_api():
    names = {route.name for route in ROUTES}
    exports = {"reports:download", "consent:receipt", "consent:form"}
    assert exports <= names
    assert {"api-case", "api-case-consents", "api-case-exceptional", "cases:detail"} <= names


@pytest.fixture
def world() -> World:
    load_protocol_file(str(demo_protocol_path()), actor=None)
    agency_a = AgencyFactory(slug="imc", name="International Medical Corps", case_prefix=PREFIX)
    agency_c = AgencyFactory(slug="ngo-psy", name="NGO C (psychosocial support)", case_prefix="NGC")
    agency_b = AgencyFactory(slug="ngo-legal", name="NGO A (legal counselling)", case_prefix="NGL")
    worker = UserFactory(roles=[Role.CASEWORKER], agency=agency_a)
    boss = UserFactory(roles=[Role.SUPERVISOR], agency=agency_a)
    outsider = UserFactory(roles=NON_ADMIN_ROLES, agency=agency_b)
    register(outsider, name="Bcase Child")  # B has a case of its own, and is its caseworker
    recipient = UserFactory(roles=NON_ADMIN_ROLES, agency=agency_c)  # C receives the referral
    register(recipient, name="Ccase Child")  # and C has a case of its own too
    ensure_lookups()
    case = do_register_case(
        child=ChildInput(
            full_name=NAME, sex="female", date_of_birth=date(2014, 3, 2),
            other_names=OTHER_NAMES, individual_id=INDIVIDUAL_ID, address=ADDRESS,
        ),
        people=[PersonInput(relationship="mother", full_name=CAREGIVER, is_caregiver=True)],
        case=CaseInput(risk_level="high", concerns=["neglect"], location="XX-C1-B1"),
        actor=worker,
    )  # fmt: skip
    case.supervisor = boss
    case.save()
    form_record = do_save_form(
        case=case, form_id="bia", data={"child_views": NARRATIVE, "safety_and_risks": NARRATIVE},
        submit=False, actor=worker,
    )  # fmt: skip
    scope = {
        "purposes": ["referral_immediate"], "recipients": ["ngo-psy"], "stage": "intake",
        "method": "written", "language": "en",
        "given_on": timezone.localdate() - timedelta(days=1),
    }  # fmt: skip
    consent = do_record_consent(
        case=case, given_by="caregiver", kind="consent", notes=CONSENT_NOTE, actor=worker, **scope
    )
    do_record_consent(case=case, given_by="child", kind="assent", actor=worker, **scope)
    exceptional = do_record_exceptional_circumstance(
        case=case, kind="vital_interests", description=DANGER, risk_assessment=ASSESSMENT,
        recipient="ngo-legal", recipient_assessed_safe=True, actor=worker,
    )  # fmt: skip
    sent = do_send_referral(
        case=case,
        data=ReferralInput(
            recipient="ngo-psy", service="psychosocial_support", legal_basis="consent",
            elements=["full_name", "referral_summary"], written={"referral_summary": PACKET},
        ),
        actor=worker,
    )  # fmt: skip
    assert sent.referral is not None, sent.decision["reasons"]
    notice = RecipientNotice.objects.create(
        recipient=sent.referral.recipient, referral=sent.referral, kind="consent_withdrawn"
    )
    return World(
        case, worker, outsider, recipient, form_record, consent, exceptional, sent.referral, notice
    )


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def _post_data(world: World) -> dict[str, object]:
    ids = {
        "case": world.case.pk, "case_id": world.case.pk, "record": world.form_record.pk,
        "record_id": world.consent.pk, "referral": world.referral.pk,
        "referral_id": world.referral.pk, "user": world.worker.pk, "decision": "approve",
        "approve": True, "accept": True, "note": "x", "reason": "x",
    }  # fmt: skip
    return {
        key: str(value) if key not in ("approve", "accept") else value for key, value in ids.items()
    }


def _methods(path: str) -> tuple[str, ...]:
    return ("GET", "POST", *API_METHODS) if path.startswith("/api/") else ("GET", "POST")


def _ask(client, user, method: str, path: str, world: World):
    client.force_login(user)  # a route that logs out must not end the walk
    if method == "GET":
        return client.get(path)
    data = _post_data(world)
    if path.startswith("/api/"):
        send = getattr(client, method.lower())
        return send(path, json.dumps(data), content_type="application/json")
    assert method == "POST", method
    return client.post(path, {k: str(v) for k, v in data.items()})


def _snapshot(world: World) -> dict[str, object]:
    case = Case.objects.get(pk=world.case.pk)
    return {
        "case": (case.version, case.status, case.stage, case.supervisor_id, case.risk_level),
        "assigned": sorted(
            str(u)
            for u in CaseAssignment.objects.filter(case=case).values_list("user_id", flat=True)
        ),
        "forms": sorted(
            (str(r.pk), r.status, r.version) for r in FormRecord.objects.filter(case=case)
        ),
        "consents": ConsentRecord.objects.filter(case=case).count(),
        "exceptional": sorted(
            (str(r.pk), r.status) for r in ExceptionalCircumstance.objects.filter(case=case)
        ),
        "referrals": sorted((str(r.pk), r.status) for r in Referral.objects.filter(case=case)),
    }


def _ids(world: World) -> set[str]:
    return {
        str(world.case.pk), str(world.form_record.pk), str(world.consent.pk),
        str(world.exceptional.pk), str(world.referral.pk), str(world.notice.pk),
    }  # fmt: skip


def test_another_agency_with_every_role_finds_nothing_of_the_case(client, world):
    client.raise_request_exception = False
    before = _snapshot(world)
    ids = _ids(world)
    problems: list[str] = []
    asked = 0
    for route in ROUTES:
        for path in _paths(route, world):
            for method in _methods(path):
                response = _ask(client, world.outsider, method, path, world)
                asked += 1
                where = f"{method} {path} ({route.name}) answered {response.status_code}"
                if response.status_code >= 500:
                    problems.append(f"{where}: server error")
                    continue
                body = _body(response)
                leaked = [marker for marker in world.markers if marker in body]
                if leaked:
                    problems.append(f"{where}: shows {leaked}")
                carries_a_id = any(key in path for key in ids)
                if method == "GET" and carries_a_id and response.status_code < 400:
                    problems.append(f"{where}: an id of agency A's case was served")
    assert asked > 2 * len(ROUTES) - 1
    assert not problems, "side doors:\n" + "\n".join(problems)
    assert _snapshot(world) == before, "agency B changed agency A's case"


def test_the_recipient_of_the_referral_finds_only_the_packet(client, world):
    """Agency C received A's referral: a user of C with every non-admin role walks every route
    with A's ids. The packet views show the child's name and the packet's text (the walk finds
    them there, or it proves nothing); no other route shows them, and nothing shows the case's
    own markers or ids. Answering the referral is C's to do; nothing else of A changes."""
    client.raise_request_exception = False
    before = _snapshot(world)
    problems: list[str] = []
    found: dict[str, set[str]] = {}
    asked = 0
    for route in ROUTES:
        for path in _paths(route, world):
            for method in _methods(path):
                response = _ask(client, world.recipient, method, path, world)
                asked += 1
                where = f"{method} {path} ({route.name}) answered {response.status_code}"
                if response.status_code >= 500:
                    problems.append(f"{where}: server error")
                    continue
                body = _body(response)
                never = [marker for marker in world.case_only if marker in body]
                # an id the request did not carry (a page may echo its own path, e.g. a 404)
                never += [key for key in world.case_ids if key in body and key not in path]
                if never:
                    problems.append(f"{where}: shows the case's {never}")
                packet = [marker for marker in world.in_the_packet if marker in body]
                if packet:
                    found.setdefault(route.name, set()).update(packet)
                    if route.name not in PACKET_VIEWS:
                        problems.append(f"{where}: shows the packet's {packet} off the packet")
                carries_a_case_id = any(key in path for key in world.case_ids)
                if method == "GET" and carries_a_case_id and response.status_code < 400:
                    problems.append(f"{where}: an id of agency A's case was served")
    assert asked > 2 * len(ROUTES) - 1
    assert not problems, "side doors for the recipient:\n" + "\n".join(problems)
    for name in ("referrals:packet", "api-referral"):
        assert set(world.in_the_packet) <= found.get(name, set()), (name, found)
    after = _snapshot(world)
    answered, sent = after.pop("referrals"), before.pop("referrals")
    assert after == before, "the recipient changed agency A's case"
    # C's answer: an accept whose body names A's case as the one to link to is refused (only
    # C's own cases the duplicate check offers can be), so the walk may end with a rejection.
    answers = [[(str(world.referral.pk), status)] for status in ("accepted", "rejected")]
    assert answered in (sent, *answers), answered


def test_positive_twin_the_assigned_caseworker_finds_the_markers(client, world):
    client.raise_request_exception = False
    found: dict[str, set[str]] = {}
    for route in ROUTES:
        for path in _paths(route, world):
            response = _ask(client, world.worker, "GET", path, world)
            assert response.status_code < 500, f"GET {path} ({route.name})"
            body = _body(response)
            for marker in world.markers:
                if marker in body:
                    found.setdefault(route.name, set()).add(marker)
    assert {NAME, world.case.case_number} <= found.get("cases:detail", set()), found
    assert NAME in found.get("api-case", set()), found
    assert CONSENT_NOTE in found.get("consent:case", set()), found
    assert DANGER in found.get("sharing:exceptional", set()), found
