"""Simulated staff for `amana bench load` (locust, headless; run by `amana.ops.bench.load`).

Each simulated user logs in once with a seeded account (`AMANA_LOAD_PLAN`, written by
`plan.py`) and keeps its session for the whole run, then works through a day's mix, pausing
2-8 s between actions. Caseworkers (nine in ten): their open cases, what is due, a name
search, case pages, a follow-up form saved as a draft, a referral (to the services planned
for them, consent recorded beforehand), the referral inbox and the home page. Supervisors:
the team list, case pages, what is due, the approvals list and the report page (which reads
from the replica). Every request is written as one JSON line to `AMANA_LOAD_RECORDS`, and
every write that succeeded with what it created, so the run can be checked against the
database afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["AMANA_LOAD_PLAN"]).read())  # noqa: SIM115
RECORDS = open(os.environ["AMANA_LOAD_RECORDS"], "a", buffering=1)  # noqa: SIM115
CASE_LINK = re.compile(r'href="/cases/([0-9a-f-]{36})/"')
FORM_RECORD = re.compile(r"/cases/[0-9a-f-]{36}/forms/follow_up/([0-9a-f-]{36})/")
_caseworkers = itertools.cycle(PLAN["caseworkers"])
_supervisors = itertools.cycle(PLAN["supervisors"])


def record(line: dict[str, Any]) -> None:
    RECORDS.write(json.dumps(line) + "\n")


def _on_request(**event: Any) -> None:
    exception = event.get("exception")
    record(
        {
            "t": event["start_time"],
            "ms": event["response_time"],
            "name": event["name"],
            "method": event["request_type"],
            "status": getattr(event.get("response"), "status_code", 0) or 0,
            "ok": exception is None,
            "error": str(exception)[:200] if exception else "",
        }
    )


events.request.add_listener(_on_request)  # type: ignore[no-untyped-call]


class Staff(HttpUser):
    abstract = True
    wait_time = between(2, 8)
    accounts: Any = None

    def on_start(self) -> None:
        self.account = next(self.accounts)
        self.cases: list[str] = []
        while not self._login():
            time.sleep(random.uniform(2, 8))

    def _csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    def _login(self) -> bool:
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": self._csrf(),
                "username": self.account["username"],
                "password": PLAN["password"],
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as reply:
            if reply.status_code != 302:
                reply.failure(f"log-in refused: {reply.status_code}")
                return False
        record({"login": self.account["username"]})
        return True

    def _remember_cases(self, html: str) -> None:
        found = CASE_LINK.findall(html)
        if found:
            self.cases = list(dict.fromkeys(found))[:100]

    def _list(self, url: str, name: str) -> None:
        reply = self.client.get(url, name=name)
        if reply.status_code == 200:
            self._remember_cases(reply.text)

    def _case_id(self) -> str | None:
        return random.choice(self.cases) if self.cases else None

    def open_case(self) -> None:
        case_id = self._case_id()
        if case_id:
            self.client.get(f"/cases/{case_id}/", name="case page")

    @task(1)
    def due(self) -> None:
        self.client.get("/cases/due/", name="due list")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home")


class Caseworker(Staff):
    weight = 9
    accounts = _caseworkers

    def on_start(self) -> None:
        super().on_start()
        self.referrals = list(self.account["referrals"])
        self._list("/cases/?status=open", "case list")

    @task(4)
    def my_cases(self) -> None:
        page = random.choice(("", "", "&page=2", "&risk=high"))
        self._list(f"/cases/?status=open{page}", "case list")

    @task(2)
    def search(self) -> None:
        self.client.post(
            "/cases/",
            data={"csrfmiddlewaretoken": self._csrf(), "q": random.choice(PLAN["names"])},
            name="search",
        )

    @task(6)
    def case_page(self) -> None:
        self.open_case()

    @task(2)
    def save_form(self) -> None:
        case_id = self._case_id()
        if not case_id:
            return
        url = f"/cases/{case_id}/forms/follow_up/"
        if self.client.get(url, name="form page").status_code != 200:
            return
        with self.client.post(
            url,
            data=self._follow_up(),
            name="form save",
            allow_redirects=False,
            catch_response=True,
        ) as reply:
            found = FORM_RECORD.search(reply.headers.get("Location", ""))
            if reply.status_code != 302 or not found:
                reply.failure(f"form not saved: {reply.status_code}")
                return
        record({"write": "form", "id": found.group(1), "case": case_id})
        self.client.get(reply.headers["Location"], name="form record page")

    def _follow_up(self) -> dict[str, Any]:
        return {
            "csrfmiddlewaretoken": self._csrf(),
            "follow_up_date": time.strftime("%Y-%m-%d"),
            "contact_type": random.choice(("home_visit", "office_visit", "phone")),
            "child_seen": random.choice(("yes", "no")),
            "risk_level": random.choice(("high", "medium", "low")),
            "plan_progress": "Attends school again; sleeps better; caregiver engaged.",
            "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0",
            "services-MIN_NUM_FORMS": "0",
            "services-MAX_NUM_FORMS": "1000",
            "action": "draft",
        }

    @task(1)
    def refer(self) -> None:
        if not self.referrals:
            self.open_case()
            return
        item = self.referrals.pop()
        url = f"/referrals/cases/{item['case_id']}/new/"
        self.client.get(f"{url}?service={item['service']}", name="referral page")
        data = {
            "csrfmiddlewaretoken": self._csrf(),
            "service": item["service"],
            "elements": item["elements"],
            "legal_basis": item["legal_basis"],
            "label": item["label"],
            "contact_method": item["contact_method"],
            "step": "send",
            **item["written"],
        }
        with self.client.post(
            url, data=data, name="referral send", allow_redirects=False, catch_response=True
        ) as reply:
            if reply.status_code == 200:  # the protocol refused it: shown, nothing sent
                record({"refused": "referral", "case": item["case_id"]})
                return
            if reply.status_code != 302:
                reply.failure(f"referral not sent: {reply.status_code}")
                return
        record({"write": "referral", "case": item["case_id"]})
        self.client.get(reply.headers["Location"].split("#")[0], name="case page")

    @task(1)
    def inbox(self) -> None:
        self.client.get("/referrals/inbox/", name="inbox")


class Supervisor(Staff):
    weight = 1
    accounts = _supervisors

    def on_start(self) -> None:
        super().on_start()
        self._list("/cases/team/", "team list")

    @task(3)
    def team(self) -> None:
        page = random.choice(("", "", "?page=2", "?due=overdue"))
        self._list(f"/cases/team/{page}", "team list")

    @task(3)
    def case_page(self) -> None:
        self.open_case()

    @task(1)
    def approvals(self) -> None:
        self.client.get("/cases/approvals/", name="approvals")

    @task(1)
    def report(self) -> None:
        self.client.get("/reports/", name="report")
