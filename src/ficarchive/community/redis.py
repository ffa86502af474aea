"""A very small Redis client: the handful of commands the hit counter needs.

Redis speaks a simple text protocol (RESP), so a few dozen lines save a dependency. One
connection per process, guarded by a lock; a broken connection is reopened once.
"""

from __future__ import annotations

import socket
import threading
from urllib.parse import unquote, urlparse


class RedisError(Exception):
    """Redis answered with an error, or could not be reached."""


class Redis:
    def __init__(self, url: str, timeout: float = 2.0) -> None:
        parts = urlparse(url)
        if parts.scheme != "redis":
            raise ValueError(f"FICARCHIVE_REDIS_URL must start with redis://, not {url!r}.")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 6379
        self.password = unquote(parts.password) if parts.password else None
        self.db = int(parts.path.strip("/") or 0)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._file = None

    def command(self, *args):
        """Send one command and return its reply (bytes, int, list or None)."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._sock is None:
                        self._connect()
                    return self._send(args)
                except (OSError, EOFError) as error:
                    self._close()
                    if attempt == 2:
                        raise RedisError(f"Redis at {self.host}:{self.port}: {error}") from None
        raise AssertionError("unreachable")

    def _connect(self) -> None:
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self._file = self._sock.makefile("rb")
        if self.password:
            self._send(("AUTH", self.password))
        if self.db:
            self._send(("SELECT", self.db))

    def _close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        self._sock = self._file = None

    def _send(self, args):
        encoded = [str(a).encode() if not isinstance(a, bytes) else a for a in args]
        out = [b"*%d\r\n" % len(encoded)]
        for item in encoded:
            out.append(b"$%d\r\n%s\r\n" % (len(item), item))
        self._sock.sendall(b"".join(out))
        return self._read()

    def _read(self):
        line = self._file.readline()
        if not line:
            raise EOFError("connection closed")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RedisError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = self._file.read(size + 2)
            return data[:-2]
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self._read() for _ in range(size)]
        raise RedisError(f"unexpected reply from Redis: {line!r}")
