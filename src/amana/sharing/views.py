"""The "Can I share?" page: a caseworker's facts in, the protocol's answer out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.accounts.models import User
from amana.accounts.roles import Perm
from amana.audit.log import origin_of
from amana.protocol import ContractError
from amana.protocols.access import current_versions, engine_protocol, find_version
from amana.sharing.actions import do_check_sharing
from amana.sharing.forms import CanIShareForm


@require_http_methods(["GET", "POST"])
def can_i_share(request: HttpRequest) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    if not actor.has_permission(Perm.SHARING_CHECK):
        return render(request, "sharing/not_allowed.html", status=403)
    versions = current_versions(actor)
    chosen = request.POST.get("protocol") or request.GET.get("protocol") or ""
    version = find_version(actor, chosen) if chosen else (versions[0] if versions else None)
    if version is None:
        return render(request, "sharing/no_protocol.html", {"versions": versions}, status=200)
    protocol = engine_protocol(version)
    form = CanIShareForm(request.POST or None, protocol=protocol, own_agency=actor.agency.slug)
    decision = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                decision = do_check_sharing(
                    protocol_ref=f"{version.protocol_id}@{version.version}",
                    request_data=form.to_request(),
                    language=(get_language() or "en")[:2],
                    origin=origin_of(request),
                    actor=actor,
                )
            except ContractError as exc:
                form.add_error(
                    None, _("These facts cannot be checked: %(problem)s") % {"problem": exc}
                )
                status = 400
        else:
            status = 400
    context = {
        "form": form,
        "version": version,
        "versions": versions,
        "decision": decision,
        "interim_last_day": protocol.interim_last_day if protocol.effective_from is None else None,
    }
    return render(request, "sharing/can_i_share.html", context, status=status)
