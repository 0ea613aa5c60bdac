"""The error a dead letter shows: exception, message, and where in Amana it came from."""

from __future__ import annotations

import pytest

from amana.jobs.middleware import describe
from amana.jobs.models import ERROR_MAX_CHARS
from amana.notifications.actions.email import do_email_notification


def _caught(call) -> BaseException:
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("expected an exception")


@pytest.mark.django_db
def test_the_error_names_the_last_line_of_amanas_code_it_came_through():
    exc = _caught(lambda: do_email_notification(notification_id="not-a-uuid"))
    text = describe(exc)
    assert text.startswith("ValidationError: ")
    assert "(amana/notifications/actions/email.py:" in text  # not Django's frame that raised it


def test_outside_amana_the_raising_line_is_named_and_the_text_is_one_bounded_line():
    def boom() -> None:
        raise RuntimeError("line one\nline two " + "x" * 5000)

    text = describe(_caught(boom))
    assert text.startswith("RuntimeError: line one line two ")
    assert "\n" not in text and len(text) == ERROR_MAX_CHARS
    assert text.endswith(")") and "(test_describe.py:" in text  # the place survives the cut
    assert describe(_caught(lambda: 1 / 0)).startswith("ZeroDivisionError: division by zero (")
