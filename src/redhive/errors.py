"""The redhive error tree.

Every error a user can cause or meet is a `RedhiveError`: it carries one clear sentence (what, why,
what to do), the CLI exit code and the HTTP status the web layer answers with. Nothing else should
reach a user; an unexpected exception is a bug.

    RedhiveError                      exit 2, HTTP 400
    ├── InvalidInput                  bad flag, option, expression or field   400
    │   └── ValidationFailed          several fields of one form are wrong    422
    ├── NotAuthenticated              no valid session, token or password     401
    ├── PermissionDenied              the actor's role does not allow it      403
    ├── NotFound                      unknown target kind, suite, run, probe  404
    ├── Conflict                      duplicate name or email, stale state    409
    │   └── InvalidTransition         a lifecycle move its state forbids      409
    ├── TooManyRequests               a rate limit (logins): retry after N s   429
    ├── SuiteFileError                malformed suite file, with file and line 422
    ├── OptionalDependencyMissing     an extra is not installed                500
    ├── DatabaseError                 unwritable, locked or outdated database  503
    └── TargetError                   the model endpoint failed                502
        ├── TargetUnreachable         connection refused, DNS, timeouts after retries
        ├── TargetAuthError           401 / 403 from the endpoint
        ├── TargetRejected            another 4xx: the request itself is wrong
        └── TransientTargetError      429 / 5xx / timeout: retried with backoff
"""

from __future__ import annotations

__all__ = [
    "Conflict",
    "DatabaseError",
    "InvalidInput",
    "InvalidTransition",
    "NotAuthenticated",
    "NotFound",
    "OptionalDependencyMissing",
    "PermissionDenied",
    "RedhiveError",
    "SuiteFileError",
    "TargetAuthError",
    "TargetError",
    "TargetRejected",
    "TargetUnreachable",
    "TooManyRequests",
    "TransientTargetError",
    "ValidationFailed",
    "is_fatal",
]


class RedhiveError(Exception):
    """Base of every error redhive reports to a user as one sentence."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(RedhiveError):
    """A flag, option, expression or field the user gave is not valid. `field` names the form or
    JSON field at fault, so pages can show the sentence next to it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ValidationFailed(InvalidInput):
    """Several fields are wrong at once: `fields` maps each field name to its sentence."""

    http_status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        super().__init__(message or "Some fields are not valid: " + "; ".join(
            f"{name}: {problem}" for name, problem in fields.items()))
        self.fields = dict(fields)


class NotAuthenticated(RedhiveError):
    """No valid session, API token or password: the user must log in (again)."""

    http_status = 401


class PermissionDenied(RedhiveError):
    """The actor is logged in but their role (in that organisation) does not allow the action."""

    http_status = 403


class Conflict(RedhiveError):
    """The request clashes with stored data (a duplicate email or name); `field` as for InvalidInput."""

    http_status = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidTransition(Conflict):
    """A lifecycle move that the object's current state does not allow."""


class NotFound(RedhiveError):
    """The named thing (target kind, suite, run, probe) does not exist."""

    http_status = 404


class TooManyRequests(RedhiveError):
    """A rate limit holds (failed logins per account or address); `retry_after` seconds until it lifts
    (sent as the Retry-After header)."""

    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class SuiteFileError(RedhiveError):
    """A suite file could not be parsed or validated; names the file and the line."""

    http_status = 422

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class OptionalDependencyMissing(RedhiveError):
    """A feature needs an optional extra that is not installed."""

    http_status = 500

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the optional '{extra}' extra, which is not installed: "
            f"run `pip install 'redhive[{extra}]'`."
        )
        self.extra = extra


class DatabaseError(RedhiveError):
    """The database cannot be opened, written or migrated."""

    http_status = 503


class TargetError(RedhiveError):
    """The model endpoint behind a target failed."""

    http_status = 502


class TargetUnreachable(TargetError):
    """The endpoint could not be reached at all (after retries)."""


class TargetAuthError(TargetError):
    """The endpoint refused the credentials (401/403)."""


class TargetRejected(TargetError):
    """The endpoint rejected the request (4xx other than 401/403/429). `fatal` when every request
    would be rejected alike (unknown model or URL), so the run stops instead of recording them."""

    def __init__(self, message: str, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


def is_fatal(exc: TargetError) -> bool:
    """Failures that every further request would repeat: a run stops instead of recording them."""
    return isinstance(exc, TargetAuthError | TargetUnreachable) or (isinstance(exc, TargetRejected) and exc.fatal)


class TransientTargetError(TargetError):
    """A failure worth retrying: 429, 5xx, timeouts, dropped connections."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
