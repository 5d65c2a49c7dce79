"""HTML forms: read the posted fields, validate them with the domain's pydantic schema, and on
failure re-render the same form with one sentence per field (and nothing stored).

    values = await read_form(request)
    try:
        data = parse_form(OrganizationCreate, values)
        org = await service.create_org(session, actor, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "orgs/new.html", values, exc)
    return redirect(request, f"/orgs/{org.id}", "Organisation created.")
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from redhive.errors import Conflict, InvalidInput, RedhiveError, TooManyRequests, ValidationFailed
from redhive.web.errors import FormRejected, validation_fields
from redhive.web.templating import redirect, render

__all__ = ["act_on_form", "error_fields", "parse_form", "read_form", "reject"]

M = TypeVar("M", bound=BaseModel)


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields as strings (files and the CSRF token left out); repeated fields joined by
    newlines are not supported here — use `getlist` on `request.form()` for those."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


def parse_form(schema: type[M], values: dict[str, Any]) -> M:
    """Validate; empty optional fields count as absent. Raises ValidationFailed with every field."""
    cleaned = {k: v for k, v in values.items() if not (v == "" and k in schema.model_fields
                                                       and not schema.model_fields[k].is_required())}
    try:
        return schema.model_validate(cleaned)
    except ValidationError as exc:
        raise ValidationFailed(validation_fields(exc.errors())) from None


def error_fields(exc: RedhiveError) -> dict[str, str]:
    fields = dict(getattr(exc, "fields", {}) or {})
    field = getattr(exc, "field", None)
    if field and field not in fields:
        fields[field] = exc.message
    return fields


def reject(request: Request, template: str, values: dict[str, Any], exc: RedhiveError,
           context: dict[str, Any] | None = None) -> NoReturn:
    """Re-render `template` with the submitted values and the errors; rolls the transaction back."""
    fields = error_fields(exc)
    summary = None if fields else exc.message
    ctx = {**(context or {}), "values": values, "errors": fields, "form_error": summary}
    status = exc.http_status if exc.http_status >= 400 else 422
    response = render(request, template, ctx, status_code=status)
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    raise FormRejected(response)


async def act_on_form(request: Request, url: str, done: str,
                      act: Callable[[dict[str, str]], Awaitable[Any]]) -> Response:
    """A button's form: `act` on the posted fields, then back to `url` (or to the address `act`
    returns) with `done`; a refusal goes back to `url` with its sentence, nothing stored."""
    values = await read_form(request)
    try:
        result = await act(values)
    except (InvalidInput, Conflict) as exc:
        raise FormRejected(redirect(request, url, exc.message, "error")) from None
    return redirect(request, result if isinstance(result, str) else url, done)

