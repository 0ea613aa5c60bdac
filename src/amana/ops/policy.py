"""Who may see and act on the background jobs' dead-letter list: one predicate per question,
asked by the page and by the action (`actions.do_retry_job`)."""

from __future__ import annotations

from amana.accounts.models import User
from amana.accounts.roles import Perm


def can_view_failed_jobs(actor: User) -> bool:
    """See the jobs that failed their last attempt, with their errors: data-protection focal
    points and administrators."""
    return actor.has_permission(Perm.JOB_VIEW)


def can_retry_failed_job(actor: User) -> bool:
    """Put a dead letter back in the queue: a system administrator (jobs serve every agency)."""
    return can_view_failed_jobs(actor) and actor.has_permission(Perm.JOB_RETRY)
