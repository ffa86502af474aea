"""The load test's visitors, for locust (started by bench/load.py, which explains the run).

Each simulated person browses as readers do: the works index and its pages, Sort and
Filter, text search, a work's first chapter, another chapter or the entire work, a tag's
works; logged-in people also leave kudos, comment and post works. The weights are a guess
at a fan-fiction archive's traffic: reading and browsing dominate, writing is rare.

bench/load.py writes the plan (work ids, chapter ids, tag names, search words, logins) to
a JSON file and passes its path in FICARCHIVE_LOAD_PLAN.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["FICARCHIVE_LOAD_PLAN"]).read())  # noqa: SIM115
WAIT = [float(x) for x in os.environ.get("FICARCHIVE_LOAD_WAIT", "1,3").split(",")]
PROSE = (
    "The lighthouse keeper counted the gulls on the rail and wrote the number in the log. "
    "Rain came in from the west before noon, and the ferry was late again."
)
_logins = itertools.count()
_lock = threading.Lock()


def _next_login() -> str:
    with _lock:
        return PLAN["logins"][next(_logins) % len(PLAN["logins"])]


class Visitor(HttpUser):
    """Half the visitors log in; guests skip the tasks that need an account."""

    wait_time = between(*WAIT)

    def on_start(self) -> None:
        self.member = random.random() < 0.5
        self.login = _next_login() if self.member else None
        if self.member:
            self.client.get("/account/login/", name="login form")
            self.form_post(
                "/account/login/",
                {"username": self.login, "password": PLAN["password"]},
                name="login",
            )

    # -- helpers
    def form_post(self, path: str, data: dict, name: str):
        """POST a form with the CSRF token; a redirect is the success answer."""
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}, expected a redirect")
        return response

    def work(self) -> dict:
        return random.choice(PLAN["works"])

    # -- browsing and reading
    @task(15)
    def works_index(self) -> None:
        page = random.choice([1, 1, 1, 2, 3, random.randint(4, PLAN["index_pages"])])
        self.client.get(f"/works/?page={page}", name="works index")

    @task(12)
    def filter_works(self) -> None:
        params = {"include": random.choice(PLAN["tags"])}
        if random.random() < 0.5:
            params["ratings"] = random.choice(PLAN["ratings"])
        if random.random() < 0.3:
            params["exclude"] = random.choice(PLAN["tags"])
        params["sort"] = random.choice(["updated", "updated", "kudos", "words", "title", "hits"])
        self.client.get("/works/", params=params, name="filter")

    @task(8)
    def search(self) -> None:
        self.client.get("/search/", params={"q": random.choice(PLAN["words"])}, name="search")

    @task(6)
    def tag_works(self) -> None:
        self.client.get(f"/tags/{random.choice(PLAN['tag_paths'])}/works/", name="tag works")

    @task(20)
    def read_work(self) -> None:
        work = self.work()
        self.client.get(f"/works/{work['id']}/?view_adult=true", name="work (first chapter)")

    @task(8)
    def read_chapter(self) -> None:
        work = self.work()
        chapter = random.choice(work["chapters"])
        path = f"/works/{work['id']}/chapters/{chapter}/?view_adult=true"
        self.client.get(path, name="chapter")

    @task(4)
    def read_entire_work(self) -> None:
        work = self.work()
        path = f"/works/{work['id']}/?view_full_work=true&view_adult=true"
        self.client.get(path, name="entire work")

    # -- feedback and posting (members)
    @task(4)
    def kudos(self) -> None:
        work = self.work()
        self.client.get(f"/works/{work['id']}/?view_adult=true", name="work (first chapter)")
        self.form_post(f"/works/{work['id']}/kudos/", {}, name="kudos")

    @task(2)
    def comment(self) -> None:
        if not self.member:
            return
        work = self.work()
        chapter = work["chapters"][0]
        self.client.get(f"/works/{work['id']}/?view_adult=true", name="work (first chapter)")
        body = f"Lovely harbour scenes. {random.randint(1, 10**9)}"
        self.form_post(
            f"/works/{work['id']}/chapters/{chapter}/comments/", {"body": body}, name="comment"
        )

    @task(1)
    def post_work(self) -> None:
        if not self.member:
            return
        form = self.client.get("/works/new/", name="post work (form)")
        pseud = re.search(r'name="creators" value="(\d+)"', form.text or "")
        if pseud is None:
            return
        data = {
            "title": f"Load test work {random.randint(1, 10**9)}",
            "creators": pseud.group(1),
            "rating": PLAN["general_rating"],
            "warnings": PLAN["no_warning"],
            "fandoms": random.choice(PLAN["fandoms"]),
            "additional_tags": "Load Testing, Harbours",
            "language": "en",
            "published_on": PLAN["today"],
            "comment_permission": "everyone",
            "expected_chapters": "1",
            "chapter_title": "",
            "text": f"{PROSE}\n\n{PROSE}",
        }
        self.form_post("/works/new/", data, name="post work")
