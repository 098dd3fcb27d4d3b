"""A typed host application type-checks under ``mypy --strict`` and runs on every store.

``host_app.py`` is written as the guides show the API; ``assert_type`` pins what a typed
application gets back from the common calls, so an ``Any`` leaking out of the library (or
a misspelt top-level name passing silently) fails here, not in a user's CI.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import backoffice_core

SAMPLE = Path(__file__).with_name("host_app.py")
SRC = Path(backoffice_core.__file__).resolve().parent.parent  # the tree under test
PROJECT = Path(__file__).resolve().parents[2]


def test_host_app_type_checks_strict(tmp_path: Path) -> None:
    # a host app's own settings, not the project's; the library found on the interpreter's
    # path, as an installed one is (its own imports are then the library's business, not
    # the app's: no pandas stubs needed); a cache of its own under the project's
    # ``.mypy_cache`` (``make clean`` removes it) keeps a second run fast
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n")
    args = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
            "--python-version", "3.11", "--config-file", str(config),
            "--cache-dir", str(PROJECT / ".mypy_cache" / "host-app"), str(SAMPLE)]
    path = os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])
    done = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": path}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_host_app_runs(store: str, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("_backoffice_host_app", SAMPLE)
    assert spec is not None and spec.loader is not None
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    app.run("memory://" if store == "memory" else f"sqlite:///{tmp_path / 'books.db'}")
    app.namespace()
