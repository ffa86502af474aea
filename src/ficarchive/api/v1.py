"""The JSON API, version 1: the API object, its OpenAPI description and its errors.

The endpoints are thin functions over the site's own querysets and services, in
read_endpoints.py, community_endpoints.py and write_endpoints.py.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from ficarchive.api import (  # noqa: F401 (registers)
    community_endpoints,
    read_endpoints,
    write_endpoints,
)
from ficarchive.api.auth import BadToken, CsrfFailed, RateLimited, ReadOnlyToken
from ficarchive.api.listing import FieldErrors


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Declare the token, so the docs page's "Authorize" button can send it."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["token"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from your account page (`fa_…`).",
        }
        schema["security"] = [{}, {"token": []}]  # optional: guests may read
        return schema


api = Api(
    title="Ficarchive API",
    version="1",
    description=(
        "Read works, chapters, series, tags and people, and post, edit, comment, give kudos, "
        "bookmark and subscribe; the same visibility and rules as the site. "
        "Authenticate with `Authorization: Bearer <personal access token>` (see docs/api.md)."
    ),
    urls_namespace="api-v1",
    docs=Swagger(),
    docs_url="/docs/",
)


def _error(request, message: str, status: int, errors: dict | None = None, **headers):
    response = api.create_response(
        request, {"message": message, "errors": errors or {}}, status=status
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = str(error.get("loc", ["request"])[-1])
        errors.setdefault(name, []).append(error.get("msg", "Not valid."))
    return _error(request, "Some parameters are not valid.", 400, errors)


@api.exception_handler(FieldErrors)
def _field_errors(request, exc: FieldErrors):
    return _error(request, str(exc), 400, exc.errors)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return _error(request, str(exc) or "Not found, or you may not see it.", 404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(BadToken)
def _bad_token(request, exc: BadToken):
    return _error(
        request,
        "Sign in, or send a valid personal access token as `Authorization: Bearer …`.",
        401,
        WWW_Authenticate='Bearer realm="ficarchive"',
    )


@api.exception_handler(ReadOnlyToken)
def _read_only(request, exc: ReadOnlyToken):
    return _error(request, "This token can only read; make a write token to change things.", 403)


@api.exception_handler(CsrfFailed)
def _csrf(request, exc: CsrfFailed):
    return _error(request, "Send the CSRF token with session requests, or use a token.", 403)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    return _error(request, str(exc) or "You may not do that.", 403)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    return _error(request, str(exc), 429, Retry_After=str(exc.retry_after))


api.add_router("", read_endpoints.router)  # write_endpoints adds to the same router
