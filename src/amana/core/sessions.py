"""Database sessions that are written when they change, and renewed at most once a minute.

Django's database sessions end `SESSION_COOKIE_AGE` (30 minutes) after they were last saved.
With `SESSION_SAVE_EVERY_REQUEST` every page paid a write (a savepoint, an UPDATE, its
release) only to push that end forward. This store remembers when its row expires when it
reads it, and asks to be saved only when the session changed or when more than
`RENEW_AFTER` seconds have gone by since the last save. A session left alone thus ends
between `SESSION_COOKIE_AGE - RENEW_AFTER` and `SESSION_COOKIE_AGE` after the person's last
request, never later; the absolute lifetime (`core.middleware.session_too_old`) is unchanged.

Used as `SESSION_ENGINE = "amana.core.sessions"` with `SESSION_SAVE_EVERY_REQUEST = False`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

# A session saved less than this many seconds ago is not saved again just to renew it.
RENEW_AFTER = 60
EXPIRY_KEY = "_session_expiry"  # Django's key for a session's own expiry (set_expiry)


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        if row is None:
            return {}
        data: dict[str, Any] = self.decode(row.session_data)
        if self._due_for_renewal(data, row.expire_date):
            self.modified = True
        return data

    @staticmethod
    def _due_for_renewal(data: dict[str, Any], expires: Any) -> bool:
        """Renew a session last saved more than RENEW_AFTER seconds ago. A session with an
        expiry of its own (`set_expiry`) is renewed on every request, as Django would."""
        if EXPIRY_KEY in data:
            return True
        left = (expires - timezone.now()).total_seconds()
        return bool(left < settings.SESSION_COOKIE_AGE - RENEW_AFTER)
