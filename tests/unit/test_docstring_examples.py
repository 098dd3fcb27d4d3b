"""Every public function and method has a docstring with an example, every public class
a docstring (a house rule: README.md, "Contributing"; the examples run as doctests).

Public means: named in the ``__all__`` of a package (``backoffice_core``, its domain
packages, ``ledger.reports``, ``schemas``, ``testing``) or of a top-level module
(``backoffice_core.money``, ``.errors``, ``.ports``...), and reachable from it: the
functions, the classes, and every method those classes define or inherit from a class of
this package (``bo.ledger.post`` lives in a private mixin, but it is public through
``Ledger``). A domain's inner modules (the booking engine, the posting rules) are its
parts; what of them is public, the package exports. Not checked, each for a reason:

* the storage adapters (``backoffice_core.adapters``) and the repository protocols: they
  implement or declare the ports, whose rules docs/adapters.md states and the conformance
  kit checks; an example of a port method outside a unit of work would mislead;
* the conformance kit's ``test_*`` methods: each is a test, its name says what it checks;
* dunder methods, properties, pytest hooks (``pytest_*``), and aliases of a private
  function (``append = _read_only``: the private function's docstring says why).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import backoffice_core

AREAS = {
    "ledger": ("backoffice_core.ledger",),
    "inventory": ("backoffice_core.inventory",),
    "documents": ("backoffice_core.documents",),
    "schemas": ("backoffice_core.schemas",),
    "testing": ("backoffice_core.testing",),
    "core": ("backoffice_core",),  # the top-level modules (money, app, tables...)
}
SKIPPED_PACKAGES = ("backoffice_core.adapters",)


def _public_modules() -> list[str]:
    """The packages (their ``__init__``) and the top-level modules: what a user imports.
    A domain's inner modules (the booking engine, the posting rules) are its own parts;
    what of them is public, the package exports."""
    names = ["backoffice_core"]
    for info in pkgutil.walk_packages(backoffice_core.__path__, "backoffice_core."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or info.name.startswith(SKIPPED_PACKAGES):
            continue
        if info.ispkg or len(parts) == 2:
            names.append(info.name)
    return names


def _area_of(module: str) -> str:
    for area, prefixes in AREAS.items():
        if area != "core" and module.startswith(prefixes):
            return area
    return "core"


def _is_protocol(cls: type) -> bool:
    return bool(getattr(cls, "_is_protocol", False))


def _ours(obj: Any) -> bool:
    return str(getattr(obj, "__module__", "")).startswith("backoffice_core")


def _methods(cls: type) -> Iterator[tuple[str, Callable[..., Any]]]:
    """The public methods of ``cls``: its own and those it inherits from our classes."""
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not _ours(klass) or _is_protocol(klass):
            continue
        for name, raw in vars(klass).items():
            if name in seen or name.startswith("_") or name.startswith("test_"):
                continue
            seen.add(name)
            if isinstance(raw, classmethod | staticmethod):
                raw = raw.__func__
            if inspect.isfunction(raw) and not raw.__name__.startswith("_"):
                yield name, raw


@functools.cache
def _all_missing() -> dict[str, tuple[str, ...]]:
    """What lacks an example or a docstring, by the area of the module defining it."""
    missing: dict[str, set[str]] = {area: set() for area in AREAS}
    done: set[int] = set()

    def lacks(obj: Any, what: str) -> None:
        module = str(obj.__module__)
        missing[_area_of(module)].add(f"{module}.{obj.__qualname__} ({what})")

    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if not _ours(obj) or id(obj) in done:
                continue
            done.add(id(obj))
            if inspect.isfunction(obj):
                if ">>>" not in (inspect.getdoc(obj) or "") and not name.startswith("pytest_"):
                    lacks(obj, "function: no example")
            elif inspect.isclass(obj):
                if not (obj.__doc__ or "").strip():
                    lacks(obj, "class: no docstring")
                if _is_protocol(obj):
                    continue
                for _name, method in _methods(obj):
                    if id(method) in done:
                        continue
                    done.add(id(method))
                    if ">>>" not in (inspect.getdoc(method) or ""):
                        lacks(method, "method: no example")
    return {area: tuple(sorted(found)) for area, found in missing.items()}


@pytest.mark.parametrize("area", sorted(AREAS))
def test_public_api_has_examples(area: str) -> None:
    missing = _all_missing()[area]
    assert not missing, f"{len(missing)} without an example or docstring:\n" + "\n".join(missing)


def test_the_walk_finds_the_services() -> None:
    """The walk reaches what a user calls: methods of mixins in private modules."""
    walked = {m for _, m in _methods(backoffice_core.Backoffice.open("memory://").ledger.__class__)}
    names = {m.__name__ for m in walked}
    assert {"post", "post_many", "reverse", "balance"} <= names
