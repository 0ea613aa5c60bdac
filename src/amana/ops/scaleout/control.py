"""`start`, `status` and `stop` of a scale-out on loopback (see `amana.ops.scaleout`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from amana.ops.scaleout import postgres, proxy
from amana.ops.scaleout.layout import (
    Layout,
    amana_argv,
    clean_environ,
    free_port,
    worker_available,
)
from amana.ops.scaleout.postgres import ScaleOutError, Server, pid_alive

APP_ENV = "demo"  # plain HTTP on loopback, 2FA off; the hasher is production's (PBKDF2)
STARTUP_SECONDS = 90.0
COLLECT = (
    "from amana.core.management.commands.serve import collect_static_if_stale; "
    "collect_static_if_stale()"
)
Say = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
            return bool(reply.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _wait_healthy(ports: list[int], what: str, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(ports)
    while waiting and time.monotonic() < deadline:
        waiting = [port for port in waiting if not _health(port)]
        if waiting:
            time.sleep(0.3)
    if waiting:
        raise ScaleOutError(f"{what} on port(s) {waiting} not healthy after {timeout:.0f} s")


def app_environment(layout: Layout, primary: Server, replica: Server) -> dict[str, str]:
    return {
        "AMANA_ENV": APP_ENV,
        "AMANA_VAR_DIR": str(layout.var),
        "DATABASE_URL": primary.url(),
        "AMANA_MIGRATE_DATABASE_URL": primary.url(owner=True),  # `migrate` only
        "AMANA_REPLICA_DATABASE_URL": replica.url(),
        "AMANA_TRUSTED_PROXY": "127.0.0.1",
        "AMANA_SCALEOUT_DIR": str(layout.root),
    }


def _run_amana(layout: Layout, env: dict[str, str], name: str, *args: str) -> None:
    with (layout.logs / f"{name}.log").open("ab") as log:
        done = subprocess.run(  # noqa: S603 - our own argv
            amana_argv(*args),
            env={**clean_environ(), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            cwd=layout.root,
        )
    if done.returncode != 0:
        raise ScaleOutError(f"amana {' '.join(args)} failed (see {layout.logs / name}.log)")


def _prepare_dirs(layout: Layout) -> None:
    for path in (layout.root, layout.logs, layout.run, layout.var, layout.pg):
        path.mkdir(parents=True, exist_ok=True)
    layout.root.chmod(0o755)
    layout.pg.chmod(0o700)
    postgres.give_to_pg_user(layout.pg)
    for name in ("primary", "replica"):
        log = layout.pg / f"{name}.log"
        log.touch()
        postgres.give_to_pg_user(log)


def _start_databases(layout: Layout, bindir: Path, say: Say) -> tuple[Server, Server]:
    primary = layout.server("primary", free_port())
    replica = layout.server("replica", free_port(), primary.port)
    if (primary.data / "PG_VERSION").exists():
        say(f"primary: reusing {primary.data}")
        primary.start(bindir)
    else:
        say(f"primary: initdb on port {primary.port}")
        postgres.init_primary(bindir, primary)
    if not (replica.data / "PG_VERSION").exists():
        say("replica: pg_basebackup -R from the primary")
        postgres.init_replica(bindir, primary, replica)
    replica.start(bindir)
    postgres.wait_streaming(primary)
    say(f"replica: streaming on port {replica.port}")
    return primary, replica


def start(
    root: Path,
    *,
    apps: int = 2,
    threads: int = 8,
    proxy_port: int = 0,
    install: bool = True,
    say: Say = _quiet,
) -> dict[str, Any]:
    """Start everything; return the state (ports, environment, programs)."""
    layout = Layout(root)
    if layout.read_state() and _supervisor_pid(layout):
        raise ScaleOutError(f"a scale-out is already running in {root} (stop it first)")
    bindir = postgres.pg_bindir()
    nginx = proxy.find_nginx(install)
    _prepare_dirs(layout)
    try:
        return _start(layout, bindir, nginx, apps=apps, threads=threads, port=proxy_port, say=say)
    except BaseException:
        # Nothing left running; the directory stays, with its logs, until `stop`.
        stop_processes(layout)
        raise


def _start(
    layout: Layout, bindir: Path, nginx: Path, *, apps: int, threads: int, port: int, say: Say
) -> dict[str, Any]:
    state: dict[str, Any] = {"bindir": str(bindir), "started_at": time.time()}
    layout.write_state(state)
    primary, replica = _start_databases(layout, bindir, say)
    state["primary_port"], state["replica_port"] = primary.port, replica.port
    layout.write_state(state)
    env = app_environment(layout, primary, replica)
    say("migrate")
    _run_amana(layout, env, "migrate", "migrate", "--noinput", "-v", "0")
    # Collected once here: app processes starting together must not collect at the same time.
    _run_amana(layout, env, "collectstatic", "manage", "shell", "-c", COLLECT)
    app_ports = [free_port() for _i in range(apps)]
    programs = {
        f"app{n}": [
            *amana_argv("serve", "--host", "127.0.0.1", "--port", str(port)),
            "--threads",
            str(threads),
        ]
        for n, port in enumerate(app_ports, start=1)
    }
    worker = worker_available()
    if worker:
        programs["worker"] = amana_argv("worker")
    state.update(env=env, programs=programs, app_ports=app_ports, worker=worker)
    layout.write_state(state)
    _start_supervisor(layout)
    _wait_healthy(app_ports, "app processes")
    say(f"app processes: {', '.join(str(p) for p in app_ports)}")
    state["proxy_port"] = port or free_port()
    state["nginx"] = str(nginx)
    layout.write_state(state)
    proxy.start_nginx(nginx, layout.nginx, state["proxy_port"], app_ports, layout.access_log)
    _wait_healthy([state["proxy_port"]], "proxy")
    say(f"proxy: http://127.0.0.1:{state['proxy_port']}/")
    say("worker: amana worker" if worker else "worker: not started (no `amana worker` here)")
    return state


def _start_supervisor(layout: Layout) -> None:
    (layout.logs / "supervisor.log").unlink(missing_ok=True)
    out = (layout.logs / "supervisor.out").open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own argv
        [sys.executable, "-m", "amana.ops.scaleout.supervisor", str(layout.root)],
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=layout.root,
    )
    out.close()
    layout.supervisor_pid.write_text(f"{process.pid}\n")


def _supervisor_pid(layout: Layout) -> int | None:
    pid = layout.pid_of("supervisor")
    return pid if pid and pid_alive(pid) else None


def _wait_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = [pid for pid in pids if pid_alive(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        _reap(alive)
        alive = [pid for pid in alive if pid_alive(pid)]
    return alive


def _reap(pids: list[int]) -> None:
    """Collect our own exited children (a zombie still answers to kill 0)."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue


