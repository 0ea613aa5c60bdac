"""The proxy in front of the app processes: nginx from the distribution, round robin.

A process that refuses connections (killed, restarting) is skipped: nginx passes the request
to the next one (`proxy_next_upstream error timeout`) and leaves the dead one out for
`fail_timeout`. A request already sent to a process that dies is not retried when it is not
idempotent (a POST): it fails with 502, and only those in flight at that moment do. The
access log records, per request, which app process answered and how long it took.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

from amana.ops.scaleout.postgres import ScaleOutError, pid_alive

NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
# "|"-separated (the URI last): a request nginx passed on to a second process after the first
# failed lists both addresses in $upstream_addr, ", "-separated.
LOG_FORMAT = (
    "$msec|$upstream_addr|$status|$request_time|$upstream_response_time|$request_method $uri"
)
TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


def find_nginx(install: bool) -> Path:
    """nginx on PATH or in the usual places; installed with apt when missing and allowed."""
    found = shutil.which("nginx") or next(
        (path for path in NGINX_CANDIDATES if Path(path).is_file()), None
    )
    if found:
        return Path(found)
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "nginx"]):
            subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)  # noqa: S603
        return find_nginx(install=False)
    raise ScaleOutError("nginx not found: install it (apt-get install nginx) or put it on PATH")


def config_text(root: Path, port: int, upstreams: list[int], access_log: Path) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstreams
    )
    temps = "\n".join(
        f"    {'client_' if name == 'body' else ''}{name}_temp_path {root / 'tmp' / name};"
        for name in TEMP_DIRS
    )
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
daemon on;
pid {root / "nginx.pid"};
error_log {root / "error.log"} warn;
events {{ worker_connections 2048; }}
http {{
    log_format amana '{LOG_FORMAT}';
    access_log {access_log} amana;
{temps}
    client_max_body_size 20m;
    upstream amana {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://amana;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def start_nginx(nginx: Path, root: Path, port: int, upstreams: list[int], access_log: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name in TEMP_DIRS:
        (root / "tmp" / name).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(root / "tmp" / name, nobody.pw_uid, nobody.pw_gid)
    conf = root / "nginx.conf"
    conf.write_text(config_text(root, port, upstreams, access_log))
    done = subprocess.run(  # noqa: S603 - our own argv
        [str(nginx), "-c", str(conf), "-p", str(root), "-e", str(root / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise ScaleOutError(f"nginx did not start: {message[-1] if message else done.returncode}")


def nginx_pid(root: Path) -> int | None:
    try:
        pid = int((root / "nginx.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) else None
