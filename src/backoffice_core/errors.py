"""One exception tree for every rejection the library makes.

Every error carries the offending ``field`` and ``value`` so that a caller (or a
log line) can say exactly what was wrong. Subclasses also inherit the matching
builtin, so ``except ValueError`` keeps working for code that does not know us.

Example:
    >>> from backoffice_core.errors import ValidationError
    >>> err = ValidationError("must be positive", field="quantity", value=-3)
    >>> str(err)
    'quantity=-3: must be positive'
    >>> isinstance(err, ValueError)
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

__all__ = [
    "AccountInactiveError",
    "BackofficeError",
    "ConcurrencyError",
    "CurrencyMismatchError",
    "DuplicateError",
    "FloatNotAllowedError",
    "IdempotencyConflictError",
    "InsufficientStockError",
    "IntegrityError",
    "LimitExceededError",
    "NotFoundError",
    "PendingEntryError",
    "PeriodClosedError",
    "SchemaError",
    "SchemaOutdatedError",
    "StorageError",
    "UnbalancedEntryError",
    "ValidationError",
]


class BackofficeError(Exception):
    """Root of every error raised by backoffice_core.

    Attributes:
        message: what went wrong, in words.
        field: the name of the offending field (dotted path for nested input).
        value: the offending value (as received).
    """

    field: str | None
    value: object

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value

    def __str__(self) -> str:
        if self.field is None:
            return self.message
        try:
            shown = repr(self.value)
        except ValueError:  # an int past Python's 4300-digit limit for text (10**5000)
            shown = f"<{type(self.value).__name__} too long to show>"
        return f"{self.field}={shown}: {self.message}"


class ValidationError(BackofficeError, ValueError):
    """Input that breaks a rule: wrong type, out of range, unknown code.

    ``errors`` holds every problem when several were found at once (for example
    from untrusted JSON): a list of ``(field, value, message)`` tuples.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        errors: Sequence[tuple[str, object, str]] | None = None,
    ) -> None:
        super().__init__(message, field=field, value=value)
        self.errors: list[tuple[str, object, str]] = (
            list(errors) if errors is not None else [(field or "", value, message)])

    @property
    def field(self) -> str | None:
        """The offending field's path; setting it (an outer path around an inner
        error, ``entries[3].`` + ``lines[0].amount``) moves the paths in ``errors`` too.

        Example:
            >>> err = ValidationError("bad", field="lines[0].amount", value="x")
            >>> err.field = "entries[3].lines[0].amount"
            >>> err.errors
            [('entries[3].lines[0].amount', 'x', 'bad')]
        """
        return self._field

    @field.setter
    def field(self, new: str | None) -> None:
        old = self.__dict__.get("_field")
        self._field = new
        errors = self.__dict__.get("errors")
        if not errors or new is None or old == new:
            return
        old = old or ""
        if new.endswith(old):  # an outer path put in front: it applies to every problem
            outer = new[:len(new) - len(old)]
            self.errors = [((outer + p) if p else outer.rstrip("."), v, m) for p, v, m in errors]
        else:  # renamed: the problems under the old path move
            self.errors = [(new + p[len(old):] if p == old or p.startswith((old + ".", old + "["))
                            else p, v, m) for p, v, m in errors]


class FloatNotAllowedError(ValidationError, TypeError):
    """A float was given where money or a quantity is expected."""


class CurrencyMismatchError(BackofficeError, TypeError):
    """Two amounts in different currencies met without an explicit rate."""


class UnbalancedEntryError(ValidationError):
    """A journal entry whose debits and credits differ (per currency)."""


class PeriodClosedError(BackofficeError):
    """Posting dated into a closed or locked period."""


class LimitExceededError(BackofficeError):
    """An account limit (debits must not exceed credits, or the reverse) would be broken."""


class AccountInactiveError(BackofficeError):
    """Posting to an archived account."""


class NotFoundError(BackofficeError, LookupError):
    """A referenced object (account, entry, period) does not exist."""


class DuplicateError(BackofficeError):
    """A unique key (account code, idempotency key, number) is already taken."""


class IdempotencyConflictError(DuplicateError):
    """The same idempotency key was used with different content."""


class PendingEntryError(BackofficeError):
    """A pending (two-phase) entry cannot be resolved: already resolved, expired, too large."""


class ConcurrencyError(BackofficeError):
    """A stale write: the aggregate changed since it was read."""


class IntegrityError(BackofficeError):
    """Stored data fails verification (hash chain, running balances, totals)."""


class StorageError(BackofficeError):
    """A storage adapter failed for a reason that is not the caller's input."""


class SchemaError(StorageError):
    """The database holds a schema this version of backoffice_core cannot use.

    Example:
        >>> issubclass(SchemaError, StorageError)
        True
    """


class SchemaOutdatedError(SchemaError):
    """The database schema is older than this version of backoffice_core; migrate it.

    ``value`` is the database's revision; open with ``migrate=True`` to upgrade.

    Example:
        >>> str(SchemaOutdatedError("migrate it", field="schema", value="0001"))
        "schema='0001': migrate it"
    """


class InsufficientStockError(BackofficeError):
    """Not enough stock: a move or reservation would take more than is there.

    Where the library raises it, ``field`` is ``"quantity"`` and ``value`` the quantity
    wanted; the error also names the item, the location, and what is available there.

    Example:
        >>> from decimal import Decimal
        >>> err = InsufficientStockError("not enough stock of SKU-1 at WH: wanted 5, "
        ...     "available 2", field="quantity", value=Decimal("5"), item="SKU-1",
        ...     location="WH", wanted=Decimal("5"), available=Decimal("2"))
        >>> err.item, err.location, err.wanted, err.available
        ('SKU-1', 'WH', Decimal('5'), Decimal('2'))
    """

    def __init__(self, message: str, *, field: str | None = None, value: object = None,
                 item: str | None = None, location: str | None = None,
                 wanted: Decimal | None = None, available: Decimal | None = None) -> None:
        super().__init__(message, field=field, value=wanted if value is None else value)
        self.item = item
        self.location = location
        self.wanted = wanted
        self.available = available