def _signal(pid: int | None, signum: int) -> None:
    if pid:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            return


def stop(root: Path, *, keep_data: bool = False, say: Say = _quiet) -> list[int]:
    """Stop everything and remove the directory (with `keep_data`, the databases and the
    keys under var/ stay).
    Returns the process ids still alive afterwards (none, when the stop was clean)."""
    layout = Layout(root)
    leftovers = stop_processes(layout, say)
    _remove(layout, keep_data)
    return leftovers


def stop_processes(layout: Layout, say: Say = _quiet) -> list[int]:
    """The proxy, the supervisor with its programs, then the replica and the primary."""
    state = layout.read_state() or {}
    nginx_pid = proxy.nginx_pid(layout.nginx)
    _signal(nginx_pid, signal.SIGQUIT)
    supervisor = _supervisor_pid(layout)
    _signal(supervisor, signal.SIGTERM)
    children = [pid for name in state.get("programs", {}) if (pid := layout.pid_of(name))]
    leftovers = _wait_gone([p for p in (nginx_pid, supervisor) if p] + children, 30)
    for pid in leftovers:
        _signal(pid, signal.SIGKILL)
    leftovers = _wait_gone(leftovers, 5)
    bindir = Path(state.get("bindir") or postgres.pg_bindir())
    for name in ("replica", "primary"):
        server = layout.server(name, 0)
        if server.running():
            say(f"stopping the {name}")
            server.stop(bindir)
    return leftovers


def _remove(layout: Layout, keep_data: bool) -> None:
    if not layout.root.exists():
        return
    if not keep_data:
        postgres.remove_tree(layout.root)
        return
    for child in layout.root.iterdir():
        if child not in (layout.pg, layout.var):  # the data, and the keys it is sealed with
            if child.is_dir():
                postgres.remove_tree(child)
            else:
                child.unlink(missing_ok=True)


def status(root: Path) -> dict[str, Any]:
    layout = Layout(root)
    state = layout.read_state()
    if state is None:
        return {"running": False, "dir": str(root)}
    programs = {
        name: {
            "pid": layout.pid_of(name),
            "alive": bool((pid := layout.pid_of(name)) and pid_alive(pid)),
        }
        for name in state.get("programs", {})
    }
    primary = layout.server("primary", state.get("primary_port", 0))
    replication: list[dict[str, object]] | str
    try:
        replication = postgres.replication_state(primary) if primary.running() else "down"
    except Exception as exc:
        replication = f"unavailable: {exc.__class__.__name__}"
    proxy_port = state.get("proxy_port")
    return {
        "running": bool(_supervisor_pid(layout)),
        "dir": str(root),
        "proxy": f"http://127.0.0.1:{proxy_port}/" if proxy_port else None,
        "proxy_healthy": bool(proxy_port and _health(proxy_port)),
        "primary": {"port": primary.port, "running": primary.running()},
        "replica": {
            "port": state.get("replica_port"),
            "running": layout.server("replica", 0).running(),
        },
        "replication": replication,
        "programs": programs,
        "worker": state.get("worker", False),
        "restarts": _restarts(layout),
        "env": state.get("env", {}),
    }


def _restarts(layout: Layout) -> dict[str, int]:
    try:
        lines = (layout.logs / "supervisor.log").read_text().splitlines()
    except OSError:
        return {}
    starts: dict[str, int] = {}
    for line in lines:
        parts = line.split()
        if len(parts) > 2 and parts[1] == "started":
            starts[parts[2]] = starts.get(parts[2], 0) + 1
    return {name: count - 1 for name, count in starts.items()}
