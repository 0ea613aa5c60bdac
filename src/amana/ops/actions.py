"""The operators' write path: re-queueing a background job that failed its last attempt."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.core.errors import ActionError, NotAllowed
from amana.jobs.actions.requeue import requeue_failed_job
from amana.ops import policy


@transaction.atomic(durable=True)
def do_retry_job(*, key: int, origin: str = "", actor: User) -> str:
    """Give a dead letter one more attempt (`key`: as the dead-letter list shows it); return
    its task name. Audited; refused without the permission; an unknown or no longer failed
    job is an `ActionError` on the field `job`."""
    if not policy.can_retry_failed_job(actor):
        raise NotAllowed(Perm.JOB_RETRY.value)
    try:
        task_name = requeue_failed_job(key)
    except LookupError:
        raise ActionError("job", _("This job is no longer in the failed list.")) from None
    write_entry(
        actor=actor,
        action="job.retry",
        object_type="job",
        object_id=key,
        origin=origin,
        details={"task": task_name},
    )
    return task_name
