"""Fixtures shared by the SQL integration tests.

* ``pg_base``: the PostgreSQL URL from ``BACKOFFICE_TEST_POSTGRES_URL``; the test skips
  without it, or fails when ``BACKOFFICE_REQUIRE_POSTGRES=1`` (as in CI).
* ``url``: an empty database, once as an SQLite file and once as a fresh PostgreSQL
  schema (dropped afterwards).

Test modules run under ``--import-mode=importlib`` and cannot import this file, so the
helpers are handed out as fixtures.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


@pytest.fixture
def pg_base() -> str:
    """The PostgreSQL server under test, as a ``postgresql+psycopg`` URL string."""
    url = os.environ.get("BACKOFFICE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("BACKOFFICE_REQUIRE_POSTGRES") == "1":
            pytest.fail("BACKOFFICE_REQUIRE_POSTGRES=1 but BACKOFFICE_TEST_POSTGRES_URL is unset")
        pytest.skip("PostgreSQL tests need BACKOFFICE_TEST_POSTGRES_URL, e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:55432/backoffice_test")
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(
        hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'books.db'}"
        return
    base = make_url(request.getfixturevalue("pg_base"))
    schema = f"bo_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()
