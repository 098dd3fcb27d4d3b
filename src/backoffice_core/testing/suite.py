"""Ready-made ``Test*`` classes: ``from backoffice_core.testing.suite import *`` runs the kit.

In an adapter's test module::

    from backoffice_core.testing.suite import *  # noqa: F403

and in its ``conftest.py`` a ``uow_factory`` fixture that returns a fresh, empty
store (plus, optionally, ``adapter_capabilities``). pytest then collects one
``Test*`` class per contract.

Example:
    >>> from backoffice_core.testing.suite import TestUnitOfWork
    >>> from backoffice_core.testing import UnitOfWorkContract
    >>> issubclass(TestUnitOfWork, UnitOfWorkContract)
    True
"""

from __future__ import annotations

from backoffice_core.testing._contracts import (
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

__all__ = [
    "TestConcurrency",
    "TestConstraints",
    "TestDocumentsRepository",
    "TestDurability",
    "TestInventoryRepository",
    "TestIsolation",
    "TestLedgerRepository",
    "TestService",
    "TestUnitOfWork",
    "TestVolume",
]


class TestLedgerRepository(LedgerRepositoryContract):
    """Runs :class:`~backoffice_core.testing.LedgerRepositoryContract`.

    Example:
        >>> issubclass(TestLedgerRepository, LedgerRepositoryContract)
        True
    """


class TestUnitOfWork(UnitOfWorkContract):
    """Runs :class:`~backoffice_core.testing.UnitOfWorkContract`.

    Example:
        >>> issubclass(TestUnitOfWork, UnitOfWorkContract)
        True
    """


class TestConstraints(ConstraintContract):
    """Runs :class:`~backoffice_core.testing.ConstraintContract`.

    Example:
        >>> issubclass(TestConstraints, ConstraintContract)
        True
    """


class TestIsolation(IsolationContract):
    """Runs :class:`~backoffice_core.testing.IsolationContract`.

    Example:
        >>> issubclass(TestIsolation, IsolationContract)
        True
    """


class TestService(ServiceContract):
    """Runs :class:`~backoffice_core.testing.ServiceContract`.

    Example:
        >>> issubclass(TestService, ServiceContract)
        True
    """


class TestConcurrency(ConcurrencyContract):
    """Runs :class:`~backoffice_core.testing.ConcurrencyContract`.

    Example:
        >>> issubclass(TestConcurrency, ConcurrencyContract)
        True
    """


class TestDurability(DurabilityContract):
    """Runs :class:`~backoffice_core.testing.DurabilityContract`.

    Example:
        >>> issubclass(TestDurability, DurabilityContract)
        True
    """


class TestVolume(VolumeContract):
    """Runs :class:`~backoffice_core.testing.VolumeContract`.

    Example:
        >>> issubclass(TestVolume, VolumeContract)
        True
    """


class TestInventoryRepository(InventoryRepositoryContract):
    """Runs :class:`~backoffice_core.testing.InventoryRepositoryContract`.

    Example:
        >>> issubclass(TestInventoryRepository, InventoryRepositoryContract)
        True
    """


class TestDocumentsRepository(DocumentsRepositoryContract):
    """Runs :class:`~backoffice_core.testing.DocumentsRepositoryContract`.

    Example:
        >>> issubclass(TestDocumentsRepository, DocumentsRepositoryContract)
        True
    """
