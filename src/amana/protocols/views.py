"""Protocols as people read them: the list, and one version rendered for signatories."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amana.accounts.models import User
from amana.protocols.access import (
    current_versions,
    engine_protocol,
    find_version,
    visible_protocols,
)


@require_GET
def protocol_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    return render(request, "protocols/list.html", {"versions": current_versions(actor)})


@require_GET
def protocol_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    version = find_version(actor, reference)
    if version is None:
        raise Http404
    history = visible_protocols(actor).filter(protocol_id=version.protocol_id)
    context = {
        "version": version,
        "protocol": engine_protocol(version),
        "history": history.order_by("-version"),
    }
    return render(request, "protocols/detail.html", context)
