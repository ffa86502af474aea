"""Two production app servers behind a real nginx on loopback, sharing one database and one
Redis: a visitor's session, the caches and the rate limits must hold whichever server
answers. Runs on the suite's database engine (a fresh SQLite file or PostgreSQL database)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_URL = "redis://127.0.0.1:6379/11"  # a database number no other test uses
LISTING_LIMIT = 12
PASSWORD = "demo-password-1"  # every demo account's password

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx isn't installed (scripts/install-system-deps)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _redis(*words: str) -> bytes:
    """One command to the test's Redis database, in the protocol's plain inline form."""
    with socket.create_connection(("127.0.0.1", 6379), timeout=5) as sock:
        sock.sendall(f"SELECT 11\r\n{' '.join(words)}\r\n".encode())
        time.sleep(0.1)
        return sock.recv(65536)


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up within {seconds} s")


@dataclass
class Deployment:
    front: str  # nginx
    servers: list[str]  # the two gunicorns, addressed directly
    logs: list[Path]  # each gunicorn's output: its access log and any error
    environ: dict[str, str]
    username: str  # a demo reader who logs in
    locked_out: str  # another, whose password is got wrong on purpose

    def requests_seen_by(self, index: int, path: str) -> int:
        return self.logs[index].read_text().count(f'"GET {path} ')

    def manage(self, code: str) -> str:
        """Run Python inside the archive's settings in a separate process, as a third host would."""
        script = "import django; django.setup()\n" + code
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout.strip()


def _database_url(base: Path):
    """The suite's engine: a fresh PostgreSQL database beside the test database, or SQLite."""
    suite = os.environ.get("FICARCHIVE_DATABASE_URL", "")
    if not suite.startswith("postgres"):
        return f"sqlite:///{base / 'archive.sqlite3'}", None
    import psycopg

    name = f"ficarchive_two_servers_{uuid.uuid4().hex[:8]}"
    server = suite.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{server}/{name}", drop


