"""Validators for user names, pseud names and passwords."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

PSEUD_NAME_MAX = 40
PASSWORD_MAX = 72

validate_pseud_name = RegexValidator(
    r"^[\w \-]+\Z",
    "Pseuds can contain letters, numbers, spaces, underscores and hyphens only.",
)

validate_login = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_]*\Z",
    "User names must begin with a letter or number and contain only letters, numbers "
    "and underscores.",
)


class MaximumLengthValidator:
    """Refuse passwords over 72 characters: Argon2 copes, but people mistype long ones."""

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > PASSWORD_MAX:
            raise ValidationError(
                f"Your password must be at most {PASSWORD_MAX} characters long.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password must be at most {PASSWORD_MAX} characters long."
