"""backoffice_core: an embeddable, exact back office for Python applications.

Names are loaded lazily on first use, so ``import backoffice_core`` (and the
pytest plugin of the adapter kit, which lives in this package) stays cheap.

Example:
    >>> import backoffice_core as bc
    >>> bc.Money("12.50", "USD")
    Money('12.50', 'USD')
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "Backoffice": "backoffice_core.app",
    "SystemClock": "backoffice_core.app",
    "register_adapter": "backoffice_core.app",
    "BackofficeError": "backoffice_core.errors",
    "ConcurrencyError": "backoffice_core.errors",
    "CurrencyMismatchError": "backoffice_core.errors",
    "DuplicateError": "backoffice_core.errors",
    "FloatNotAllowedError": "backoffice_core.errors",
    "IdempotencyConflictError": "backoffice_core.errors",
    "InsufficientStockError": "backoffice_core.errors",
    "IntegrityError": "backoffice_core.errors",
    "LimitExceededError": "backoffice_core.errors",
    "NotFoundError": "backoffice_core.errors",
    "PendingEntryError": "backoffice_core.errors",
    "PeriodClosedError": "backoffice_core.errors",
    "UnbalancedEntryError": "backoffice_core.errors",
    "ValidationError": "backoffice_core.errors",
    "Account": "backoffice_core.ledger",
    "AccountLimit": "backoffice_core.ledger",
    "AccountType": "backoffice_core.ledger",
    "FiscalYear": "backoffice_core.ledger",
    "JournalEntry": "backoffice_core.ledger",
    "Line": "backoffice_core.ledger",
    "NewEntry": "backoffice_core.ledger",
    "PeriodState": "backoffice_core.ledger",
    "PostResult": "backoffice_core.ledger",
    "credit": "backoffice_core.ledger",
    "debit": "backoffice_core.ledger",
    "Currency": "backoffice_core.money",
    "ExchangeRate": "backoffice_core.money",
    "Money": "backoffice_core.money",
    "RoundingPolicy": "backoffice_core.money",
    "allocate": "backoffice_core.money",
    "FixedClock": "backoffice_core.ports",
    "SequentialIds": "backoffice_core.ports",
}

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
    "InsufficientStockError",
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



#: the public subpackages and modules, imported on first use as ``bc.documents``
_SUBMODULES = frozenset({"adapters", "documents", "errors", "inventory", "ledger", "money",
                         "ports", "schemas", "testing"})


if not TYPE_CHECKING:
    # hidden from type checkers: they see the names imported below instead, so a typo
    # (``bc.Mony``) is an error in the host app's mypy run, not a silent ``Any``
    def __getattr__(name: str) -> Any:
        if name in _SUBMODULES:  # ``bc.inventory.Item`` without importing the subpackage
            return importlib.import_module(f"backoffice_core.{name}")
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'backoffice_core' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # cache: the next lookup is a plain attribute
        return value


def __dir__() -> list[str]:
    # the public names and subpackages, not this module's own imports (what a notebook's
    # completion lists); subpackages imported by other means are listed too
    loaded = {n for n, v in globals().items()
              if isinstance(v, ModuleType) and not n.startswith("_") and n != "importlib"}
    return sorted(set(_EXPORTS) | _SUBMODULES | loaded | {"__version__"})


if TYPE_CHECKING:
    # the subpackages ``__getattr__`` loads on first use (``_SUBMODULES``), typed
    from backoffice_core import adapters as adapters
    from backoffice_core import documents as documents
    from backoffice_core import errors as errors
    from backoffice_core import inventory as inventory
    from backoffice_core import ledger as ledger
    from backoffice_core import money as money
    from backoffice_core import ports as ports
    from backoffice_core import schemas as schemas
    from backoffice_core import testing as testing
    from backoffice_core.app import Backoffice, SystemClock, register_adapter
    from backoffice_core.errors import (
        BackofficeError,
        ConcurrencyError,
        CurrencyMismatchError,
        DuplicateError,
        FloatNotAllowedError,
        IdempotencyConflictError,
        InsufficientStockError,
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
