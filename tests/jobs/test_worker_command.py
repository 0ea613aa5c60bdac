"""`amana worker` from the command line: on PostgreSQL it runs committed jobs until SIGTERM,
then stops cleanly (exit 0); on SQLite it refuses with one line (exit 2)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction
from procrastinate.contrib.django.models import ProcrastinateJob

from amana.jobs.queue import enqueue
from amana.jobs.registry import task_named
from tests.dbroles import postgresql_urls
from tests.jobs.helpers import postgresql_only

AMANA = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "amana"
pytestmark = pytest.mark.slow


def _postgresql_env() -> dict[str, str]:
    return {**os.environ, **postgresql_urls(), "AMANA_ENV": "test"}


def _until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_on_sqlite_the_worker_refuses_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMANA_", "DATABASE_URL"))}
    env |= {"AMANA_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"}
    done = subprocess.run(
        [str(AMANA), "worker"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert "needs PostgreSQL" in line and "in-process" in line


@pytest.mark.postgres
@postgresql_only("the worker's queue")
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_job_and_stops_cleanly_on_sigterm(empty_queue, tmp_path):
    with transaction.atomic():
        job_id = enqueue(task_named("audit.seal"), timestamp=0)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [str(AMANA), "worker"], env=_postgresql_env(), stdout=out, stderr=subprocess.STDOUT
        )
        try:
            ran = _until(lambda: not ProcrastinateJob.objects.filter(pk=job_id).exists(), 60)
            worker.send_signal(signal.SIGTERM)
            code = worker.wait(timeout=60)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    output = log.read_text()
    assert ran, output
    assert code == 0, output
    assert "amana worker: started; periodic jobs: audit.seal (* * * * *)" in output
    assert output.rstrip().endswith("amana worker: stopped"), output
