"""The health endpoint: JSON for load balancers, no login, honest about the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from amana import __version__
from amana.core import views

pytestmark = pytest.mark.django_db


def test_health_reports_ok_with_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "version": __version__}
    assert "no-store" in response["Cache-Control"]


def test_health_answers_head_for_probes(client):
    assert client.head("/health").status_code == 200


def test_health_refuses_writes(client):
    assert client.post("/health").status_code == 405


def test_health_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["status"] == "degraded"
