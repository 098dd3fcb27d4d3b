"""The pytest plugin of the adapter conformance kit (registered through ``pytest11``).

Inert and light: it loads into every pytest run of every project that installs
backoffice_core, so it imports nothing but pytest (already loaded) at import
time and only declares two markers and two overridable fixtures:

* ``uow_factory``: the store under test. The default fails with instructions;
  an adapter author overrides it in ``conftest.py`` (or a test module or class).
* ``adapter_capabilities``: an :class:`~backoffice_core.testing.AdapterCapabilities`
  (the defaults of the reference adapter unless overridden).

Disable it with ``pytest -p no:backoffice_core`` in projects that do not run the kit.

Example:
    >>> sorted(__all__)
    ['adapter_capabilities', 'pytest_configure', 'uow_factory']
"""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["adapter_capabilities", "pytest_configure", "uow_factory"]

# Plain ``assert`` in the contracts reports its operands (the contracts are not test
# modules, so pytest only rewrites them when told before they are imported).
pytest.register_assert_rewrite("backoffice_core.testing._contracts")


def pytest_configure(config: Any) -> None:
    """Declare the kit's markers (so ``--strict-markers`` accepts them)."""
    config.addinivalue_line(
        "markers", "backoffice_contract: a backoffice_core adapter conformance test")
    config.addinivalue_line(
        "markers", "backoffice_slow: a slow backoffice_core contract (threads, processes, "
        "volume); deselect with -m 'not backoffice_slow'")


@pytest.fixture
def uow_factory() -> Any:
    """The unit-of-work factory under test: override it to return a fresh, empty store."""
    pytest.fail(
        "the backoffice_core conformance kit needs a `uow_factory` fixture: define one in "
        "your conftest.py that returns a fresh, empty store (a callable book_id -> "
        "UnitOfWork)", pytrace=False)


@pytest.fixture
def adapter_capabilities() -> Any:
    """What the adapter under test can do; override it to opt out of contracts."""
    from backoffice_core.testing.capabilities import AdapterCapabilities

    return AdapterCapabilities()
