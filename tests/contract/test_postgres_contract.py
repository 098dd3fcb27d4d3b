"""The SQL adapter on PostgreSQL passes the whole conformance kit.

The server comes from ``BACKOFFICE_TEST_POSTGRES_URL`` (for example
``postgresql+psycopg://postgres@127.0.0.1:55432/backoffice_test``); each test
gets a fresh schema on it (``search_path`` set through the URL), dropped
afterwards. Without that variable the tests skip, unless
``BACKOFFICE_REQUIRE_POSTGRES=1`` (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from backoffice_core.adapters.sql import SqlStore
from backoffice_core.testing import AdapterCapabilities, AdapterContract


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, empty schema on the test server."""
    base_url = os.environ.get("BACKOFFICE_TEST_POSTGRES_URL")
    if not base_url:
        if os.environ.get("BACKOFFICE_REQUIRE_POSTGRES") == "1":
            pytest.fail("BACKOFFICE_REQUIRE_POSTGRES=1 but BACKOFFICE_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL contract tests need BACKOFFICE_TEST_POSTGRES_URL, e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:55432/backoffice_test")
    base = make_url(base_url).set(drivername="postgresql+psycopg")
    schema = f"bo_kit_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture
def uow_factory(postgres_url: str) -> Iterator[SqlStore]:
    """A fresh, empty PostgreSQL store (one schema per test)."""
    store = SqlStore(postgres_url)
    yield store
    store.dispose()


@pytest.fixture
def adapter_capabilities(postgres_url: str) -> AdapterCapabilities:
    """Everything: threads, processes and durability."""
    return AdapterCapabilities(concurrent_writers=True, multi_process=True, durable=True,
                               url=postgres_url)


class TestPostgresStore(AdapterContract):
    """The whole kit against ``SqlStore("postgresql+psycopg://...")``."""
