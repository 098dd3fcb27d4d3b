"""The contracts of the conformance kit (import them from :mod:`backoffice_core.testing`).

Example:
    >>> from backoffice_core.testing._contracts import AdapterContract, VolumeContract
    >>> issubclass(AdapterContract, VolumeContract)
    True
"""

from __future__ import annotations

from backoffice_core.testing._contracts.concurrency import ConcurrencyContract
from backoffice_core.testing._contracts.constraints import ConstraintContract
from backoffice_core.testing._contracts.documents import DocumentsRepositoryContract
from backoffice_core.testing._contracts.durability import DurabilityContract
from backoffice_core.testing._contracts.inventory import InventoryRepositoryContract
from backoffice_core.testing._contracts.isolation import IsolationContract
from backoffice_core.testing._contracts.repository import LedgerRepositoryContract
from backoffice_core.testing._contracts.service import ServiceContract
from backoffice_core.testing._contracts.unit_of_work import UnitOfWorkContract
from backoffice_core.testing._contracts.volume import VolumeContract

__all__ = [
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


class AdapterContract(
    LedgerRepositoryContract,
    UnitOfWorkContract,
    ConstraintContract,
    IsolationContract,
    ServiceContract,
    ConcurrencyContract,
    DurabilityContract,
    VolumeContract,
    InventoryRepositoryContract,
    DocumentsRepositoryContract,
):
    """Every contract at once: ``class TestMyStore(AdapterContract)`` runs the whole kit.

    Example:
        >>> class TestMyStore(AdapterContract):
        ...     pass
        >>> len([n for n in dir(TestMyStore) if n.startswith("test_")]) > 30
        True
    """
