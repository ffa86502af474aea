"""Creating, checking and revoking personal access tokens: the rules, away from the views."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from ficarchive.api.models import AccessToken, Scope

PREFIX = "fa_"
TOKENS_PER_USER = 50
# Writing last_used_at on every request would make each read a write; once a minute is enough.
TOUCH_EVERY = timedelta(minutes=1)


def digest(secret: str) -> str:
    """SHA-256 suffices: the secrets are 256 random bits, so a slow hash would add nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name: str, scope: str) -> tuple[AccessToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Please give the token a name."})
    if scope not in Scope.values:
        raise ValidationError({"scope": "Choose read or write."})
    if active_tokens(user).count() >= TOKENS_PER_USER:
        raise ValidationError(f"You can have at most {TOKENS_PER_USER} tokens; revoke one first.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name[:100], scope=scope, digest=digest(secret), prefix=secret[:10]
    )
    return token, secret


def active_tokens(user):
    return AccessToken.objects.filter(user=user, revoked_at__isnull=True)


def revoke_token(user, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; False when they have no such active token."""
    return bool(active_tokens(user).filter(pk=token_id).update(revoked_at=timezone.now()))


def token_for(secret: str) -> AccessToken | None:
    """The active token with this secret, if any, for an active user."""
    if not secret.startswith(PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
