"""The periodic jobs' schedules from the environment: five cron fields, `off`, or one line
naming the variable."""

from __future__ import annotations

import pytest

from amana.config import ConfigError, load


def _load(tmp_path, **environ: str):
    return load({"AMANA_VAR_DIR": str(tmp_path), **environ})


def test_defaults_seal_every_minute_and_remind_hourly(tmp_path):
    config = _load(tmp_path)
    assert (config.jobs_seal_cron, config.jobs_reminders_cron) == ("* * * * *", "0 * * * *")


def test_a_schedule_can_be_set_or_switched_off(tmp_path):
    config = _load(tmp_path, AMANA_JOBS_SEAL_CRON=" */5  * * * * ", AMANA_JOBS_REMINDERS_CRON="off")
    assert (config.jobs_seal_cron, config.jobs_reminders_cron) == ("*/5 * * * *", "")


@pytest.mark.parametrize("bad", ["every minute", "61 * * * *", "* * * *", "0 0 * * * *"])
def test_denied_twin_a_malformed_schedule_is_one_line_naming_the_variable(tmp_path, bad):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, AMANA_JOBS_REMINDERS_CRON=bad)
    message = str(error.value)
    assert message.startswith("AMANA_JOBS_REMINDERS_CRON: expected five cron fields")
    assert "\n" not in message