NGINX_CONF = """
worker_processes 1;
pid {base}/nginx.pid;
error_log {base}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {base}/nginx-access.log;
    client_body_temp_path {base}/body;
    proxy_temp_path {base}/proxy;
    fastcgi_temp_path {base}/fastcgi;
    uwsgi_temp_path {base}/uwsgi;
    scgi_temp_path {base}/scgi;
    upstream archive {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://archive;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not _redis_reachable():
        pytest.skip("Redis isn't listening on 127.0.0.1:6379")
    base = tmp_path_factory.mktemp("two-servers")
    database_url, drop_database = _database_url(base)
    _redis("FLUSHDB")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FICARCHIVE_")}
    environ.update(
        FICARCHIVE_DATABASE_URL=database_url,
        FICARCHIVE_REDIS_URL=REDIS_URL,
        FICARCHIVE_SECRET_KEY="two-servers-test-" + uuid.uuid4().hex + uuid.uuid4().hex,
        FICARCHIVE_DEBUG="0",
        FICARCHIVE_HTTPS="0",
        FICARCHIVE_BEHIND_PROXY="1",
        FICARCHIVE_VAR_DIR=str(base / "var"),
        FICARCHIVE_LISTING_RATE_LIMIT=str(LISTING_LIMIT),
        FICARCHIVE_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(Path("src").resolve()), environ.get("PYTHONPATH", "")]),
    )
    ficarchive = [sys.executable, "-m", "ficarchive"]
    for command in (["migrate", "--verbosity", "0"], ["demo", "--works", "6"]):
        done = subprocess.run([*ficarchive, *command], env=environ, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    ports = [_free_port(), _free_port()]
    servers, logs, processes = [f"http://127.0.0.1:{p}" for p in ports], [], []
    front_port = _free_port()
    conf = base / "nginx.conf"
    conf.write_text(NGINX_CONF.format(base=base, first=ports[0], second=ports[1], port=front_port))
    try:
        for port, url in zip(ports, servers, strict=True):
            log = base / f"server-{port}.log"
            logs.append(log)
            serve = ["serve", "--production", "--no-migrate", "--workers", "1", f"127.0.0.1:{port}"]
            processes.append(
                subprocess.Popen(
                    [*ficarchive, *serve],
                    env=environ,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            _wait_for(f"{url}/healthz")  # one at a time: both collect static files at start
        processes.append(
            subprocess.Popen(
                [NGINX, "-p", str(base), "-c", str(conf), "-g", "daemon off; user root;"],
                stdout=(base / "nginx.out").open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        front = f"http://127.0.0.1:{front_port}"
        _wait_for(f"{front}/healthz")
        probe = Deployment(front, servers, logs, environ, "", "")
        usernames = probe.manage(
            "from ficarchive.accounts.models import User\n"
            "print(*User.objects.filter(is_staff=False).order_by('username')"
            ".values_list('username', flat=True)[:2])"
        ).split()
        yield Deployment(front, servers, logs, environ, *usernames)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        _redis("FLUSHDB")
        if drop_database:
            drop_database()


def _log_in(session: requests.Session, front: str, username: str, password: str):
    page = session.get(f"{front}/account/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{front}/account/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        allow_redirects=False,
    )


def test_nginx_spreads_requests_over_both_servers(deployment):
    for _ in range(10):
        assert requests.get(f"{deployment.front}/healthz", timeout=10).status_code == 200
    seen = [deployment.requests_seen_by(i, "/healthz") for i in (0, 1)]
    assert all(count >= 4 for count in seen), seen  # round robin, after the start-up probes


def test_a_session_started_on_one_server_holds_on_the_other(deployment):
    session = requests.Session()
    answer = _log_in(session, deployment.front, deployment.username, PASSWORD)
    assert answer.status_code == 302, answer.text[:500]
    for _ in range(4):  # through nginx: both servers answer in turn
        page = session.get(f"{deployment.front}/account/")
        assert page.status_code == 200
        assert deployment.username in page.text
    for server in deployment.servers:  # and each one directly, with the same cookie
        page = session.get(f"{server}/account/", allow_redirects=False)
        assert page.status_code == 200, server
        assert deployment.username in page.text


def test_sessions_outlive_redis_losing_its_data(deployment):
    session = requests.Session()
    assert _log_in(session, deployment.front, deployment.username, PASSWORD).status_code == 302
    _redis("FLUSHDB")  # Redis here keeps nothing on disk: a restart loses everything
    page = session.get(f"{deployment.front}/account/", allow_redirects=False)
    assert page.status_code == 200
    assert deployment.username in page.text


def test_the_cache_is_one_cache_for_every_process(deployment):
    key = f"two-servers-{uuid.uuid4().hex}"
    deployment.manage(f"from django.core.cache import cache\ncache.set({key!r}, 'shared', 60)")
    assert deployment.manage(f"from django.core.cache import cache\nprint(cache.get({key!r}))") == (
        "shared"
    )


def test_the_listing_rate_limit_counts_across_both_servers(deployment):
    _redis("FLUSHDB")
    answers = [requests.get(f"{deployment.front}/works/", timeout=30) for _ in range(LISTING_LIMIT)]
    assert [a.status_code for a in answers] == [200] * LISTING_LIMIT
    assert min(deployment.requests_seen_by(i, "/works/") for i in (0, 1)) >= LISTING_LIMIT // 2 - 1
    over = requests.get(f"{deployment.front}/works/", timeout=30)
    assert over.status_code == 429  # each server alone has seen only half the limit
    assert int(over.headers["Retry-After"]) > 0
    _redis("FLUSHDB")


def test_login_throttling_counts_across_both_servers(deployment):
    """Each server is asked directly, in turn, so neither sees more than three attempts."""
    _redis("FLUSHDB")
    for attempt in range(5):
        server = deployment.servers[attempt % 2]
        answer = _log_in(requests.Session(), server, deployment.locked_out, "not the password")
        assert answer.status_code == 200
        assert "Too many" not in answer.text
    for server in deployment.servers:  # the right password is refused too, for a while
        right = _log_in(requests.Session(), server, deployment.locked_out, PASSWORD)
        assert right.status_code == 200
        assert "Too many failed log-in attempts" in right.text, server


def test_guests_see_a_change_made_through_the_other_server(deployment):
    """A guest page cached by one server is invalidated by a write on the other."""
    work_id, chapter_id = deployment.manage(
        "from ficarchive.works.models import Work\n"
        "work = next(w for w in Work.objects.public().order_by('pk') if not w.is_adult)\n"
        "print(work.pk, work.chapters.order_by('position').first().pk)"
    ).split()
    path = f"/works/{work_id}/chapters/{chapter_id}/"
    for server in deployment.servers:  # both servers have now built (and may cache) the page
        assert requests.get(f"{server}{path}", timeout=30).status_code == 200
    session = requests.Session()
    assert _log_in(session, deployment.servers[0], deployment.username, PASSWORD).status_code == 302
    page = session.get(f"{deployment.servers[0]}{path}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    remark = f"Seen from both servers {uuid.uuid4().hex[:8]}"
    posted = session.post(
        f"{deployment.servers[0]}/works/{work_id}/chapters/{chapter_id}/comments/",
        data={"csrfmiddlewaretoken": token, "body": remark},
        allow_redirects=False,
    )
    assert posted.status_code == 302, posted.text[:1000]
    for server in deployment.servers:
        assert remark in requests.get(f"{server}{path}", timeout=30).text, server


def test_no_server_logged_an_error(deployment):
    for log in deployment.logs:
        text = log.read_text()
        assert "Traceback" not in text and "[ERROR]" not in text, text[-3000:]
