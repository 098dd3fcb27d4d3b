"""backoffice_core: an embeddable, exact back office for Python applications.

Example:
    >>> import backoffice_core as bc
    >>> bc.Money("12.50", "USD")
    Money('12.50', 'USD')
"""

from backoffice_core.app import Backoffice, SystemClock, register_adapter
from backoffice_core.errors import (
    BackofficeError,
    ConcurrencyError,
    CurrencyMismatchError,
    DuplicateError,
    FloatNotAllowedError,
    IdempotencyConflictError,
    IntegrityError,
    LimitExceededError,
    NotFoundError,
    PendingEntryError,
    PeriodClosedError,
    UnbalancedEntryError,
    ValidationError,
)
from backoffice_core.ledger import (
    Account,
    AccountLimit,
    AccountType,
    FiscalYear,
    JournalEntry,
    Line,
    NewEntry,
    PeriodState,
    PostResult,
    credit,
    debit,
)
from backoffice_core.money import Currency, ExchangeRate, Money, RoundingPolicy, allocate
from backoffice_core.ports import FixedClock, SequentialIds

__version__ = "0.1.0"

__all__ = [
    "Account",
    "AccountLimit",
    "AccountType",
    "Backoffice",
    "BackofficeError",
    "ConcurrencyError",
    "Currency",
    "CurrencyMismatchError",
    "DuplicateError",
    "ExchangeRate",
    "FiscalYear",
    "FixedClock",
    "FloatNotAllowedError",
    "IdempotencyConflictError",
    "IntegrityError",
    "JournalEntry",
    "LimitExceededError",
    "Line",
    "Money",
    "NewEntry",
    "NotFoundError",
    "PendingEntryError",
    "PeriodClosedError",
    "PeriodState",
    "PostResult",
    "RoundingPolicy",
    "SequentialIds",
    "SystemClock",
    "UnbalancedEntryError",
    "ValidationError",
    "__version__",
    "allocate",
    "credit",
    "debit",
    "register_adapter",
]
