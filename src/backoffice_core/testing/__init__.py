"""The adapter conformance kit: contracts every storage adapter must pass.

This is the one stable path for adapter authors. Subclass a contract (or all of
them through :class:`AdapterContract`) in a test module and define one fixture,
``uow_factory``, returning a fresh, empty store of your adapter::

    import pytest
    from backoffice_core.testing import AdapterCapabilities, AdapterContract

    @pytest.fixture
    def uow_factory(tmp_path):
        return MyStore(tmp_path / "books.db")

    class TestMyStore(AdapterContract):
        pass

Or run the ready-made ``Test*`` classes with ``from backoffice_core.testing.suite
import *`` (see :mod:`backoffice_core.testing.suite`). Names load on first use,
so the ``pytest11`` plugin that imports this package stays light.

Example:
    >>> from backoffice_core.testing import AdapterContract, LedgerRepositoryContract
    >>> issubclass(AdapterContract, LedgerRepositoryContract)
    True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backoffice_core.testing._contracts import (
        AdapterContract,
        ConcurrencyContract,
        ConstraintContract,
        DocumentsRepositoryContract,
        DurabilityContract,
        InventoryRepositoryContract,
        IsolationContract,
        LedgerRepositoryContract,
        ServiceContract,
        UnitOfWorkContract,
        VolumeContract,
    )
    from backoffice_core.testing.capabilities import AdapterCapabilities

__all__ = [
    "AdapterCapabilities",
    "AdapterContract",
    "ConcurrencyContract",
    "ConstraintContract",
    "DocumentsRepositoryContract",
    "DurabilityContract",
    "InventoryRepositoryContract",
    "IsolationContract",
    "LedgerRepositoryContract",
    "ServiceContract",
    "UnitOfWorkContract",
    "VolumeContract",
]

_WHERE = {name: "backoffice_core.testing._contracts" for name in __all__}
_WHERE["AdapterCapabilities"] = "backoffice_core.testing.capabilities"


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
