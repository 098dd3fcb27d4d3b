"""What a book hands out is not a handle on what it stores: a book's posting roles and an
item's attributes are read-only mappings, so changing the returned object is refused
instead of rewiring the book's postings (or an item) unseen, as it did on the in-memory
store while SQLite kept the stored value."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.frozen import FrozenDict


@pytest.fixture(params=["memory", "sqlite"])
def book(request: pytest.FixtureRequest, tmp_path: Path) -> bc.Backoffice:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'b.db'}"
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("Co", currency="USD", chart="generic")
    bo.inventory.create_item("CUP", "Cup", attributes={"colour": "red"})
    return bo


CHANGES: list[Callable[[dict[str, Any]], Any]] = [
    lambda d: d.__setitem__("x", "9999"), lambda d: d.update(x="1"),
    lambda d: d.pop(next(iter(d))), lambda d: d.clear(), lambda d: d.setdefault("x", "1"),
    lambda d: d.popitem(), lambda d: d.__delitem__(next(iter(d))),
    lambda d: d.__ior__({"x": "1"})]


def test_the_roles_of_a_book_do_not_change_through_its_settings(book: bc.Backoffice) -> None:
    roles = book.ledger.settings().roles
    for change in CHANGES:
        with pytest.raises(TypeError, match="read-only"):
            change(roles)
    with pytest.raises(TypeError, match="read-only"):
        book.ledger.settings().roles["inventory"] = "9999"  # was taken on memory://
    assert book.ledger.role("inventory") == "1210"
    assert book.ledger.settings().roles == roles


def test_an_items_attributes_do_not_change_through_the_returned_item(
        book: bc.Backoffice) -> None:
    for change in CHANGES:
        with pytest.raises(TypeError, match="read-only"):
            change(book.inventory.item("CUP").attributes)  # was stored on memory://
    assert book.inventory.item("CUP").attributes == {"colour": "red"}
    assert book.inventory.items()[0].attributes == {"colour": "red"}


def test_a_copy_changes_and_the_service_saves_it(book: bc.Backoffice) -> None:
    attributes = book.inventory.item("CUP").attributes.copy()
    attributes["colour"] = "blue"
    assert book.inventory.update_item("CUP", attributes=attributes).attributes == {
        "colour": "blue"}
    book.ledger.set_role("inventory", "1220")
    assert book.ledger.role("inventory") == "1220"


def test_a_read_only_mapping_reads_copies_and_serialises_as_a_dict() -> None:
    roles = FrozenDict({"cash": "1110"})
    assert json.dumps(roles) == '{"cash": "1110"}'
    for twin in (copy.copy(roles), copy.deepcopy(roles), pickle.loads(pickle.dumps(roles))):
        assert type(twin) is FrozenDict and twin == roles
    assert type(roles.copy()) is dict and type(roles | {"bank": "1120"}) is dict
    settings = bc.ledger.BookSettings("Co", "USD", roles={"cash": "1110"})
    assert type(attrs.evolve(settings, roles={**settings.roles, "x": "1"}).roles) is FrozenDict
