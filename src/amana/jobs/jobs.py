"""The jobs of the apps below the queue, which cannot import it (audit sealing), and the
queue's own (recovering the jobs of a worker that died).

Found by procrastinate's autodiscovery (`PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "jobs"`) like
every app's `jobs.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from amana.audit.checkpoint import checkpoint_if_moved
from amana.audit.sealer import seal_pending
from amana.jobs.actions.stalled import do_recover_stalled_jobs
from amana.jobs.registry import job


@job("audit.seal", label=_("Audit log sealing"), cron=settings.AMANA_JOBS_SEAL_CRON)
def seal_audit_log(timestamp: int = 0) -> str:
    """What `amana audit seal` does, on a schedule: seal every committed entry still waiting
    (under the sealer's advisory lock, so several workers and app processes never seal
    twice), then sign a checkpoint if the head moved since the last one."""
    sealed = seal_pending(wait=True)
    checkpoint = checkpoint_if_moved()
    signed = f", checkpoint {checkpoint.seq}" if checkpoint else ""
    return f"sealed {sealed}{signed}"


# On SQLite there is no worker to lose: the job is not scheduled there.
RECOVER_CRON = "" if settings.AMANA_JOBS_IN_PROCESS else "* * * * *"


@job("jobs.recover_stalled", label=_("Recovery of interrupted jobs"), cron=RECOVER_CRON)
def recover_stalled_jobs(timestamp: int = 0) -> str:
    """Jobs whose worker died mid-run go back to the queue (or, with no attempt left, to the
    dead-letter list) instead of staying `doing` for ever."""
    return f"recovered {do_recover_stalled_jobs(actor=None)}"
