"""Run by test_replicas.py in a process of its own, configured with a real primary and a
real streaming replica: checks where reads and writes go. Prints one line per check."""

from __future__ import annotations

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ficarchive.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.db.utils import DatabaseError  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from ficarchive.accounts.models import User  # noqa: E402
from ficarchive.replicas import PIN_COOKIE  # noqa: E402


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


call_command("migrate", verbosity=0)
assert not in_recovery("default") and in_recovery("replica_1"), "primary and replica mixed up"
print("replica is a standby")

User.objects.create_user("writer", "writer@example.com", "a-long-password-1")
deadline = time.monotonic() + 20
while not User.objects.using("replica_1").filter(username="writer").exists():
    assert time.monotonic() < deadline, "the replica never caught up"
    time.sleep(0.2)
print("writes reach the replica")

assert User.objects.all().db == "replica_1"
with CaptureQueriesContext(connections["replica_1"]) as on_replica:
    assert User.objects.filter(username="writer").exists()
assert len(on_replica) == 1
print("reads go to the replica")

try:
    with transaction.atomic(using="replica_1"):
        User.objects.using("replica_1").create(username="nope", email="nope@example.com")
except DatabaseError:
    print("the replica refuses writes")
else:
    raise AssertionError("a write reached the replica")

with transaction.atomic():
    assert User.objects.all().db == "default"
print("reads inside a transaction stay on the primary")

client = Client()
with CaptureQueriesContext(connections["replica_1"]) as on_replica:
    assert client.get("/works/").status_code == 200
assert len(on_replica) > 0
response = client.post("/account/login/", {"username": "writer", "password": "a-long-password-1"})
assert response.status_code == 302, response.status_code
assert PIN_COOKIE in response.cookies
with CaptureQueriesContext(connections["replica_1"]) as on_replica:
    assert client.get("/account/").status_code == 200
assert len(on_replica) == 0, "a reader who just wrote read from the replica"
print("after a write, that browser reads from the primary")
client.cookies.pop(PIN_COOKIE)
with CaptureQueriesContext(connections["replica_1"]) as on_replica:
    assert client.get("/works/").status_code == 200
assert len(on_replica) > 0
print("ALL OK")
