"""Background jobs on procrastinate (PostgreSQL) — docs/architecture.md, "Background jobs".

An app declares its jobs with `amana.jobs.registry.job` in its own `jobs.py`; an action
enqueues one with `amana.jobs.queue.enqueue` inside its transaction; `amana worker` runs them
and the periodic ones. On SQLite (the demo) the same jobs run in the web process after the
commit. A job that fails its last attempt stays in the dead-letter list (`deadletters`).

This package sits low in the layers (just above `amana.audit`) so that every app's actions
can enqueue; the jobs of the apps below it (audit sealing) are declared in `amana.jobs.jobs`.
"""
