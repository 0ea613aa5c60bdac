"""What procrastinate does not keep: the error of each failed attempt.

procrastinate records a job's status, attempts and timed events, not the exception that
failed it. Every failed attempt leaves one `JobFailure` (written by
`amana.jobs.middleware.record_failure` on the worker, or by the in-process runner on SQLite),
so the dead-letter list can say what went wrong.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

ERROR_MAX_CHARS = 2000


class JobFailure(models.Model):
    id = models.BigAutoField(primary_key=True)
    # procrastinate's job id; NULL for a job run in-process (SQLite), which has no job row.
    job_id = models.BigIntegerField(null=True, db_index=True)
    task_name = models.CharField(max_length=128)
    # In-process jobs only: the arguments, so that an administrator can run the job again.
    kwargs = models.JSONField(default=dict, blank=True)
    attempt = models.PositiveIntegerField()
    # True when no retry follows: the job is now in the dead-letter list.
    final = models.BooleanField(default=False)
    error = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    # In-process jobs only: when an administrator ran the job again from the list.
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["final", "at"], name="jobs_failure_final_at")]

    def __str__(self) -> str:
        return f"{self.task_name} attempt {self.attempt}"
