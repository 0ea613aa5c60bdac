"""What the simulated staff need before the run, written to a JSON file for the locustfile:
accounts with a known password, the referrals each caseworker may send (consent recorded
beforehand, as `amana bench referrals` does), and names to search for."""

from __future__ import annotations

import math
import random
import secrets
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from amana.accounts.models import User
from amana.accounts.roles import Role
from amana.ops.bench.referrals import prepare
from amana.ops.seed import names
from amana.ops.seed.logins import give_seeded_staff_a_password
from amana.referrals.presenters import WRITTEN

SUPERVISOR_SHARE = 0.1  # one simulated user in ten is a supervisor
REFERRALS_PER_CASEWORKER = 2
SEARCH_NAMES = 120
# The page asks for the text of every written element ticked; the action alone does not.
WRITTEN_TEXT = "Written for this referral: what the service needs to know to start."


@dataclass
class Account:
    username: str
    referrals: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Plan:
    password: str
    caseworkers: list[Account]
    supervisors: list[Account]
    names: list[str]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def split_users(users: int) -> tuple[int, int]:
    """How many simulated caseworkers and supervisors (at least one of each from 2 users)."""
    supervisors = max(1, round(users * SUPERVISOR_SHARE)) if users > 1 else 0
    return users - supervisors, supervisors


def caseload_for(cases: int, users: int) -> int:
    """A seed caseload that gives at least as many seeded caseworkers as simulated ones."""
    caseworkers, _supervisors = split_users(users)
    return max(1, math.floor(cases / max(1, caseworkers) / 1.1))


def _usernames(role: str) -> list[str]:
    return list(
        User.objects.filter(username__startswith="seed-", is_active=True, role_grants__role=role)
        .order_by("username")
        .values_list("username", flat=True)
    )


def _referral_items(count: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    by_user: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for planned in prepare(count, seed):
        data = planned.data
        by_user[planned.actor.username].append(
            {
                "case_id": str(planned.case_id),
                "service": data.service,
                "elements": list(data.elements),
                "legal_basis": data.legal_basis,
                "label": data.label,
                "contact_method": data.contact_method,
                "written": {
                    name: data.written.get(name) or WRITTEN_TEXT
                    for name in WRITTEN
                    if name in data.elements or name in data.written
                },
                "consent": planned.consent,
            }
        )
    return by_user


def _search_names(rng: random.Random) -> list[str]:
    pool = [spec.spellings[0] for spec in names.ARABIC_MALE + names.ARABIC_FEMALE]
    pool += [spec.spellings[0] for spec in names.SOMALI_MALE + names.CONGOLESE_FEMALE]
    pool += [spec.spellings[0] for spec in names.AFGHAN_FAMILY + names.ARABIC_FAMILY]
    return rng.sample(pool, min(SEARCH_NAMES, len(pool)))


def make_plan(users: int, seed: int) -> Plan:
    """Accounts for `users` simulated staff; raises LookupError when the seeded database has
    too few staff."""
    wanted_cw, wanted_sup = split_users(users)
    caseworkers, supervisors = _usernames(Role.CASEWORKER), _usernames(Role.SUPERVISOR)
    if len(caseworkers) < wanted_cw or len(supervisors) < wanted_sup:
        raise LookupError(
            f"{len(caseworkers)} seeded caseworkers and {len(supervisors)} supervisors; "
            f"{wanted_cw} and {wanted_sup} needed: seed with a smaller --caseload"
        )
    password = secrets.token_urlsafe(18)
    give_seeded_staff_a_password(password)
    referrals = _referral_items(wanted_cw * REFERRALS_PER_CASEWORKER, seed)
    # Caseworkers with referrals to send first, then the others, up to the number wanted.
    chosen = sorted(caseworkers, key=lambda name: (name not in referrals, name))[:wanted_cw]
    rng = random.Random(seed)
    return Plan(
        password=password,
        caseworkers=[Account(name, referrals.get(name, [])) for name in chosen],
        supervisors=[Account(name) for name in supervisors[:wanted_sup]],
        names=_search_names(rng),
    )
