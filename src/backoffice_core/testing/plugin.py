"""The pytest plugin of the adapter conformance kit (registered through ``pytest11``).

Inert and light: it loads into every pytest run of every project that installs
backoffice_core, so it imports nothing heavy and only declares a marker.
Disable it with ``pytest -p no:backoffice_core``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["pytest_configure"]


def pytest_configure(config: Any) -> None:
    """Declare the kit's markers."""
    config.addinivalue_line(
        "markers", "backoffice_contract: a backoffice_core adapter conformance test"
    )
