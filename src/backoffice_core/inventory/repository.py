"""The inventory's repository port: what any storage must do for the inventory.

Storage-neutral and scoped to the unit of work's book, like the ledger's port
(:mod:`backoffice_core.ledger.repository`). Every method runs inside the
caller's unit of work; nothing is durable before ``commit``, and a rollback
leaves every table exactly as it was. The service posts ledger entries in the
same unit of work (``Ledger.post_within``), so stock, valuation and ledger
commit together. A store offers the inventory by giving its unit of work an
``inventory`` attribute (:class:`InventoryUnitOfWork`).

What is stored, and the contract of each part:

* **master data**: units, items, locations, lots, reorder rules, counts. ``add_*``
  raises ``DuplicateError`` for a taken key; ``update_*`` raises ``ConcurrencyError``
  unless the stored version equals ``expected_version``.
* **moves**: append-only once done; a draft or reserved move changes state through
  ``update_move`` (versioned). ``allocate_seq`` hands out the book's move sequence
  numbers and is the inventory's write lock: an adapter serializes the inventory
  writers of one book from this call until commit or rollback.
* **quantities**: each :class:`~backoffice_core.inventory.moves.QuantityDelta` is a
  quantity moved along a route (item, source, destination, lot) on a day. An adapter
  keeps a per-day total per route (``x = x + delta``) and a running quantity per
  (item, location, lot) (destination plus, source minus), so ``quantity`` reads the
  current total in O(1) and a total as of a day from the per-day route totals of that
  location (prefix sums), without scanning moves. Lots are ``""`` for untracked items.
  Optional: ``apply_route_days(routes)`` takes the same quantities grouped per route and
  day, ``(route, {day: quantity})`` pairs (the bulk path's form, which spares a
  ``QuantityDelta`` per route and day); it must store exactly what ``apply_quantities``
  stores for them. A repository without it gets ``apply_quantities`` of the same
  deltas (:func:`store_route_days`); the conformance kit checks it when offered.
  ``lowest_quantity`` (the stock check of a backdated move) also reads the done moves
  dated after its day, in (date, seq) order, for the points between two days' ends.
  Virtual locations have quantities too: an item's quantities always sum to zero over
  all locations.
* **reservations**: a running reserved quantity per (item, location).
* **valuation**: per item, the cost records ordered by ``(day, seq)`` (unique) and the
  engine's current state; ``value`` sums an item's records up to a day without a scan.
  Quantities here are integer steps of the item's unit and values integer minor units
  (like the ledger's amounts). ``cost_checkpoint`` finds the latest record
  at or before a key that carries a snapshot, so a backdated event replays only the
  records after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple, Protocol

from backoffice_core.inventory.counts import Count
from backoffice_core.inventory.items import Item
from backoffice_core.inventory.locations import Location
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move, QuantityDelta
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.units import Unit
from backoffice_core.inventory.valuation import CostRecord, CostState
from backoffice_core.ports import UnitOfWork

__all__ = ["InventoryRepository", "InventoryUnitOfWork", "Route", "RouteDays", "StockRow",
           "store_route_days"]

#: a route along which stock moves: ``(sku, source, destination, lot)``
Route = tuple[str, str, str, str]
#: quantities grouped per route: ``(route, {day: quantity})``
RouteDays = tuple[Route, Mapping[date, Decimal]]


def store_route_days(repo: InventoryRepository, routes: Iterable[RouteDays]) -> None:
    """Store quantities grouped per route and day: through the repository's optional
    ``apply_route_days``, or as one :class:`~backoffice_core.inventory.moves.QuantityDelta`
    per route and day through ``apply_quantities``.

    Example:
        >>> from datetime import date
        >>> from decimal import Decimal
        >>> class Flat:  # a repository without the optional method
        ...     def apply_quantities(self, deltas):
        ...         print([(d.destination, d.day.day, d.quantity) for d in deltas])
        >>> store_route_days(Flat(), [(("A", "supplier", "WH", ""),  # type: ignore[arg-type]
        ...     {date(2026, 2, 1): Decimal(3), date(2026, 2, 2): Decimal(1)})])
        [('WH', 1, Decimal('3')), ('WH', 2, Decimal('1'))]
    """
    grouped = getattr(repo, "apply_route_days", None)
    if grouped is not None:
        grouped(routes)
    else:
        repo.apply_quantities([QuantityDelta(*route, day, q) for route, per_day in routes
                               for day, q in per_day.items()])


class StockRow(NamedTuple):
    """A quantity of one item at one location and lot (``""`` when untracked)."""

    sku: str
    location: str
    lot: str
    quantity: Decimal


class InventoryRepository(Protocol):
    """Storage of one book's inventory, used inside a unit of work.

    Every list a read returns is a new one the caller may change (``Inventory.items()``
    hands ``list_items()`` to the host), never the adapter's own.
    """

    # sequence (the write lock)
    def allocate_seq(self, count: int) -> int:
        """Reserve ``count`` consecutive move sequence numbers; returns the first."""
        ...

    # units
    def get_unit(self, code: str) -> Unit | None:
        """The book's own unit ``code`` (standard units are not stored), or ``None``."""
        ...

    def add_unit(self, unit: Unit) -> None:
        """Store a new unit; a taken code raises ``DuplicateError``."""
        ...

    def list_units(self) -> list[Unit]:
        """The book's own units, by code."""
        ...

    # items
    def get_item(self, sku: str) -> Item | None:
        """The item ``sku``, or ``None``."""
        ...

    def add_item(self, item: Item) -> None:
        """Store a new item; a taken sku raises ``DuplicateError``."""
        ...

    def update_item(self, item: Item, expected_version: int) -> None:
        """Replace an item whose stored version is ``expected_version``."""
        ...

    def list_items(self) -> list[Item]:
        """Every item, by sku."""
        ...

    # locations
    def get_location(self, code: str) -> Location | None:
        """The book's own location ``code`` (built-in virtual ones are not stored)."""
        ...

    def add_location(self, location: Location) -> None:
        """Store a new location; a taken code raises ``DuplicateError``."""
        ...

    def list_locations(self) -> list[Location]:
        """The book's own locations, by code."""
        ...

    # lots
    def get_lot(self, sku: str, code: str) -> Lot | None:
        """Lot ``code`` of item ``sku``, or ``None``."""
        ...

    def add_lot(self, lot: Lot) -> None:
        """Store a new lot; a taken (sku, code) raises ``DuplicateError``."""
        ...

    def list_lots(self, sku: str) -> list[Lot]:
        """The lots of ``sku``, by code."""
        ...

    # moves
    def add_moves(self, moves: Sequence[Move]) -> None:
        """Store new moves; a taken id raises ``DuplicateError``."""
        ...

    def get_move(self, move_id: str) -> Move | None:
        """The move ``move_id``, or ``None``."""
        ...

    def update_move(self, move: Move, expected_version: int) -> None:
        """Replace a draft or reserved move whose version is ``expected_version`` (a state
        change, or a reserved move's lower quantity when a count splits it)."""
        ...

    def iter_moves(self, sku: str | None = None, start: date | None = None,
                   end: date | None = None) -> Iterator[Move]:
        """Moves ordered by (date, seq), optionally of one item and within dates."""
        ...

    def open_moves(self, sku: str | None = None) -> list[Move]:
        """Draft and reserved moves, by seq."""
        ...

    def returns_of(self, move_id: str) -> list[Move]:
        """Moves whose ``origin`` is ``move_id``, by seq."""
        ...

    # quantities
    def apply_quantities(self, deltas: Iterable[QuantityDelta]) -> None:
        """Add each delta to its route's per-day total, to the destination's running quantity,
        and take it from the source's."""
        ...

    def quantity(self, sku: str, location: str, lot: str | None = None,
                 day: date | None = None) -> Decimal:
        """Quantity at one location (exactly, no children): of one lot, or of every lot
        when ``lot`` is ``None``; current, or over moves dated on or before ``day``."""
        ...

    def lowest_quantity(self, sku: str, location: str, lot: str, day: date) -> Decimal:
        """The lowest quantity of (sku, location, lot) from the end of ``day`` on.

        That is the lowest of: the quantity at the end of ``day`` and of every later day,
        and the running quantity after each later *done move* in (date, seq) order (a day
        can dip below both its opening and its closing quantity between two of its moves).
        A move booked on ``day`` comes after every stored move of that day, so stock never
        goes below zero at any point if this is at least the quantity it takes. It reads
        only what follows ``day``: the current total when nothing moved later.
        """
        ...

    def stock(self, sku: str | None = None, day: date | None = None) -> list[StockRow]:
        """Every non-zero quantity (of one item, or all), current or as of ``day``."""
        ...

    # reservations
    def apply_reservations(self, deltas: Iterable[tuple[str, str, Decimal]]) -> None:
        """Add ``(sku, location, quantity)`` deltas to the reserved quantities."""
        ...

    def reserved(self, sku: str, location: str) -> Decimal:
        """The quantity of ``sku`` reserved at ``location``."""
        ...

    # valuation
    def get_cost_state(self, sku: str) -> CostState | None:
        """The costing engine's current state for ``sku``, or ``None`` before any event."""
        ...

    def save_cost_state(self, sku: str, state: CostState) -> None:
        """Replace the costing state of ``sku``."""
        ...

    def add_cost_records(self, records: Sequence[CostRecord]) -> None:
        """Store new cost records; a taken (sku, day, seq) or event raises ``DuplicateError``."""
        ...

    def replace_cost_records(self, records: Sequence[CostRecord]) -> None:
        """Replace stored records (same sku, day, seq and event) with re-computed outcomes."""
        ...

    def get_cost_record(self, event: str) -> CostRecord | None:
        """The cost record of ``event`` (a move, landed cost or revaluation id), or ``None``."""
        ...

    def cost_records(self, sku: str, start: tuple[date, int] | None = None,
                     end: tuple[date, int] | None = None) -> list[CostRecord]:
        """The records of ``sku`` with ``start <= (day, seq) <= end``, in that order."""
        ...

    def cost_checkpoint(self, sku: str, key: tuple[date, int]) -> CostRecord | None:
        """The latest record of ``sku`` at or before ``key`` that carries a snapshot."""
        ...

    def value(self, sku: str, day: date | None = None) -> tuple[int, int]:
        """``(steps, minor units)`` of ``sku``'s valued stock, current or as of ``day``: the
        sums of ``signed_quantity`` and ``value`` over its records dated on or before it.

        Without scanning the records: an adapter keeps running sums (the memory adapter
        keeps prefix sums beside the ordered records; SQL can keep a per-day table
        maintained by ``add_cost_records`` and ``replace_cost_records``).
        """
        ...

    def values(self, day: date | None = None) -> list[tuple[str, int, int]]:
        """``(sku, steps, minor units)`` for every item with cost records, by sku (the
        stock valuation lists its lines in this order)."""
        ...

    # counts
    def add_count(self, count: Count) -> None:
        """Store a new count; a taken id raises ``DuplicateError``."""
        ...

    def get_count(self, count_id: str) -> Count | None:
        """The count ``count_id``, or ``None``."""
        ...

    def update_count(self, count: Count, expected_version: int) -> None:
        """Replace a count whose stored version is ``expected_version``."""
        ...

    def list_counts(self) -> list[Count]:
        """Every count, by id."""
        ...

    # replenishment
    def save_reorder_rule(self, rule: ReorderRule, expected_version: int | None) -> None:
        """Create (``expected_version=None``; taken: ``DuplicateError``) or replace a rule."""
        ...

    def delete_reorder_rule(self, sku: str, location: str) -> None:
        """Remove the rule of (sku, location); a missing one raises ``NotFoundError``."""
        ...

    def list_reorder_rules(self) -> list[ReorderRule]:
        """Every reorder rule, by (sku, location)."""
        ...


class InventoryUnitOfWork(UnitOfWork, Protocol):
    """A unit of work whose store also keeps an inventory (the memory store does)."""

    @property
    def inventory(self) -> InventoryRepository:
        """The inventory repository inside this unit of work."""
        ...
