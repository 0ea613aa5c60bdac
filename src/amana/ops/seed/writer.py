"""Writing: one transaction per batch.

Each batch becomes rows (attribute name → value, plaintext in the encrypted fields), written by
`bulk_create`, whose `EncryptedTextField.pre_save` encrypts them, or on PostgreSQL by COPY,
about twice as fast, encrypting each value exactly as the field does: with the active key,
for this table, column and row (`EncryptedTextField.context_for_row`).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from amana.accounts.models import User
from amana.cases.models import (
    Case,
    CaseAssignment,
    CaseNumberCounter,
    Child,
    NameToken,
    RelatedPerson,
    Task,
)
from amana.cases.names import CAREGIVER_PURPOSE, PURPOSE, name_keys
from amana.cases.search import ID_PURPOSE
from amana.crypto.fields import EncryptedTextField
from amana.crypto.keys import index_for, keyring
from amana.ops.seed.mix import CASEWORKERS_PER_SUPERVISOR, STAGE_TASK
from amana.ops.seed.planner import CasePlan
from amana.ops.seed.reference import Reference

Row = dict[str, Any]
SEEDED_MODELS: tuple[type[Model], ...] = (
    Child,
    NameToken,
    RelatedPerson,
    Case,
    Case.concerns.through,
    CaseAssignment,
    Task,
)


@cache
def _token(purpose: str, key: str) -> str:
    return index_for(purpose, key)


@lru_cache(maxsize=200_000)
def _keys(full_name: str) -> tuple[str, ...]:
    return tuple(name_keys(full_name))


def child_tokens(full_name: str, other_names: str) -> list[str]:
    keys = set(_keys(full_name)) | set(_keys(other_names))
    return sorted({_token(PURPOSE, key) for key in keys})


def person_token(full_name: str) -> str:
    keys = _keys(full_name)
    return _token(CAREGIVER_PURPOSE, keys[0]) if keys else ""


def _case_numbers(plans: list[CasePlan], reference: Reference) -> list[str]:
    """Next numbers per agency and registration year, from the locked counters."""
    years = Counter((plan.agency, timezone.localtime(plan.registered_at).year) for plan in plans)
    last: dict[tuple[str, int], int] = {}
    for (slug, year), count in sorted(years.items()):
        agency = reference.agencies[slug]
        counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(
            agency=agency, year=year
        )
        last[(slug, year)] = counter.last
        counter.last += count
        counter.save(update_fields=["last"])
    numbers = []
    for plan in plans:
        agency = reference.agencies[plan.agency]
        year = timezone.localtime(plan.registered_at).year
        last[(plan.agency, year)] += 1
        prefix = agency.case_prefix or agency.slug.upper()
        numbers.append(f"{prefix}-{year}-{last[(plan.agency, year)]:06d}")
    return numbers


def _staff(plan: CasePlan, reference: Reference) -> tuple[User, User]:
    """The plan's caseworker, and the supervisor of that caseworker's team."""
    workers = reference.caseworkers[plan.agency]
    supervisors = reference.supervisors[plan.agency]
    position = plan.caseworker % len(workers)
    team = position // CASEWORKERS_PER_SUPERVISOR
    return workers[position], supervisors[team % len(supervisors)]


@dataclass
class BatchRows:
    """The rows of one batch, per model, in insertion order."""

    tables: dict[type[Model], list[Row]] = field(default_factory=dict)

    def add(self, model: type[Model], row: Row) -> None:
        self.tables.setdefault(model, []).append(row)

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def batch_rows(plans: list[CasePlan], numbers: list[str], reference: Reference) -> BatchRows:
    out = BatchRows({model: [] for model in SEEDED_MODELS})
    updated = timezone.now()
    for plan, number in zip(plans, numbers, strict=True):
        agency = reference.agencies[plan.agency]
        worker, supervisor = _staff(plan, reference)
        child_id, case_id = uuid.uuid4(), uuid.uuid4()
        out.add(
            Child,
            {
                "id": child_id,
                "agency_id": agency.pk,
                "full_name": plan.full_name,
                "other_names": plan.other_names,
                "date_of_birth": plan.date_of_birth,
                "birth_year": plan.birth_year,
                "sex": plan.sex,
                "nationality": plan.nationality,
                "individual_id": plan.individual_id,
                "individual_id_index": (
                    index_for(ID_PURPOSE, plan.individual_id) if plan.individual_id else ""
                ),
                "contact_phone": plan.phone,
                "address": plan.address,
                "created_at": plan.registered_at,
            },
        )
        for token in child_tokens(plan.full_name, plan.other_names):
            out.add(NameToken, {"child_id": child_id, "token": token})
        for person in plan.people:
            out.add(
                RelatedPerson,
                {
                    "id": uuid.uuid4(),
                    "child_id": child_id,
                    "relationship": person.relationship,
                    "full_name": person.full_name,
                    "contact_phone": person.phone,
                    "is_caregiver": person.is_caregiver,
                    "lives_with_child": person.lives_with_child,
                    "name_token": person_token(person.full_name),
                },
            )
        out.add(
            Case,
            {
                "id": case_id,
                "case_number": number,
                "agency_id": agency.pk,
                "child_id": child_id,
                "status": plan.status,
                "stage": plan.stage,
                "risk_level": plan.risk_level,
                "care_arrangement": plan.care_arrangement,
                "location_id": reference.blocks[plan.block][0].pk,
                "is_refugee": plan.is_refugee,
                "best_interests_status": plan.best_interests_status,
                "supervisor_id": supervisor.pk,
                "registered_at": plan.registered_at,
                "next_due_at": plan.next_due_at,
                "closed_at": plan.closed_at,
                "closure_reason": plan.closure_reason,
                "received_at": None,  # seeded cases are registered, never received by transfer
                "updated_at": updated,
                "version": 1,
            },
        )
        for code in plan.concerns:
            lookup = reference.concerns[code].pk
            out.add(Case.concerns.through, {"case_id": case_id, "lookup_id": lookup})
        out.add(
            CaseAssignment,
            {
                "case_id": case_id,
                "user_id": worker.pk,
                "role": CaseAssignment.Role.CASEWORKER,
                "assigned_at": plan.registered_at,
            },
        )
        if plan.next_due_at is not None:
            kind = STAGE_TASK[plan.stage]
            assignee = supervisor if kind == Task.Kind.APPROVAL else worker
            out.add(
                Task,
                {
                    "case_id": case_id,
                    "kind": kind,
                    "due_at": plan.next_due_at,
                    "assigned_to_id": assignee.pk,
                    "done_at": None,
                },
            )
    return out


def _columns(model: type[Model]) -> list[Field[Any, Any]]:
    """Every stored column but a database-generated primary key."""
    return [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]


def _copy(model: type[Model], rows: list[Row]) -> None:
    """PostgreSQL COPY, encrypting the encrypted fields as `EncryptedTextField.pre_save` does."""
    fields = _columns(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    pk = model._meta.pk
    assert pk is not None
    ring = keyring()
    plan = [(f.attname, f if isinstance(f, EncryptedTextField) else None) for f in fields]
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for attname, encrypted in plan:
                value = row[attname]
                if encrypted is not None and value:
                    value = ring.encrypt(value, encrypted.context_for_row(row[pk.attname]))
                values.append(value)
            copy.write_row(values)


def _bulk_create(model: type[Model], rows: list[Row]) -> None:
    model._default_manager.bulk_create([model(**row) for row in rows], batch_size=2000)


@transaction.atomic
def write_batch(plans: list[CasePlan], reference: Reference) -> tuple[int, list[str]]:
    """Insert one batch in one transaction; the number of rows and the case numbers."""
    numbers = _case_numbers(plans, reference)
    rows = batch_rows(plans, numbers, reference)
    insert = _copy if connection.vendor == "postgresql" else _bulk_create
    for model, table in rows.tables.items():
        if table:
            insert(model, table)
    return rows.count, numbers
