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
import redis
import requests

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_DATABASE = 11  # a database number no other test uses
LISTING_LIMIT = 12
PASSWORD = "demo-password-1"  # every demo account's password

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx isn't installed (scripts/install-system-deps)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: float = 120, verify: str | bool = True) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2, verify=verify).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up within {seconds} s")


@dataclass
class Deployment:
    front: str  # nginx, over HTTPS
    servers: list[str]  # the two gunicorns, addressed directly over plain HTTP
    logs: list[Path]  # each gunicorn's output: its access log and any error
    environ: dict[str, str]
    certificate: str  # nginx's self-signed certificate, which clients trust
    redis: redis.Redis  # the Redis database both servers share
    username: str  # a demo reader who logs in
    locked_out: str  # another, whose password is got wrong on purpose
    http_front: str = ""

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxy or CA bundle from the environment
        session.verify = self.certificate
        return session

    def _address(self, path: str, server: int | None) -> tuple[str, dict[str, str]]:
        """Through nginx; or to one app server, with the headers nginx would add and the
        session's cookies (marked Secure, so a client only sends them over HTTPS)."""
        if server is None:
            return self.front + path, {"Referer": self.front + path}
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
        return self.servers[server] + path, headers

    def _cookies(self, session: requests.Session, server: int | None) -> dict[str, str]:
        return {} if server is None else {c.name: c.value for c in session.cookies}

    def get(self, session: requests.Session, path: str, server: int | None = None):
        url, headers = self._address(path, server)
        cookies = self._cookies(session, server)
        answer = session.get(url, headers=headers, cookies=cookies, allow_redirects=False)
        return self._keep_cookies(session, answer, server)

    def post(self, session: requests.Session, path: str, data, server: int | None = None):
        url, headers = self._address(path, server)
        if server is not None:
            headers["Referer"] = self.front + path  # as the browser sent it to nginx
            headers["Host"] = self.front.removeprefix("https://")
        cookies = self._cookies(session, server)
        answer = session.post(url, data=data, headers=headers, cookies=cookies,
                              allow_redirects=False)  # fmt: skip
        return self._keep_cookies(session, answer, server)

    @staticmethod
    def _keep_cookies(session: requests.Session, answer, server: int | None):
        """Keep what an app server set when asked directly, as a browser would."""
        if server is not None:
            for name, value in answer.cookies.items():
                session.cookies.set(name, value, domain="127.0.0.1", secure=True)
        return answer

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


SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "ficarchive.conf"
MAIN_CONF = """
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
    include {base}/site.conf;
}}
"""


def _nginx_site(base: Path, app_ports: list[int], http_port: int, https_port: int) -> str:
    """deploy/nginx/ficarchive.conf as shipped, moved to loopback ports with a self-signed
    certificate. Every edit must find its text, so a change to the file is noticed here."""
    site = SITE.read_text()
    edits = {
        "    server 127.0.0.1:8001;\n": "".join(f"    server 127.0.0.1:{p};\n" for p in app_ports),
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/fic.example.org/fullchain.pem": str(base / "cert.pem"),
        "/etc/letsencrypt/live/fic.example.org/privkey.pem": str(base / "key.pem"),
        # A visitor's Host keeps its port here (not 443), and the archive compares it with
        # the Referer of each form it receives.
        "proxy_set_header Host $host;": "proxy_set_header Host $http_host;",
    }
    for old, new in edits.items():
        assert old in site, f"{SITE} no longer has {old!r}"
        site = site.replace(old, new)
    return site


