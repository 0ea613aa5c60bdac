"""`amana scaleout start|status|stop`: Amana scaled out on one machine, on loopback.

What `start` brings up, under one directory (`--dir`, default /tmp/amana-scaleout):

- a PostgreSQL primary and a streaming replica made from it with `pg_basebackup -R` (the
  PostgreSQL server binaries under /usr/lib/postgresql/*/bin or `AMANA_PG_BINDIR`; run as
  the `postgres` OS user when started as root), the migrations run on the primary;
- two `amana serve` app processes (waitress; `--apps` for another number) and, when this
  Amana has it, the job worker `amana worker`, all kept running by a small supervisor that
  starts again any that dies (`supervisor.py`);
- nginx in front of the app processes, round robin, skipping one that refuses connections
  (installed with apt-get when missing and run as root; `--no-install` to refuse).

The app processes run with `AMANA_ENV=demo` (plain HTTP on loopback, the production password
hasher, no second factor), `DATABASE_URL` on the primary as the application role, which owns
nothing (`AMANA_MIGRATE_DATABASE_URL`, the owner role, is for `migrate`),
`AMANA_REPLICA_DATABASE_URL` on the replica (reports read there: `amana.core.dbrouter`) and
the proxy as `AMANA_TRUSTED_PROXY`; none of the caller's own Amana settings are passed on.
The keys are generated once under DIR/var and shared by every process.

`stop` ends everything it started — proxy, supervisor and its programs, replica, primary —
and removes the directory (`--keep-data` keeps the two database clusters and the keys under
var/, which the next `start` on the same directory reuses). A loopback tool for trying and
measuring the layout; docs/deployment.md describes the same layout on real machines.

Nothing here imports Django: the parts are separate processes.
"""
