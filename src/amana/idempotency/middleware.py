"""`Idempotency-Key` on every API request that creates something, checked here once.

A client that sends `POST /api/…` with an `Idempotency-Key` header and retries after a crash
or a lost answer gets the first answer again instead of a second referral, consent record or
case. The first successful (2xx) response is stored per (user, key, method, path) with the
SHA-256 of the request body:

- same key, same body: the stored status and body, with `Idempotent-Replayed: true`; the view
  does not run again;
- same key, another body: 409 naming the header;
- same key while the first request is still running (or was cut off before its answer was
  stored): 409, never a second run;
- no key: the request runs as always.

The actions are durable transactions of their own, so the key cannot commit inside them: it is
reserved in a short transaction before the view runs and completed after. A crash between the
action's commit and the completion leaves the reservation, which answers 409 to every retry
until it expires (24 hours) — at most once, never twice. A response that is not a success
releases the key, so a corrected request may use it again; nothing is stored for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from amana.idempotency.actions import do_complete_key, do_release_key, do_reserve_key
from amana.idempotency.models import KEY_MAX_LENGTH, PATH_MAX_LENGTH, IdempotencyKey

HEADER = "Idempotency-Key"
API_PREFIX = "/api/"
REPLAYED_HEADER = "Idempotent-Replayed"


def _refuse(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": message, "field": HEADER, "fields": {HEADER: [message]}}, status=status
    )


def _key_problem(key: str) -> str | None:
    if not key or len(key) > KEY_MAX_LENGTH:
        return _("The Idempotency-Key must have 1 to %(n)d characters.") % {"n": KEY_MAX_LENGTH}
    if not key.isascii() or not key.isprintable():
        return _("The Idempotency-Key must be printable ASCII.")
    return None


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        record.response_body, status=record.status_code, content_type="application/json"
    )
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method != "POST"
            or not request.path_info.startswith(API_PREFIX)
            or not request.user.is_authenticated
        ):
            return self.get_response(request)
        problem = _key_problem(key)
        if problem is not None:
            return _refuse(problem, 400)
        if len(request.path_info) > PATH_MAX_LENGTH:
            return self.get_response(request)  # no creating path is this long: nothing to keep
        body_hash = hashlib.sha256(request.body).hexdigest()
        user, method, path = request.user, request.method, request.path_info
        existing = IdempotencyKey.objects.filter(
            user=user, key=key, method=method, path=path, expires_at__gt=timezone.now()
        ).first()
        if existing is not None:
            return self._answer_retry(existing, body_hash)
        record = do_reserve_key(user=user, key=key, method=method, path=path, body_hash=body_hash)
        if record is None:
            return _refuse(_("A request with this Idempotency-Key is in progress."), 409)
        try:
            response = self.get_response(request)
        except BaseException:
            do_release_key(record)
            raise
        if 200 <= response.status_code < 300 and not response.streaming:
            do_complete_key(
                record,
                status_code=response.status_code,
                body=response.content.decode("utf-8", errors="replace"),
            )
        else:
            do_release_key(record)
        return response

    @staticmethod
    def _answer_retry(existing: IdempotencyKey, body_hash: str) -> HttpResponse:
        if existing.body_hash != body_hash:
            return _refuse(_("This Idempotency-Key was used for a different request body."), 409)
        if existing.status_code is None:
            return _refuse(
                _("A request with this Idempotency-Key is in progress, or was interrupted."), 409
            )
        return _replay(existing)
