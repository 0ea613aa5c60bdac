"""E-mailing one notification (the work of the job `notifications.email`): to the
recipient's work address, in their language, once; a neutral sentence and where to read it,
never anything about the case."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.audit.log import write_entry
from amana.notifications.kinds import emailed_text
from amana.notifications.models import Notification


@transaction.atomic(durable=True)
def do_email_notification(*, notification_id: str, actor: None = None) -> bool:
    """E-mail one notification to its recipient's work address, in their language, once.
    False when there is nothing to send (already sent, no address, inactive, gone)."""
    row = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id)
        .first()
    )
    if row is None or row.emailed_at is not None:
        return False
    user = row.recipient
    if not user.is_active or not user.email:
        return False
    with translation.override(language_of(user)):
        message = neutral_message(row, user.email)
    message.send(fail_silently=False)
    row.emailed_at = timezone.now()
    row.save(update_fields=["emailed_at"])
    write_entry(
        actor=actor,
        action="notification.email",
        object_type="notification",
        object_id=row.pk,
        origin="worker",
        details={"kind": row.kind},
    )
    return True


def language_of(user: User) -> str:
    """The user's chosen language if Amana speaks it, else the site's."""
    known = {code for code, _name in settings.LANGUAGES}
    return user.preferred_language if user.preferred_language in known else settings.LANGUAGE_CODE


def neutral_message(row: Notification, address: str) -> EmailMessage:
    """The e-mail: a neutral sentence and where to read more; nothing about the case."""
    subject = _("Amana: you have a new notification")
    public_url = str(settings.AMANA_PUBLIC_URL).rstrip("/")
    if public_url:
        where = _("Read it in Amana: %(url)s") % {"url": f"{public_url}/notifications/"}
    else:
        where = _("Sign in to Amana to read it.")
    warning = _("This message holds no information about any child: do not reply with any.")
    body = f"{emailed_text(row.kind)}\n\n{where}\n\n{warning}\n"
    return EmailMessage(subject=subject, body=body, to=[address])
