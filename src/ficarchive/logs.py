"""Structured logs: with FICARCHIVE_LOG_FORMAT=json every log record is one JSON object on
one line, which log collectors (Loki, journald, ELK) read without parsing rules.

RequestLogMiddleware gives each request an id (the X-Request-ID it came with, if it looks
like one, so a proxy's id carries through) and logs one line per request with its method,
path, status and duration; every record logged while the request runs carries the same id.
In the plain text format those request lines are left out: gunicorn's access log has them.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("ficarchive.requests")
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "request_id")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    """time, level, logger, message; the request fields when there are any; the traceback
    of an exception as a field, so a multi-line traceback stays inside one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if "request_id" not in entry and current_request_id.get():
            entry["request_id"] = current_request_id.get()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Give the request an id (sent back as X-Request-ID) and log one line when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        duration = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request_id
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration,
                "request_id": request_id,
            },
        )
        return response
