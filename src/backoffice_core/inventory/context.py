"""The working context of one inventory unit of work: master data, checks, conversions.

:class:`WorkContext` reads items, locations and units once per unit of work
and caches them, and turns caller input into checked values: quantities in the
item's unit (exact, at its precision), costs in minor units, open dates, lots.
Every refusal is a typed error naming the field and the value.
:class:`~backoffice_core.inventory.booking.Booking` builds on it.

Example:
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> _ = bo.inventory.create_item("TEA", "Tea", unit="kg")
    >>> with bo.unit_of_work() as uow:
    ...     ctx = WorkContext(uow)
    ...     ctx.quantity(ctx.item("TEA"), 1250, "g"), ctx.location("customer").role
    (Decimal('1.250'), 'cogs')
"""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from typing import Any, cast

from backoffice_core.dates import check_date
from backoffice_core.errors import (
    BackofficeError,
    InsufficientStockError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from backoffice_core.exact import bounded
from backoffice_core.inventory.items import Item, ItemKind, Tracking, ValuationMethod
from backoffice_core.inventory.locations import VIRTUAL_LOCATIONS, Location
from backoffice_core.inventory.lots import Lot, lot_code
from backoffice_core.inventory.moves import Move, MoveKind, classify
from backoffice_core.inventory.reports import method_name
from backoffice_core.inventory.repository import InventoryRepository, InventoryUnitOfWork
from backoffice_core.inventory.units import (
    STANDARD_UNITS,
    Unit,
    check_quantity,
    check_size,
    convert,
    to_steps,
)
from backoffice_core.inventory.valuation import divide, unit_rate
from backoffice_core.ledger.entries import MAX_MINOR
from backoffice_core.ledger.periods import FiscalYear, check_open
from backoffice_core.money import EXACT, Money, RoundingPolicy, minor_digits, to_decimal, to_minor
from backoffice_core.ports import UnitOfWork
from backoffice_core.text import code_key, lookup_key, not_found

__all__ = ["WorkContext", "returned_of", "short_of"]

_CACHE = 65536  # entries per conversion cache


def short_of(message: str, item: str, location: str, wanted: Decimal, available: Decimal,
             field: str = "quantity") -> InsufficientStockError:
    """An :class:`InsufficientStockError` whose message names item, location, wanted, available.

    Example:
        >>> print(short_of("not enough stock", "WID", "WH", Decimal(5), Decimal(2)))
        quantity=Decimal('5'): not enough stock: item WID at WH, wanted 5, available 2
    """
    with contextlib.suppress(ArithmeticError):  # written like ``wanted``, whatever the store
        available = available.quantize(wanted, context=EXACT)
    return InsufficientStockError(
        f"{message}: item {item} at {location}, wanted {wanted}, available {available}",
        field=field, value=wanted, item=item, location=location, wanted=wanted,
        available=available)


def returned_of(b: WorkContext, move: Move) -> Decimal:
    """What done returns took of ``move``, less what came back of them (a cancelled
    negative receipt line takes its returns back): what is no longer left to return, as
    :meth:`~backoffice_core.inventory.moving.MoveServices.return_move`, a negative
    goods-receipt line and a cancelled receipt all count it.

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
        >>> _ = bo.inventory.create_item("W", "Widget")
        >>> r = bo.inventory.receive("W", 5, location="WH", unit_cost=1, on=date(2026, 3, 1))
        >>> _ = bo.inventory.return_move(r.id, 2, on=date(2026, 3, 2))
        >>> with bo.unit_of_work() as uow:
        ...     returned_of(WorkContext(uow), r)
        Decimal('2')
    """
    total = Decimal(0)
    for r in b.repo.returns_of(move.id):
        if r.done:
            total += r.quantity - sum((u.quantity for u in b.repo.returns_of(r.id) if u.done),
                                      Decimal(0))
    return total

class WorkContext:
    """Master data and checked conversions for one unit of work (cached).

    Args:
        uow: a unit of work of a store that keeps an inventory (``uow.inventory``).
        policy: the rounding policy of costs (the valuation's rounding point).
    """

    def __init__(self, uow: UnitOfWork, *,
                 policy: RoundingPolicy = RoundingPolicy.HALF_UP) -> None:
        repo: InventoryRepository | None = getattr(uow, "inventory", None)
        if repo is None:  # the store offers no inventory capability
            raise StorageError("this store keeps no inventory (its unit of work has no "
                               "'inventory' repository)", field="store",
                               value=type(uow).__name__)
        settings = uow.ledger.get_settings()
        if settings is None:
            raise NotFoundError("the book has no ledger yet; call bo.ledger.setup() first",
                                field="book", value=getattr(uow, "book", None))
        self.uow: InventoryUnitOfWork = cast(InventoryUnitOfWork, uow)
        self.repo: InventoryRepository = repo
        self.policy = policy
        self.currency: str = settings.functional_currency
        self.digits = minor_digits(self.currency)
        self.roles: dict[str, str] = settings.roles
        self.company: str = settings.name
        self._items: dict[str, Item] = {}
        self._locations: dict[str, Location] = {}
        self._flags: dict[str, tuple[bool, bool, str]] = {}  # code -> valued, may go negative, role
        self._kinds: dict[tuple[str, str], MoveKind] = {}
        # conversion caches: unit -> given value -> (quantity, steps); precision -> cost -> rate
        self._quantities: dict[str, dict[Any, tuple[Decimal, int]]] = {}
        self._rates: dict[int, dict[Decimal, tuple[int, int, bool, Decimal]]] = {}
        self._precision: dict[str, int] = {}
        self._routes: dict[tuple[object, object, object],
                           tuple[Item, MoveKind, bool, bool, str | None, str, str]] = {}
        self._units: dict[str, Unit] = {}
        self._years: list[FiscalYear] | None = None
        self.open_days: set[date] = set()

    def item(self, sku: object, field: str = "sku") -> Item:
        """The item ``sku`` (cached), named with or without surrounding spaces, as items
        keep their sku stripped (:func:`~backoffice_core.text.code_key`: ``" WID"`` is
        ``WID``); ``NotFoundError`` naming ``field`` and ``sku`` as given if unknown, and
        ``ValidationError`` if ``sku`` cannot be a code at all (as :meth:`location` and
        :meth:`unit` refuse theirs). Code after it uses ``item.sku``, never ``sku``."""
        found = self._items.get(sku) if isinstance(sku, str) else None
        if found is None:
            code = code_key(sku)  # stripped, as the item keeps its sku
            found = self._items.get(code) if code is not sku and isinstance(code, str) else None
            if found is None:
                found = self.repo.get_item(code) if lookup_key(code) else None
                if found is None:
                    raise not_found("item", field, sku, code=True)
                self._items[found.sku] = found
        return found

    def forget_item(self, sku: str) -> None:
        """Drop a cached item after it changed."""
        self._items.pop(sku, None)
        # (by the item, not the key: a route may name it with surrounding spaces)
        self._routes = {k: v for k, v in self._routes.items() if v[0].sku != sku}
        plans = getattr(self, "_plans", None)
        if plans:
            plans.clear()

    def precision(self, item: Item) -> int:
        """Decimal places of ``item``'s unit (cached)."""
        found = self._precision.get(item.unit)
        if found is None:
            found = self._precision[item.unit] = self.unit(item.unit).precision
        return found

    def classify(self, source: Location, destination: Location) -> MoveKind:
        """:func:`~backoffice_core.inventory.moves.classify`, cached per pair of locations."""
        key = (source.code, destination.code)
        found = self._kinds.get(key)
        if found is None:
            found = self._kinds[key] = classify(source, destination)
        return found

    def route(self, sku: object, source: object, destination: object,
              ) -> tuple[Item, MoveKind, bool, bool, str | None, str, str]:
        """Checked (item, kind, incoming, needs a cost, why it takes none, source code,
        destination code) of a move, cached per route: the codes as the locations keep
        them (``" WH"`` names ``WH``, see :meth:`location`), which the move keeps.

        A move *takes* a cost (``unit_cost`` or ``value``) when it brings a stockable item
        into valued stock from outside (a receipt, a gain, a customer's return not tied to
        its delivery): that cost is what the stock comes in at. It *needs* one when it is a
        receipt of an item not valued at standard cost. Every other move is valued by the
        item's method, or keeps its value, or is not valued at all: the last element says
        which (``None`` when the move takes a cost), so that a cost given with it is
        refused rather than kept on the move unused.

        Raises the typed errors of an unknown item or location, a service item, a move
        from a location to itself, or between two virtual locations.
        """
        key = (sku, source, destination)
        try:
            found = self._routes.get(key)
        except TypeError:  # an unhashable code: item() or location() names it below
            found = None
        if found is not None:
            return found
        item = self.item(sku)
        if item.kind is ItemKind.SERVICE:
            raise ValidationError("a service is not stocked", field="sku", value=sku)
        src = self.location(source, "source")
        dst = self.location(destination, "destination")
        if src.code == dst.code:
            raise ValidationError("source and destination are the same", field="destination",
                                  value=destination)
        kind = self.classify(src, dst)
        incoming = dst.valued and not src.valued
        takes_cost = incoming and item.kind is ItemKind.STOCKABLE
        needs_cost = (takes_cost and kind is MoveKind.RECEIPT
                      and item.valuation is not ValuationMethod.STANDARD)
        no_cost = None
        if not takes_cost:
            if item.kind is not ItemKind.STOCKABLE:
                no_cost = f"a move of item {item.sku} ({item.kind.value}) is counted, not valued"
            elif src.valued and dst.valued:
                no_cost = "a transfer between valued locations keeps the stock's value"
            else:
                no_cost = (f"an issue is valued by the item's method "
                           f"({method_name(item.valuation.value, 'en_US')})")
        found = self._routes[key] = (item, kind, incoming, needs_cost, no_cost, src.code,
                                     dst.code)
        return found

    def _flag(self, code: str) -> tuple[bool, bool, str]:
        found = self._flags.get(code)
        if found is None:
            loc = self.location(code)
            found = self._flags[code] = (loc.valued, loc.allow_negative, loc.role or "")
        return found

    def location(self, code: object, field: str = "location") -> Location:
        """The location ``code`` (the book's own, else a built-in virtual one), named with
        or without surrounding spaces, as :meth:`item` names items: code after it uses
        ``location.code``."""
        found = self._locations.get(code) if isinstance(code, str) else None
        if found is None:
            key = code_key(code)  # stripped, as the location keeps its code
            found = (self._locations.get(key) if key is not code and isinstance(key, str)
                     else None)
            if found is None:
                if lookup_key(key):
                    found = self.repo.get_location(key) or VIRTUAL_LOCATIONS.get(key)
                if found is None:
                    raise not_found("location", field, code, code=True)
                self._locations[found.code] = found
        return found

    def subtree(self, code: object, field: str = "location") -> list[Location]:
        """The location ``code`` and every location under it (parents first)."""
        root = self.location(code, field)
        children: dict[str, list[Location]] = {}
        for loc in self.repo.list_locations():
            if loc.parent:
                children.setdefault(loc.parent, []).append(loc)
        out = [root]
        i = 0
        while i < len(out):
            out.extend(children.get(out[i].code, ()))
            i += 1
        return out

    def valued_codes(self) -> list[str]:
        """Codes of every location whose stock is valued (internal and transit)."""
        own = [loc.code for loc in self.repo.list_locations() if loc.valued]
        return own + [loc.code for loc in VIRTUAL_LOCATIONS.values() if loc.valued]

    def unit(self, code: object, field: str = "unit") -> Unit:
        """The unit ``code`` (the book's own, else a standard one), named with or without
        surrounding spaces, as :meth:`item` names items."""
        found = self._units.get(code) if isinstance(code, str) else None
        if found is None:
            key = code_key(code)  # stripped, as the unit keeps its code
            found = self._units.get(key) if key is not code and isinstance(key, str) else None
            if found is None:
                if lookup_key(key):
                    found = self.repo.get_unit(key) or STANDARD_UNITS.get(key)
                if found is None:
                    raise not_found("unit of measure", field, code, code=True)
                self._units[found.code] = found
        return found

    def quantity(self, item: Item, value: Any, unit: str | None, field: str = "quantity",
                 positive: bool = True) -> Decimal:
        """``value`` as a quantity of ``item``'s unit: checked, converted, at its precision."""
        plain = unit is None or unit == item.unit
        cacheable = plain and positive and (type(value) is Decimal or type(value) is int)
        cache = self.quantities_of(item.unit)
        if cacheable:
            try:
                hit = cache.get(value)
            except TypeError:  # a signalling NaN does not hash; check_quantity names it
                hit, cacheable = None, False
            if hit is not None:
                return hit[0]
        own = self.unit(item.unit)
        if plain:
            q = check_quantity(value, own, field=field, positive=positive)
        else:
            given = self.unit(unit)
            q = convert(check_quantity(value, given, field=field, positive=positive), given,
                        own, field=field)
            if q:  # MAX_QUANTITY and MAX_STEPS of the item's unit
                check_size(q, own, field=field, value=value, converted=True)
        q = q.quantize(own.step, context=EXACT)
        if cacheable and len(cache) < _CACHE:
            cache[value] = (q, to_steps(q, own.precision))
        return q

    def quantities_of(self, unit: str) -> dict[Any, tuple[Decimal, int]]:
        """The cache of checked quantities of ``unit``: given value -> (quantity, steps)."""
        found = self._quantities.get(unit)
        if found is None:
            found = self._quantities[unit] = {}
        return found

    def rates_of(self, precision: int) -> dict[Decimal, tuple[int, int, bool, Decimal]]:
        """The cache of unit costs at ``precision``: cost -> :func:`unit_rate`, whether the
        cost is zero or round (a multiple of 10), the values that may come written in a
        form other than their canonical one (``-0``, ``1E+2``): see :meth:`unit_cost`, and
        the cost as first checked (the bulk path checks afresh an equal cost written
        otherwise, ``1.0`` for ``1``: its form is what a move keeps)."""
        found = self._rates.get(precision)
        if found is None:
            found = self._rates[precision] = {}
        return found

    def cost_in(self, unit: Unit, quantity: Any, unit_cost: Decimal) -> int:
        """Minor units of ``quantity`` of ``unit`` at ``unit_cost`` per ``unit``."""
        q = check_quantity(quantity, unit)
        num, den = unit_rate(unit_cost, self.digits, unit.precision)
        return divide(to_steps(q, unit.precision) * num, den, self.policy)

    def steps(self, item: Item, quantity: Decimal) -> int:
        """``quantity`` of ``item`` as integer steps of its unit."""
        cache = self.quantities_of(item.unit)
        hit = cache.get(quantity)
        if hit is not None:
            return hit[1]
        steps = to_steps(quantity, self.precision(item))
        if len(cache) < _CACHE:
            cache[quantity] = (quantity, steps)
        return steps

    def cost_of(self, item: Item, quantity: Decimal, unit_cost: Decimal) -> int:
        """Minor units of ``quantity`` at ``unit_cost`` (rounded under the policy)."""
        rate = self.rate(unit_cost, self.precision(item))
        return divide(self.steps(item, quantity) * rate[0], rate[1], self.policy)

    def rate(self, unit_cost: Decimal, precision: int) -> tuple[int, int, bool, Decimal]:
        """:func:`unit_rate` of a checked ``unit_cost`` at ``precision`` (cached), and
        whether the cost is zero or round (see :meth:`rates_of`)."""
        cache = self.rates_of(precision)
        rate = cache.get(unit_cost)
        if rate is None:
            rate = (*unit_rate(unit_cost, self.digits, precision),
                    not unit_cost or "E+" in str(unit_cost.normalize(EXACT)), unit_cost)
            if len(cache) < _CACHE:
                cache[unit_cost] = rate
        return rate

    def learn(self, item: Item, value: Any, cost: Any) -> bool:
        """Check a plain move's ``value`` (a quantity of ``item``'s unit) and ``cost`` (a unit
        cost or ``None``) as :meth:`quantity` and :meth:`unit_cost` do, so that the caches of
        :meth:`quantities_of` and :meth:`rates_of` hold them: the bulk path's common case
        then takes them. ``False``, changing nothing, when either fails or a cache is full
        (the general path then checks the move and names the error).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> _ = bo.inventory.create_item("WID", "Widget")
            >>> with bo.unit_of_work() as uow:
            ...     ctx = WorkContext(uow)
            ...     item = ctx.item("WID")
            ...     ok = ctx.learn(item, Decimal(3), Decimal("1.25")), ctx.learn(item, -3, None)
            ...     ok, ctx.quantities_of("pc"), ctx.rates_of(0)[Decimal("1.25")]
            ((True, False), {Decimal('3'): (Decimal('3'), 3)}, (125, 1, False, Decimal('1.25')))
        """
        if (type(value) is not Decimal and type(value) is not int) or (
                cost is not None and type(cost) is not Decimal):  # (the caches' key types)
            return False
        try:
            self.quantity(item, value, None)
            self.unit_cost(cost)
        except BackofficeError:
            return False
        if value not in self.quantities_of(item.unit):
            return False  # the cache is full
        if cost is not None:
            precision = self.precision(item)
            self.rate(cost, precision)
            return cost in self.rates_of(precision)
        return True

    def unit_cost(self, value: Any, field: str = "unit_cost") -> Decimal | None:
        """A non-negative unit cost (``None`` stays ``None``; Money must be in the currency),
        in its canonical form (:func:`~backoffice_core.exact.canonical`: ``1E+2`` as ``100``,
        ``-0`` as ``0``), the form every store gives back; below ``1E+15`` and written with
        at most 40 decimal places (:func:`~backoffice_core.exact.bounded`), as an item's
        standard cost."""
        if value is None:
            return None
        if type(value) is Decimal and value.is_finite() and value >= 0:
            return bounded(value, field=field)
        if isinstance(value, Money):
            if value.code != self.currency:
                raise ValidationError(f"costs are kept in {self.currency}", field=field,
                                      value=value)
            value = value.amount
        cost = to_decimal(value, field=field)
        if cost < 0:
            raise ValidationError("a cost must not be negative", field=field, value=value)
        return bounded(cost, field=field, given=value)

    def check_cost(self, total: int, field: str, value: Any) -> int:
        """``total`` (minor units of one move's or charge's cost), if a book can hold it:
        at most the ledger's largest amount, else a ``ValidationError`` naming ``field``
        and ``value`` as given (so every adapter refuses it alike, before any write)."""
        if not -MAX_MINOR <= total <= MAX_MINOR:
            raise ValidationError(f"the cost comes to more than {MAX_MINOR} minor units, the "
                                  "largest amount a book holds", field=field, value=value)
        return total

    def money(self, value: Any, field: str) -> int:
        """An amount in the book's currency as minor units (Money or a plain number)."""
        money = value if isinstance(value, Money) else Money(to_decimal(value, field=field),
                                                             self.currency)
        if money.code != self.currency:
            raise ValidationError(f"amounts are kept in {self.currency}", field=field,
                                  value=value)
        try:
            minor = to_minor(money)
        except ValidationError as err:
            raise ValidationError(err.message, field=field, value=value) from None
        return self.check_cost(minor, field, value)

    def check_date(self, day: object, field: str = "date") -> date:
        """``day`` must be a date in an open period of the ledger (if it has fiscal years)."""
        day = check_date(day, field)
        if day in self.open_days:
            return day
        if self._years is None:
            self._years = self.uow.ledger.list_fiscal_years()
        check_open(self._years, day, field=field)  # the ledger's own rule
        self.open_days.add(day)
        return day

    def is_open(self, day: date) -> bool:
        """Whether ``day`` passes :meth:`check_date` (it is then in ``open_days``); a day
        refused changes nothing, so that the caller's own check names it."""
        try:
            self.check_date(day)
        except BackofficeError:
            return False
        return True

    def check_lot(self, item: Item, lot: object, quantity: Decimal, expiry: Any = None,
                  *, create: bool = False, planned: bool = False, field: str = "lot") -> str:
        """The lot key of a move (``""`` when untracked): the code as the lot keeps it,
        stripped (:func:`~backoffice_core.inventory.lots.lot_code`). A new lot is made when
        ``create`` (stock comes in), unless the move is only ``planned``: its code is
        checked, and the lot is made when the move is done, so a cancelled plan leaves no
        lot behind."""
        if item.tracking is Tracking.NONE:
            if lot is not None:
                raise ValidationError("this item is not tracked by lot", field=field, value=lot)
            if expiry is not None:  # an expiry belongs to a lot; it would be dropped
                raise ValidationError("this item is not tracked by lot; it has no expiry",
                                      field="expiry", value=expiry)
            return ""
        if lot is None:
            raise ValidationError(f"item {item.sku} is tracked by {item.tracking.value}; "
                                  "name the lot", field=field, value=None)
        code = lot_code(lot, field)  # (stripped, as the lot keeps it)
        if item.tracking is Tracking.SERIAL and quantity != 1:
            raise ValidationError("a serial number moves exactly one unit", field="quantity",
                                  value=quantity)
        known = self.repo.get_lot(item.sku, code)
        if known is None:
            if not create:
                raise NotFoundError("no such lot of this item", field=field, value=lot)
            made = Lot(item.sku, cast(str, lot), expiry)  # (checks the code as given)
            if not planned:
                self.repo.add_lot(made)
        elif expiry is not None and known.expiry != expiry:
            raise ValidationError(f"lot {code} expires on {known.expiry}", field="expiry",
                                  value=expiry)
        return code
