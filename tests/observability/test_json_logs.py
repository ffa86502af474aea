"""FICARCHIVE_LOG_FORMAT=json: one JSON object per line, with the request's fields."""

from __future__ import annotations

import io
import json
import logging

import pytest

from ficarchive.logs import JsonFormatter


@pytest.fixture
def json_log():
    """Everything logged while the test runs, as the JSON lines a collector would read."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    requests = logging.getLogger("ficarchive.requests")
    old_level = requests.level
    root.addHandler(handler)
    requests.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    requests.setLevel(old_level)


def test_a_request_is_one_line_with_method_path_status_duration_and_id(client, db, json_log):
    response = client.get("/works/", HTTP_X_REQUEST_ID="proxy-given-id-42")

    [entry] = [e for e in json_log() if e["logger"] == "ficarchive.requests"]
    assert entry["level"] == "INFO"
    assert entry["message"] == "GET /works/ 200"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/works/", 200)
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["request_id"] == response["X-Request-ID"] == "proxy-given-id-42"
    assert entry["time"].endswith("+00:00")


def test_a_request_without_a_usable_id_gets_a_new_one(client, db, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="not an id; DROP")
    [entry] = [e for e in json_log() if e["logger"] == "ficarchive.requests"]
    assert len(entry["request_id"]) == 32 and entry["request_id"] == response["X-Request-ID"]


def test_an_exception_is_logged_with_its_traceback_as_a_field(json_log):
    try:
        raise ValueError("the kettle is empty")
    except ValueError:
        logging.getLogger("ficarchive.test").exception("Making tea failed")

    [entry] = json_log()
    assert entry["message"] == "Making tea failed"
    assert entry["level"] == "ERROR"
    assert entry["exception"].startswith("Traceback (most recent call last)")
    assert "ValueError: the kettle is empty" in entry["exception"]
