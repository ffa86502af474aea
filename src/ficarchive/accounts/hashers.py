"""Password hashers for accounts imported from older archives."""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare


class EFictionMD5PasswordHasher(BasePasswordHasher):
    """Checks the unsalted MD5 hashes eFiction stored ("md5$$<hex>" or the bare hex).

    Django 5.1 removed its UnsaltedMD5PasswordHasher; this one takes its place, under the
    same algorithm name, so Django recognises the hashes on its own. It only ever checks a
    password: list it after the preferred hasher, and Django re-hashes the password with
    the preferred one (Argon2) at the first successful log-in.
    """

    algorithm = "unsalted_md5"

    def salt(self) -> str:
        return ""

    def encode(self, password: str, salt: str) -> str:
        if salt != "":
            raise ValueError("eFiction's MD5 hashes have no salt.")
        return "md5$$" + hashlib.md5(password.encode()).hexdigest()

    def decode(self, encoded: str) -> dict:
        return {"algorithm": self.algorithm, "hash": encoded.removeprefix("md5$$"), "salt": None}

    def verify(self, password: str, encoded: str) -> bool:
        stored = encoded.removeprefix("md5$$").lower()
        if len(stored) != 32:
            return False
        # eFiction hashed the bytes the browser sent: UTF-8, or the page's cp1252/latin-1.
        matched = False
        for codec in ("utf-8", "cp1252", "latin-1"):
            try:
                raw = password.encode(codec)
            except UnicodeEncodeError:
                continue
            matched |= constant_time_compare(hashlib.md5(raw).hexdigest(), stored)
        return matched

    def safe_summary(self, encoded: str) -> dict:
        return {
            "algorithm": self.algorithm,
            "hash": mask_hash(self.decode(encoded)["hash"], show=3),
        }

    def must_update(self, encoded: str) -> bool:
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
