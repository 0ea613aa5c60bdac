"""Telling a recipient agency that a referral is waiting: one e-mail, blind-copied to its
active users who receive referrals and have a work address. The message names the agencies
and the date, never the child: the packet is read in Amana. Run by the background job
`referrals.notify_recipient`, which `do_send_referral` enqueues in its transaction; a mail
server that fails makes the job retry, and the audit entry commits only once the mail went."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.accounts.roles import ROLES, Perm
from amana.audit.log import write_entry
from amana.referrals.models import Referral

RECEIVING_ROLES = sorted(
    role for role, rights in ROLES.items() if Perm.REFERRAL_RECEIVE in rights.permissions
)


def receivers_of(agency_id: int) -> list[str]:
    """Work addresses of the agency's active users who may receive referrals."""
    users = User.objects.filter(
        agency_id=agency_id, is_active=True, role_grants__role__in=RECEIVING_ROLES
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


@transaction.atomic(durable=True)
def do_notify_referral_recipients(*, referral_id: str, actor: None = None) -> int:
    """Send the notice; return how many addresses it went to (0: nobody to tell, or the
    referral is gone)."""
    referral = Referral.objects.select_related("sender", "recipient").filter(pk=referral_id).first()
    if referral is None:
        return 0
    addresses = receivers_of(referral.recipient_id)
    if addresses:
        with translation.override(settings.LANGUAGE_CODE):
            message = _notice(referral, addresses)
        message.send(fail_silently=False)
    write_entry(
        actor=actor,
        action="referral.notify",
        object_type="referral",
        object_id=referral.pk,
        origin="worker",
        details={"to": referral.recipient.slug, "addresses": len(addresses)},
    )
    return len(addresses)


def _notice(referral: Referral, addresses: list[str]) -> EmailMessage:
    names = {"sender": referral.sender.name, "recipient": referral.recipient.name}
    subject = _("Amana: a referral from %(sender)s is waiting") % names
    body = _(
        "%(sender)s sent %(recipient)s a referral on %(date)s.\n\n"
        "Open the referrals inbox in Amana to read and answer it. This message holds no "
        "information about the child: do not reply to it with any."
    ) % {**names, "date": formats.date_format(timezone.localtime(referral.sent_at), "DATE_FORMAT")}
    return EmailMessage(subject=subject, body=body, bcc=addresses)
