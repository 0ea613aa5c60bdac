"""Operator pages: the background jobs' dead-letter list, and its "retry" button."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amana.audit.log import origin_of
from amana.core.errors import ActionError, NotAllowed
from amana.core.web import actor_of, guarded
from amana.jobs.deadletters import dead_letters
from amana.jobs.registry import ATTEMPTS, label_of
from amana.ops import policy
from amana.ops.actions import do_retry_job


def _failed_jobs_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    actor = actor_of(request)
    if not policy.can_view_failed_jobs(actor):
        raise NotAllowed
    context = {
        "letters": dead_letters(),
        "attempts": ATTEMPTS,
        "can_retry": policy.can_retry_failed_job(actor),
    }
    return render(request, "ops/failed_jobs.html", context, status=status)


@guarded
@require_http_methods(["GET", "HEAD"])
def failed_jobs(request: HttpRequest) -> HttpResponse:
    return _failed_jobs_page(request)


@guarded
@require_POST
def retry_job(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        task = do_retry_job(key=job_id, origin=origin_of(request), actor=actor_of(request))
    except ActionError as exc:
        messages.error(request, exc.message)
        return _failed_jobs_page(request, status=400)
    messages.success(request, _("“%(job)s” will be tried again.") % {"job": label_of(task)})
    return redirect("ops:failed_jobs")
