"""Rule 4.0: only the agreed elements go; the rest is withheld with the reason."""

from __future__ import annotations

from amana.protocol.codes import Code
from amana.protocol.findings import Context, Withheld
from amana.protocol.model import PurposeSpec
from amana.protocol.vocabulary import EXCESSIVE_FOR_PURPOSE, INCIDENT, WHOLE_FILE


def agreed_list(spec: PurposeSpec, service_name: str | None) -> frozenset[str] | None:
    """The service's list for referrals, else the purpose's list; None when nothing is listed."""
    service = spec.services.get(service_name or "")
    if service is not None and service.elements is not None:
        return service.elements
    return spec.elements


def withhold_code(
    purpose: str, spec: PurposeSpec, element: str, agreed: frozenset[str] | None
) -> Code | None:
    if element == WHOLE_FILE and purpose != "case_transfer":
        return Code.ELEMENTS_EXCESSIVE
    if element in EXCESSIVE_FOR_PURPOSE.get(purpose, frozenset()):
        return Code.ELEMENTS_EXCESSIVE
    if agreed is not None and element not in agreed:
        return Code.ELEMENTS_NOT_AGREED
    if element in spec.excluded:
        return Code.ELEMENTS_NOT_AGREED
    if agreed is None and element == INCIDENT and purpose == "referral_immediate":
        return Code.ELEMENTS_NOT_AGREED
    return None


def split_elements(ctx: Context) -> list[str]:
    """R4.0 to R4.6: returns the elements that may go and records the withheld ones."""
    request = ctx.request
    spec = ctx.protocol.purposes[request.purpose]  # enabled: earlier rules deny otherwise
    agreed = agreed_list(spec, request.service)
    share: list[str] = []
    for element in request.elements:
        code = withhold_code(request.purpose, spec, element, agreed)
        if code is None:
            share.append(element)
        else:
            ctx.withheld.append(Withheld(element, code))
    return share
