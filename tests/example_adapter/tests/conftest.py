"""Fixtures that point the backoffice_core conformance kit at the JSON-lines adapter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backoffice_core.testing import AdapterCapabilities


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where this test's store lives (a fresh file per test)."""
    return tmp_path / "books.jsonl"


@pytest.fixture
def uow_factory(store_path: Path) -> Any:
    """A fresh, empty store: the one fixture the kit needs."""
    from bo_jsonl_adapter import JsonlStore  # imported here: a missing install fails only these

    return JsonlStore(store_path)


@pytest.fixture
def adapter_capabilities(store_path: Path) -> AdapterCapabilities:
    """Durable (the kit reopens the file by URL); one process per file; the ledger only."""
    return AdapterCapabilities(durable=True, multi_process=False, url=f"jsonl://{store_path}",
                               documents=False, inventory=False)
