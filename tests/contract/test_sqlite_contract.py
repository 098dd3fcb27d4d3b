"""The SQL adapter on SQLite passes the whole conformance kit.

``uow_factory`` is a fresh SQLite file in ``tmp_path`` (created, schema and
all, by opening it); the same file's URL lets the kit reopen it (durability)
and post to it from other processes (``multi_process``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backoffice_core.adapters.sql import SqlStore
from backoffice_core.testing import AdapterCapabilities, AdapterContract


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of an SQLite file no test has used yet."""
    return f"sqlite:///{tmp_path / 'kit.db'}"


@pytest.fixture
def uow_factory(sqlite_url: str) -> Iterator[SqlStore]:
    """A fresh, empty SQLite store (one file per test)."""
    store = SqlStore(sqlite_url)
    yield store
    store.dispose()


@pytest.fixture
def adapter_capabilities(sqlite_url: str) -> AdapterCapabilities:
    """Everything: threads, processes and durability (the file outlives the store)."""
    return AdapterCapabilities(concurrent_writers=True, multi_process=True, durable=True,
                               url=sqlite_url)


class TestSqliteStore(AdapterContract):
    """The whole kit against ``SqlStore("sqlite:///...")``."""
