"""The referral pages say whether a protocol is in force, in its interim, or over."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amana.protocol.bench import demo_protocol_path
from amana.protocols.actions import load_protocol_file
from amana.protocols.models import ProtocolVersion
from tests.referrals.test_views import make_world

pytestmark = pytest.mark.django_db


def _load_interim(tmp_path: Path, started_days_ago: int) -> None:
    """A draft of the demo protocol, not yet in force, case management started some days ago —
    the only protocol stored (a signed one in force would be chosen over the draft)."""
    ProtocolVersion.objects.all().delete()
    document = yaml.safe_load(demo_protocol_path().read_text(encoding="utf-8"))
    document["id"] = "demo-draft"
    document["effective_from"] = None
    started = timezone.localdate() - timedelta(days=started_days_ago)
    document["case_management_started_on"] = started.isoformat()
    document["dpia_completed_on"] = started.isoformat()
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    load_protocol_file(str(path), actor=None)


def _refer_page(world) -> str:
    client = Client()
    client.force_login(world.worker)
    response = client.get(reverse("referrals:refer", args=[world.case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_refer_page_says_the_protocol_is_in_force():
    world = make_world()
    page = _refer_page(world)
    assert "Protocol in force" in page
    assert "sharing has stopped" not in page


def test_the_refer_page_shows_the_interim_period_and_its_last_day(tmp_path):
    world = make_world()
    _load_interim(tmp_path, started_days_ago=10)
    last_day = timezone.localdate() - timedelta(days=10) + timedelta(days=92)
    page = _refer_page(world)
    assert "interim period, until" in page
    assert last_day.isoformat() in page


def test_after_the_interim_the_refer_page_says_sharing_has_stopped(tmp_path):
    world = make_world()
    _load_interim(tmp_path, started_days_ago=200)
    page = _refer_page(world)
    assert "The interim period is over: sharing has stopped." in page
    assert "Protocol in force" not in page