def _certificate(base: Path) -> Path:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(base / "key.pem"), "-out", str(base / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return base / "cert.pem"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, redis_server):
    base = tmp_path_factory.mktemp("two-servers")
    database_url, drop_database = _database_url(base)
    redis_url = f"{redis_server}/{REDIS_DATABASE}"
    shared_redis = redis.Redis.from_url(redis_url)
    shared_redis.flushdb()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FICARCHIVE_")}
    environ.update(
        FICARCHIVE_DATABASE_URL=database_url,
        FICARCHIVE_REDIS_URL=redis_url,
        FICARCHIVE_SECRET_KEY="two-servers-test-" + uuid.uuid4().hex + uuid.uuid4().hex,
        FICARCHIVE_DEBUG="0",
        FICARCHIVE_BEHIND_PROXY="1",  # and HTTPS on, as in production
        FICARCHIVE_VAR_DIR=str(base / "var"),
        FICARCHIVE_LISTING_RATE_LIMIT=str(LISTING_LIMIT),
        FICARCHIVE_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(Path("src").resolve()), environ.get("PYTHONPATH", "")]),
    )
    ficarchive = [sys.executable, "-m", "ficarchive"]
    # As an upgrade does it (docs/deploy.md): once, before the servers start.
    setup = [["migrate", "--verbosity", "0"], ["collectstatic", "--noinput", "--verbosity", "0"]]
    for command in [*setup, ["demo", "--works", "6"]]:
        done = subprocess.run([*ficarchive, *command], env=environ, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    app_ports = [_free_port(), _free_port()]
    servers, logs, processes = [f"http://127.0.0.1:{p}" for p in app_ports], [], []
    http_port, https_port = _free_port(), _free_port()
    certificate = _certificate(base)
    (base / "site.conf").write_text(_nginx_site(base, app_ports, http_port, https_port))
    (base / "nginx.conf").write_text(MAIN_CONF.format(base=base))
    try:
        for port, url in zip(app_ports, servers, strict=True):
            log = base / f"server-{port}.log"
            logs.append(log)
            serve = ["serve", "--production", "--no-migrate", "--no-collectstatic"]
            serve += ["--workers", "1", f"127.0.0.1:{port}"]
            processes.append(
                subprocess.Popen(
                    [*ficarchive, *serve],
                    env=environ,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            _wait_for(f"{url}/healthz")
        nginx = [NGINX, "-p", str(base), "-c", str(base / "nginx.conf"), "-g", "daemon off;"]
        if os.geteuid() == 0:
            nginx[-1] += " user root;"  # its workers must read the test's temporary files
        processes.append(
            subprocess.Popen(
                nginx,
                stdout=(base / "nginx.out").open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        front = f"https://127.0.0.1:{https_port}"
        _wait_for(f"{front}/healthz", verify=str(certificate))
        deployment = Deployment(
            front, servers, logs, environ, str(certificate), shared_redis, "", ""
        )
        deployment.username, deployment.locked_out = deployment.manage(
            "from ficarchive.accounts.models import User\n"
            "print(*User.objects.filter(is_staff=False).order_by('username')"
            ".values_list('username', flat=True)[:2])"
        ).split()
        deployment.http_front = f"http://127.0.0.1:{http_port}"
        yield deployment
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        shared_redis.flushdb()
        if drop_database:
            drop_database()


def _form_token(page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _log_in(deployment: Deployment, username: str, password: str, server: int | None = None):
    """Log in through nginx, or straight to one app server (as nginx would pass it on)."""
    session = deployment.session()
    page = deployment.get(session, "/account/login/", server)
    answer = deployment.post(
        session,
        "/account/login/",
        {"csrfmiddlewaretoken": _form_token(page), "username": username, "password": password},
        server,
    )
    return session, answer


def test_plain_http_is_sent_to_https(deployment):
    answer = requests.get(f"{deployment.http_front}/works/", allow_redirects=False, timeout=10)
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")


def test_nginx_spreads_requests_over_both_servers(deployment):
    for _ in range(10):
        assert deployment.get(deployment.session(), "/healthz").status_code == 200
    seen = [deployment.requests_seen_by(i, "/healthz") for i in (0, 1)]
    assert all(count >= 4 for count in seen), seen  # round robin, after the start-up probes


def test_a_session_started_on_one_server_holds_on_the_other(deployment):
    session, answer = _log_in(deployment, deployment.username, PASSWORD)
    assert answer.status_code == 302, answer.text[:500]
    assert "Secure" in answer.headers["Set-Cookie"] and "HttpOnly" in answer.headers["Set-Cookie"]
    for _ in range(4):  # through nginx: both servers answer in turn
        page = deployment.get(session, "/account/")
        assert page.status_code == 200
        assert deployment.username in page.text
    for server in (0, 1):  # and each one directly, with the same cookie
        page = deployment.get(session, "/account/", server)
        assert page.status_code == 200, server
        assert deployment.username in page.text


def test_sessions_outlive_redis_losing_its_data(deployment):
    session, answer = _log_in(deployment, deployment.username, PASSWORD)
    assert answer.status_code == 302
    deployment.redis.flushdb()  # Redis here keeps nothing on disk: a restart loses everything
    page = deployment.get(session, "/account/")
    assert page.status_code == 200
    assert deployment.username in page.text


def test_the_cache_is_one_cache_for_every_process(deployment):
    key = f"two-servers-{uuid.uuid4().hex}"
    deployment.manage(f"from django.core.cache import cache\ncache.set({key!r}, 'shared', 60)")
    read = deployment.manage(f"from django.core.cache import cache\nprint(cache.get({key!r}))")
    assert read == "shared"


def test_the_listing_rate_limit_counts_across_both_servers(deployment):
    deployment.redis.flushdb()
    session = deployment.session()
    answers = [deployment.get(session, "/works/") for _ in range(LISTING_LIMIT)]
    assert [a.status_code for a in answers] == [200] * LISTING_LIMIT
    assert min(deployment.requests_seen_by(i, "/works/") for i in (0, 1)) >= LISTING_LIMIT // 2 - 1
    over = deployment.get(session, "/works/")
    assert over.status_code == 429  # each server alone has seen only half the limit
    assert int(over.headers["Retry-After"]) > 0
    deployment.redis.flushdb()


def test_login_throttling_counts_across_both_servers(deployment):
    """Each server is asked directly, in turn, so neither sees more than three attempts."""
    deployment.redis.flushdb()
    for attempt in range(5):
        _, answer = _log_in(deployment, deployment.locked_out, "not the password", attempt % 2)
        assert answer.status_code == 200
        assert "Too many" not in answer.text
    for server in (0, 1):  # the right password is refused too, for a while
        _, right = _log_in(deployment, deployment.locked_out, PASSWORD, server)
        assert right.status_code == 200
        assert "Too many failed log-in attempts" in right.text, server
    deployment.redis.flushdb()


def test_guests_see_a_change_made_through_the_other_server(deployment):
    """A guest page cached by one server is invalidated by a write on the other."""
    work_id, chapter_id = deployment.manage(
        "from ficarchive.works.models import Work\n"
        "work = next(w for w in Work.objects.public().order_by('pk') if not w.is_adult)\n"
        "print(work.pk, work.chapters.order_by('position').first().pk)"
    ).split()
    path = f"/works/{work_id}/chapters/{chapter_id}/"
    for server in (0, 1):  # both servers have now built (and may cache) the page
        assert deployment.get(deployment.session(), path, server).status_code == 200
    session, answer = _log_in(deployment, deployment.username, PASSWORD, server=0)
    assert answer.status_code == 302
    page = deployment.get(session, path, 0)
    remark = f"Seen from both servers {uuid.uuid4().hex[:8]}"
    posted = deployment.post(
        session,
        f"/works/{work_id}/chapters/{chapter_id}/comments/",
        {"csrfmiddlewaretoken": _form_token(page), "body": remark},
        0,
    )
    assert posted.status_code == 302, posted.text[:1000]
    for server in (0, 1):
        assert remark in deployment.get(deployment.session(), path, server).text, server


def test_no_server_logged_an_error(deployment):
    for log in deployment.logs:
        text = log.read_text()
        assert "Traceback" not in text and "[ERROR]" not in text, text[-3000:]
