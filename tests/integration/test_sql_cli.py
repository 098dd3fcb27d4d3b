"""The schema command line: ``python -m backoffice_core schema upgrade|current URL``
(and ``python -m backoffice_core.adapters.sql``, the same commands).

Before, ``current`` created an empty SQLite file where none was, a URL of an unknown
database kind or a server that did not answer printed a Python traceback, and the main
command line did not offer the schema commands at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backoffice_core.__main__ import main as main_cli
from backoffice_core.adapters.sql.__main__ import main, revision_at
from backoffice_core.adapters.sql.schema import head_revision
from backoffice_core.errors import StorageError, ValidationError


def test_current_of_a_missing_file_creates_nothing(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "missing.db"
    assert main(["current", f"sqlite:///{target}"]) == 0
    out = capsys.readouterr()
    assert out.out == "\n" and "no backoffice_core schema" in out.err
    assert not target.exists()
    assert revision_at(f"sqlite:///{tmp_path / 'no' / 'dir.db'}") is None


@pytest.mark.parametrize("url", ["bogus://x", "mysql://u@h/x", "oracle://u@h/x", "notaurl"])
def test_a_url_the_adapter_does_not_take_is_one_line(url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("current", "upgrade"):
        assert main([command, url]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: url=") and err.count("\n") == 1, err
    with pytest.raises(ValidationError) as info:
        revision_at(url)
    assert info.value.field == "url"


def test_a_server_that_does_not_answer_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://nobody@127.0.0.1:1/x"  # port 1: nothing listens
    for command in ("current", "upgrade"):
        assert main([command, url]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: storage failed") and "Traceback" not in err, err
    with pytest.raises(StorageError):
        revision_at(url)


def test_a_file_that_cannot_be_made_is_one_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upgrade", f"sqlite:///{tmp_path / 'no' / 'dir.db'}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err


def test_the_main_command_line_offers_the_schema_commands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'books.db'}"
    assert main_cli(["schema", "upgrade", url]) == 0
    assert main_cli(["schema", "current", url]) == 0
    assert capsys.readouterr().out.split() == [head_revision(), head_revision()]
    with pytest.raises(SystemExit) as info:
        main_cli(["schema", "drop", url])
    assert info.value.code == 2


def test_the_commands_run_as_modules(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'books.db'}"
    for module in ("backoffice_core", "backoffice_core.adapters.sql"):
        argv = [sys.executable, "-m", module] + (["schema"] if module == "backoffice_core" else [])
        up = subprocess.run([*argv, "upgrade", url], capture_output=True, text=True,
                            timeout=120)
        assert (up.returncode, up.stdout.strip()) == (0, head_revision()), up.stderr
        bad = subprocess.run([*argv, "current", "bogus://x"], capture_output=True, text=True,
                             timeout=120)
        assert bad.returncode == 1 and "Traceback" not in bad.stderr, bad.stderr
