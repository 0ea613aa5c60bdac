"""The recipient agency hears of a new referral by e-mail, from a background job: one message,
blind-copied to its active users who receive referrals, naming no child; audited."""

from __future__ import annotations

import pytest

from amana.accounts.roles import Role
from amana.audit.models import AuditEntry
from amana.referrals.actions import do_send_referral
from amana.referrals.actions.notify import do_notify_referral_recipients
from amana.referrals.jobs import notify_referral_recipient
from tests.factories import UserFactory
from tests.referrals.backend_helpers import REFERRAL, agree, make_world

pytestmark = pytest.mark.django_db


def test_the_recipients_receivers_get_one_message_without_the_child(mailoutbox):
    world = make_world()
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    unhcr = world.officer.agency
    world.officer.email = "officer@unhcr.example"
    world.officer.save()
    UserFactory(roles=[Role.SUPERVISOR], agency=unhcr, email="boss@unhcr.example")
    UserFactory(roles=[Role.IM_OFFICER], agency=unhcr, email="im@unhcr.example")  # no receiving
    UserFactory(roles=[Role.CASEWORKER], agency=unhcr, email="gone@unhcr.example", is_active=False)
    UserFactory(roles=[Role.CASEWORKER], agency=world.imc.agency, email="imc@imc.example")

    assert notify_referral_recipient(referral_id=str(referral.pk)) == "2 recipients"

    [message] = mailoutbox
    assert sorted(message.bcc) == ["boss@unhcr.example", "officer@unhcr.example"]
    assert message.to == [] and "NGO C" in message.subject
    assert "Nour" not in message.subject + message.body and "945-1234" not in message.body
    entry = AuditEntry.objects.get(action="referral.notify")
    assert entry.object_id == str(referral.pk) and entry.details == {"to": "unhcr", "addresses": 2}


def test_denied_twin_nobody_to_tell_sends_nothing(mailoutbox):
    world = make_world()
    agree(world, "referral_immediate", "unhcr")
    referral = do_send_referral(case=world.case, data=REFERRAL, actor=world.worker).referral
    assert do_notify_referral_recipients(referral_id=str(referral.pk)) == 0  # no addresses
    assert do_notify_referral_recipients(referral_id="00000000-0000-0000-0000-000000000000") == 0
    assert mailoutbox == []
