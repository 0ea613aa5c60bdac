"""The notification centre: the list of the user's notifications, and marking them read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from amana.audit.log import origin_of
from amana.core.web import actor_of, guarded
from amana.notifications import access
from amana.notifications.actions.read import (
    do_mark_all_notifications_read,
    do_mark_notification_read,
)
from amana.notifications.kinds import shown_text


@guarded
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = list(access.own_notifications(actor)[: access.SHOWN])
    shown = [{"row": row, "text": shown_text(row.kind, row.params)} for row in rows]
    return render(request, "notifications/list.html", {"notifications": shown})


@guarded
@require_POST
def mark_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    actor = actor_of(request)
    notification = access.own_notification(actor, notification_id)
    do_mark_notification_read(notification=notification, origin=origin_of(request), actor=actor)
    return redirect("notifications:list")


@guarded
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    do_mark_all_notifications_read(origin=origin_of(request), actor=actor_of(request))
    return redirect("notifications:list")
