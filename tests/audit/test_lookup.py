"""amana.audit.lookup: one audited not-found for every read path that opens a record by id.

Unknown ids, malformed ids (garbage, a NUL byte, which PostgreSQL text cannot hold) and records
that are not the actor's all give the same not-found error, and each leaves an audit entry."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.audit.lookup import as_uuid, audited_not_found, fetch_or_not_found, shown_id
from amana.audit.models import AuditEntry, Outcome
from amana.cases import access as case_access
from amana.consent import access as consent_access
from amana.referrals import access as referral_access
from amana.sharing import access as sharing_access
from tests.cases.helpers import register
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

MALFORMED = ["not-a-uuid", "\x00", "1234\x00abcd", "", "x" * 500]


class ThingNotFound(Http404):
    pass


def test_as_uuid_takes_uuids_and_their_text_and_nothing_else():
    key = uuid.uuid4()
    assert as_uuid(key) == key and as_uuid(str(key)) == key
    for bad in [*MALFORMED, None, 12]:
        assert as_uuid(bad) is None


def test_shown_id_is_printable_and_at_most_64_characters():
    assert shown_id("\x00") == "\\x00"
    assert shown_id("a\nb") == "a\\nb"
    assert len(shown_id("x" * 500)) == 64
    key = uuid.uuid4()
    assert shown_id(key) == str(key)


def test_audited_not_found_writes_the_entry_and_raises_the_given_error():
    actor = UserFactory(roles=[Role.CASEWORKER])
    with pytest.raises(ThingNotFound):
        audited_not_found(
            actor,
            action="thing.view",
            object_type="thing",
            object_id="\x00",
            origin="web:test",
            error=ThingNotFound,
            outcome=Outcome.DENIED,
        )
    entry = AuditEntry.objects.get(action="thing.view")
    assert (entry.outcome, entry.object_id, entry.origin) == ("denied", "\\x00", "web:test")
    assert entry.actor == actor.username


@pytest.mark.parametrize("bad", MALFORMED)
def test_fetch_or_not_found_with_a_malformed_id(bad):
    actor = UserFactory(roles=[Role.CASEWORKER])
    with pytest.raises(ThingNotFound):
        fetch_or_not_found(
            actor, User.objects.all(), bad, action="thing.view", object_type="thing",
            error=ThingNotFound,
        )  # fmt: skip
    entry = AuditEntry.objects.get(action="thing.view")
    assert entry.outcome == "not_found" and entry.object_id == shown_id(bad)


def test_fetch_or_not_found_hides_what_visible_refuses_and_returns_the_rest():
    actor, other = UserFactory(roles=[Role.CASEWORKER]), UserFactory(roles=[Role.CASEWORKER])

    def fetch(pk: object) -> User:
        return fetch_or_not_found(
            actor, User.objects.all(), pk, action="thing.view", object_type="thing",
            error=ThingNotFound, visible=lambda user: user.pk == actor.pk,
        )  # fmt: skip

    assert fetch(actor.pk) == actor
    assert fetch(str(actor.pk)) == actor
    with pytest.raises(ThingNotFound):
        fetch(other.pk)
    with pytest.raises(ThingNotFound):
        fetch(uuid.uuid4())
    refused = AuditEntry.objects.filter(action="thing.view", outcome="not_found")
    assert refused.count() == 2  # the found read is the caller's to audit


# --- The read paths that use it -------------------------------------------------------------

READ_PATHS = [
    (case_access.access_case, case_access.CaseNotFound, "case.view"),
    (consent_access.access_record, consent_access.ConsentNotFound, "consent.view"),
    (sharing_access.access_circumstance, sharing_access.CircumstanceNotFound, "exceptional.view"),
    (referral_access.open_packet, referral_access.ReferralNotFound, "referral.view"),
]


@pytest.mark.parametrize(("read", "error", "action"), READ_PATHS, ids=lambda v: str(v)[:20])
@pytest.mark.parametrize("bad", [*MALFORMED, "unknown"])
def test_each_read_path_gives_an_audited_not_found(read, error, action, bad):
    actor = UserFactory(roles=[Role.CASEWORKER])
    wanted = str(uuid.uuid4()) if bad == "unknown" else bad
    with pytest.raises(error):
        read(actor, wanted, origin="web:test")
    entry = AuditEntry.objects.get(action=action)
    assert entry.outcome == "not_found" and entry.object_id == shown_id(wanted)
    assert entry.actor == actor.username and entry.origin == "web:test"


def test_a_case_of_another_agency_is_not_found_the_same_way():
    owner = UserFactory(roles=[Role.CASEWORKER])
    case = register(owner)
    stranger = UserFactory(roles=[Role.CASEWORKER], agency=AgencyFactory())
    with pytest.raises(case_access.CaseNotFound):
        case_access.access_case(stranger, case.pk)
    entry = AuditEntry.objects.filter(action="case.view").latest("id")
    assert entry.outcome == "not_found" and entry.object_id == str(case.pk)
    assert case_access.access_case(owner, str(case.pk)) == case
