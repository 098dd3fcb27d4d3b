"""The third-party adapter example (tests/example_adapter, package ``bo_jsonl_adapter``).

The full conformance kit runs against it in tests/example_adapter/tests (a
conftest with ``uow_factory`` and ``from backoffice_core.testing.suite import *``,
the way the docs tell a plugin author to do it). Here: discovery through the
entry point, the file format's crash rules, the documented way of running the
kit from another project, and that docs/adapters.md shows the tested code.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import backoffice_core as bc
from backoffice_core.errors import DuplicateError, StorageError

ROOT = Path(__file__).resolve().parents[2]
INSTALL = "pip install -e tests/example_adapter (make test does it)"


@pytest.fixture(scope="module")
def adapter() -> object:
    """The example adapter package; fails (never skips) when it is not installed."""
    found = [ep for ep in entry_points(group="backoffice_core.adapters") if ep.name == "jsonl"]
    assert found, f"the example adapter is not installed: {INSTALL}"
    assert found[0].value == "bo_jsonl_adapter:open_store"
    import bo_jsonl_adapter

    return bo_jsonl_adapter


def test_open_finds_the_adapter_through_its_entry_point(tmp_path: Path, adapter: object
                                                        ) -> None:
    url = f"jsonl://{tmp_path / 'books.jsonl'}"
    code = textwrap.dedent(f"""
        import sys
        from datetime import date
        import backoffice_core as bc
        assert "bo_jsonl_adapter" not in sys.modules
        bo = bc.Backoffice.open({url!r}, book="acme")
        bo.ledger.setup("Acme", currency="EUR", chart="generic")
        bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Owner invests",
                       [bc.debit("1120", "5000.00"), bc.credit("3100", "5000.00")]))
        print(type(bo.unit_of_work()).__module__)
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "bo_jsonl_adapter"
    again = bc.Backoffice.open(url, book="acme")  # another process reads the same file
    assert again.ledger.balance("1120") == bc.Money("5000.00", "EUR")
    assert again.ledger.verify().ok
    with pytest.raises(bc.NotFoundError):  # books are separate: "other" has no ledger
        bc.Backoffice.open(url, book="other").ledger.accounts()


def test_each_commit_is_one_line_and_rollback_writes_nothing(tmp_path: Path,
                                                             adapter: object) -> None:
    from bo_jsonl_adapter import JsonlStore

    path = tmp_path / "books.jsonl"
    store = JsonlStore(path)
    with store("acme") as uow:
        uow.ledger.add_rate("EUR", "USD", date(2026, 1, 1), Decimal("1.10"))
        uow.ledger.add_rate("EUR", "USD", date(2026, 1, 2), Decimal("1.11"))
        uow.commit()
    size = path.stat().st_size
    with store("acme") as uow:
        uow.ledger.add_rate("EUR", "USD", date(2026, 1, 3), Decimal("9"))
    with store("acme") as uow:
        uow.ledger.get_rate("EUR", "USD", date(2026, 1, 3))
        uow.commit()  # a read-only unit writes no line
    assert path.stat().st_size == size
    assert len(path.read_bytes().splitlines()) == 1
    with store("acme") as uow:
        assert uow.ledger.get_rate("EUR", "USD", date(2026, 1, 3)) == (date(2026, 1, 2),
                                                                     Decimal("1.11"))


def test_a_torn_last_line_is_dropped_on_open(tmp_path: Path, adapter: object) -> None:
    from bo_jsonl_adapter import JsonlStore

    path = tmp_path / "books.jsonl"
    bo = bc.Backoffice(JsonlStore(path), book="acme")
    bo.ledger.setup("Acme", currency="USD", chart="generic")
    good = path.read_bytes()
    with open(path, "ab") as f:  # a crash in the middle of a commit
        f.write(b'{"book":"acme","ops":[["add_rate","EUR"')
    again = bc.Backoffice(JsonlStore(path), book="acme")
    assert path.read_bytes() == good
    again.ledger.set_rate("EUR", "USD", date(2026, 1, 1), "1.10")
    third = bc.Backoffice(JsonlStore(path), book="acme")
    assert third.ledger.rate("EUR", "USD", date(2026, 1, 1)) == Decimal("1.10")
    assert third.ledger.settings().name == "Acme"


def test_a_damaged_line_is_a_storage_error(tmp_path: Path, adapter: object) -> None:
    from bo_jsonl_adapter import JsonlStore

    path = tmp_path / "books.jsonl"
    bc.Backoffice(JsonlStore(path), book="acme").ledger.setup("Acme", currency="USD")
    path.write_bytes(b"not json\n" + path.read_bytes())
    with pytest.raises(StorageError) as info:
        JsonlStore(path)
    assert (info.value.field, info.value.value) == ("line", 1)


def test_a_failed_write_leaves_only_rollback(tmp_path: Path, adapter: object) -> None:
    from bo_jsonl_adapter import JsonlStore

    path = tmp_path / "books.jsonl"
    store = JsonlStore(path)
    bc.Backoffice(store, book="acme").ledger.setup("Acme", currency="USD", chart="generic")
    size = path.stat().st_size
    with store("acme") as uow:
        first = uow.ledger.get_account("1110")
        assert first is not None
        with pytest.raises(DuplicateError):
            uow.ledger.add_account(first)
        with pytest.raises(StorageError):
            uow.commit()
    assert path.stat().st_size == size
    with JsonlStore(path)("acme") as uow:
        assert uow.ledger.get_account("1110") == first


def test_a_plugin_author_runs_the_kit_with_pytest(tmp_path: Path, adapter: object) -> None:
    """The documented recipe, in a project of its own: conftest fixture + star import."""
    (tmp_path / "conftest.py").write_text(textwrap.dedent("""
        import pytest
        from bo_jsonl_adapter import JsonlStore

        @pytest.fixture
        def uow_factory(tmp_path):
            return JsonlStore(tmp_path / "books.jsonl")
    """))
    (tmp_path / "test_my_adapter.py").write_text(
        "from backoffice_core.testing.suite import *  # noqa: F403\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    select = ["-k", "TestIsolation or TestConstraints", "-p", "no:cacheprovider",
              "-p", "no:hypothesispytest"]  # a faster start; unrelated to the kit
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--strict-markers",
                          "-m", "backoffice_contract and not backoffice_slow", *select],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) >= 20, run.stdout
    # Without the plugin the kit still runs once the project declares the markers.
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    backoffice_contract\n    backoffice_slow\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--strict-markers",
                          "-p", "no:backoffice_core", *select],
                         cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{passed.group(1)} passed" in run.stdout


def test_the_docs_show_the_tested_code() -> None:
    page = (ROOT / "docs" / "adapters.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", page, flags=re.S)
    assert len(blocks) >= 4, "docs/adapters.md shows the example adapter's files"
    for name, code in blocks:
        source = (ROOT / name).read_text(encoding="utf-8")
        assert code in source, f"docs/adapters.md shows {name} differently from the file"
