"""Log in with a user name in any case: names are unique ignoring case, so this is safe."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from ficarchive.accounts.models import User


class CaseInsensitiveModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            match = User.objects.filter(username__iexact=username).first()
            username = match.username if match else username
        return super().authenticate(request, username=username, password=password, **kwargs)
