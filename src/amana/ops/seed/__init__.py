"""`amana seed`: realistic synthetic multi-agency case data, at any scale, for benchmarks.

Deterministic for a seed: the same ``--cases`` and ``--seed`` give the same children, names,
dates, identifiers, people, cases and case numbers (on a database without earlier cases),
whatever the batch size. Dates are relative to the day of the run (registrations over the three
years before it, next due dates within 30 days either side of it). Primary keys and ciphertexts
are random: the field encryption uses a fresh nonce for every value.

What is created:

- reference data when absent: the demo agencies (`amana/ops/demo/agencies.yaml`, with their case
  prefixes), a location hierarchy (country → 3 camps → 20 blocks each), the protection
  concern and nationality lookups, and seeded staff: caseworkers ``seed-<agency>-cw<k>`` (one
  per `caseload` cases of the agency, at least 3) and supervisors ``seed-<agency>-sup<k>`` (one
  per 8 caseworkers), with unusable passwords;
- per case: a child with a full name from one of seven origins (Arabic names in their many
  Latin spellings, about a third also written in Arabic script under "other names"; Somali,
  South Sudanese, Congolese, Afghan, Rohingya, Eritrean/Ethiopian), date of birth (age 0-17),
  sex, nationality, an individual registration number for about 60%, phone, address; 1-3
  related people (parents, relatives; one of them the caregiver unless the child is
  unaccompanied); name tokens; the case (85% open, at a spread of stages, 15% closed), its risk
  level, 1-3 protection concerns, location (a camp block), caseworker assignment, supervisor,
  and for an open case the task it waits on. About 2% are the same child registered again,
  spelt differently, often by another agency: the possible duplicates the registration check
  is for.

One transaction per batch (5,000 cases by default), one progress line per batch. On
PostgreSQL the rows go in with COPY, each encrypted value sealed exactly as
`EncryptedTextField.pre_save` seals it; elsewhere with `bulk_create`, whose `pre_save` does
the encryption (the row's UUID is set before the insert in both cases).

Measured (2 CPUs, PostgreSQL on the same machine): 1,000,000 cases, 10.55 million rows and
7.4 million encrypted values in 641 s: 1,559 cases/s, 16,454 rows/s; 2.9 GB of database.
Encryption is about 9% of that (7.8 µs a value); the database's index and foreign-key work is
most of the rest. With `bulk_create` on PostgreSQL the same runs at about half the speed.

The modules: `names` and `mix` (the word lists of `data/` and the proportions), `reference`
(agencies, staff, places, lookups), `planner` (each case as plain values, pure), `writer` (one
batch in one transaction) and `run` (`run_seed`, what the command calls).
"""

from amana.ops.seed.mix import (
    CONCERNS,
    COUNTRY_CODE,
    DEFAULT_BATCH,
    DEFAULT_CASELOAD,
)
from amana.ops.seed.planner import CasePlan, Planner
from amana.ops.seed.reference import Reference, ensure_reference, staff_counts
from amana.ops.seed.run import SeedResult, plans, run_seed, today_start

__all__ = [
    "CONCERNS",
    "COUNTRY_CODE",
    "DEFAULT_BATCH",
    "DEFAULT_CASELOAD",
    "CasePlan",
    "Planner",
    "Reference",
    "SeedResult",
    "ensure_reference",
    "plans",
    "run_seed",
    "staff_counts",
    "today_start",
]
