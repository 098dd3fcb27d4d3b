"""Purchase drafts: reorder suggestions become draft purchase orders, one per supplier.

:meth:`PurchaseServices.purchase_drafts` turns the suggestion list of
:meth:`~backoffice_core.inventory.reordering.ReorderServices.reorder_suggestions` into
draft purchase orders of the documents domain, in one unit of work: all of them,
or, when anything is refused (an unknown supplier, an item without a price), none.
The two domains meet through ids: a line's ``item_id`` is the item's sku, its
``location`` dimension the location the rule watches (so the goods receipt made
from the order receives there), and the order is an ordinary draft that
``bo.documents`` approves, issues and converts.

Open purchase orders count as incoming stock for the reorder rules
(:func:`on_order`), so the next suggestion list does not order the same goods twice.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> from backoffice_core.documents import Tax
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
    >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    >>> _ = bo.inventory.create_item("MUG", "Mug", valuation="standard", standard_cost="2.00")
    >>> _ = bo.inventory.set_reorder_rule("MUG", "WH", reorder_point=5, max_quantity=40)
    >>> s = bo.documents.create_party("Mugs Ltd", is_customer=False, is_supplier=True)
    >>> day = date(2026, 3, 2)
    >>> [po] = bo.inventory.purchase_drafts(bo.inventory.reorder_suggestions(on=day),
    ...                                     supplier=s.id, tax=Tax.standard(20), on=day)
    >>> po.type.value, po.state.value, po.totals.tax_exclusive
    ('purchase_order', 'draft', Money('80.00', 'EUR'))
    >>> bo.inventory.reorder_suggestions(on=day)  # 40 on order: nothing more to order
    []
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from types import TracebackType
from typing import Any

from backoffice_core.dates import check_date
from backoffice_core.documents import Document, Documents, DocumentState, Tax, line
from backoffice_core.documents.model import check_user
from backoffice_core.errors import BackofficeError, StorageError, ValidationError
from backoffice_core.inventory.base import InventoryBase
from backoffice_core.inventory.context import WorkContext
from backoffice_core.inventory.handover_lines import in_item_unit
from backoffice_core.inventory.handovers import (
    document_unit,
    line_location,
    root_locations,
)
from backoffice_core.inventory.items import Item, ValuationMethod
from backoffice_core.inventory.replenishment import ReorderSuggestion
from backoffice_core.money import Money, RoundingPolicy, to_decimal
from backoffice_core.text import code_key

__all__ = ["JoinedUnitOfWork", "PurchaseServices", "documents_in", "last_unit_cost", "on_order"]

_ZERO = Decimal(0)
_OPEN_ORDER = (DocumentState.DRAFT, DocumentState.APPROVED, DocumentState.ISSUED)


class JoinedUnitOfWork:
    """The caller's unit of work lent to another service: it reads and writes there, and
    entering, leaving and committing are left to the caller (who commits once).

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> with bo.unit_of_work() as uow:
        ...     joined = JoinedUnitOfWork(uow)
        ...     with joined as inner:
        ...         inner.commit()  # not the caller's commit
        ...     inner.ledger is uow.ledger
        True
    """

    def __init__(self, uow: Any) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    def __enter__(self) -> JoinedUnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def commit(self) -> None:
        """Nothing: the caller commits."""

    def rollback(self) -> None:
        """Nothing: the caller rolls back."""


def last_unit_cost(ctx: WorkContext, item: Item) -> Decimal | None:
    """The cost of one unit of ``item`` in the book's currency: its standard cost under the
    standard method, else its last known unit cost, else its standard cost, else ``None``.

    Rounded half up to two places more than the currency (document prices may carry
    more decimals than the currency).

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
        >>> _ = bo.inventory.create_item("MUG", "Mug")
        >>> _ = bo.inventory.receive("MUG", 3, location="WH", value="10.00", on=date(2026, 3, 1))
        >>> with bo.unit_of_work() as uow:
        ...     ctx = WorkContext(uow)
        ...     last_unit_cost(ctx, ctx.item("MUG"))
        Decimal('3.3333')
    """
    if item.valuation is ValuationMethod.STANDARD and item.standard_cost is not None:
        return item.standard_cost
    state = ctx.repo.get_cost_state(item.sku)
    if state is not None and state.last_cost is not None and state.last_cost[1]:
        value, steps = state.last_cost
        exact = (Decimal(value).scaleb(ctx.precision(item) - ctx.digits)
                 / Decimal(steps))
        price = RoundingPolicy.HALF_UP.quantize(exact, ctx.digits + 2)
        short = RoundingPolicy.HALF_UP.quantize(exact, ctx.digits)
        return short if short == price else price
    return item.standard_cost


def documents_in(uow: Any, ledger: Any, clock: Any, ids: Any) -> Documents:
    """A documents service that works inside ``uow`` (see :class:`JoinedUnitOfWork`):
    what it writes commits or rolls back with the caller's other writes.

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> with bo.unit_of_work() as uow:
        ...     p = documents_in(uow, bo.ledger, bo.clock, bo.ids).create_party("Mugs Ltd")
        >>> bo.documents.parties()  # the caller did not commit
        []
    """
    return Documents(lambda: JoinedUnitOfWork(uow), ledger, clock, ids)


def on_order(ctx: WorkContext, docs: Documents) -> dict[tuple[str, str], Decimal]:
    """Quantities still to come on open purchase orders, per (sku, location), in the
    items' units: ordered on draft, approved and issued orders, less what issued goods
    receipts converted from them took. ``docs`` is a documents service working in the
    unit of work of ``ctx`` (:func:`documents_in`). Lines of unknown items, or whose location cannot
    be told (no ``location`` dimension and several warehouses), are left out; a store
    without documents has nothing on order.

    Example:
        >>> import backoffice_core as bc
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="EUR", chart="generic")
        >>> with bo.unit_of_work() as uow:
        ...     on_order(WorkContext(uow), documents_in(uow, bo.ledger, bo.clock, bo.ids))
        {}
    """
    try:
        orders = docs.find(type="purchase_order", state=_OPEN_ORDER)
        if not orders:
            return {}
        receipts = docs.find(type="goods_receipt", start=min(o.date for o in orders))
    except StorageError:
        return {}
    taken: dict[tuple[str, str], Decimal] = {}  # in the items' units
    for receipt in receipts:
        if receipt.state.is_issued:
            for ln in receipt.lines:
                qty = in_item_unit(ctx, ln) if ln.source is not None else None
                if ln.source is not None and qty is not None:
                    key = (ln.source.document_id, ln.source.line_id)
                    taken[key] = taken.get(key, _ZERO) + qty
    out: dict[tuple[str, str], Decimal] = {}
    roots = root_locations(ctx)
    for order in orders:
        for ln in order.lines:
            ordered = in_item_unit(ctx, ln)
            if ordered is None or ln.item_id is None:
                continue
            left = ordered - taken.get((order.id, ln.id), _ZERO)
            if left <= 0:
                continue
            try:
                where = line_location(ctx, order.line_dimensions(ln), roots)
            except BackofficeError:
                continue
            out[(ln.item_id, where)] = out.get((ln.item_id, where), _ZERO) + left
    return out


def _by_sku(value: Any, field: str) -> Any:
    """A mapping keyed by SKU with its keys as items keep their SKUs: stripped of
    surrounding white space (:func:`~backoffice_core.text.code_key`), so that ``" WID"``
    names item ``WID`` as it does in every call; anything but a mapping as given. Two keys
    naming one item are refused, a ``ValidationError`` naming ``field`` and the second key.

    Example:
        >>> _by_sku({" WID": 1, "TEA\\n": 2}, "prices"), _by_sku(None, "prices")
        ({'WID': 1, 'TEA': 2}, None)
        >>> _by_sku({"WID": 1, "WID ": 2}, "prices")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: prices='WID ': keys 'WID' and 'WID ' name one item
    """
    if not isinstance(value, Mapping):
        return value
    out: dict[Any, Any] = {}
    given: dict[Any, Any] = {}
    for key, x in value.items():
        code = code_key(key)
        if code in given:
            raise ValidationError(f"keys {given[code]!r} and {key!r} name one item",
                                  field=field, value=key)
        given[code] = key
        out[code] = x
    return out


def _per_sku(value: Any, sku: str, field: str) -> Any:
    if isinstance(value, Mapping):
        if sku not in value:
            raise ValidationError(f"no {field} given for item {sku}", field=f"{field}.{sku}",
                                  value=None)
        return value[sku]
    return value


def _supplier_of(s: ReorderSuggestion, given: str | Mapping[str, str] | None) -> str:
    """Where to order ``s`` from: what the caller gave (for its sku), else its rule's."""
    if isinstance(given, str):
        return given
    party = given.get(code_key(s.sku)) if given is not None else None  # (keys: _by_sku)
    if party is None:
        party = s.supplier
    if party is None:
        raise ValidationError(f"no supplier for item {s.sku}: pass supplier= or set one on "
                              "its reorder rule", field=f"supplier.{s.sku}", value=None)
    if not isinstance(party, str):
        raise ValidationError("a supplier is a party id", field=f"supplier.{s.sku}",
                              value=party)
    return party


class PurchaseServices(InventoryBase):
    """Draft purchase orders from reorder suggestions."""

    def purchase_drafts(self, suggestions: Iterable[ReorderSuggestion], *,
                        supplier: str | Mapping[str, str] | None = None,
                        tax: Tax | Mapping[str, Tax],
                        prices: Mapping[str, Any] | None = None, on: date | None = None,
                        currency: str | None = None, user: str = "system") -> list[Document]:
        """Draft purchase orders for ``suggestions``: one per supplier, one line per
        suggestion, all in one unit of work.

        Args:
            suggestions: :class:`~backoffice_core.inventory.replenishment.ReorderSuggestion`
                values (from :meth:`reorder_suggestions`).
            supplier: the supplier's party id, or a mapping sku -> party id; by default
                (and for a sku the mapping does not name) each suggestion's own, the
                supplier of its reorder rule.
            tax: the lines' :class:`~backoffice_core.documents.Tax`, or a mapping sku -> Tax.
            prices: unit prices per sku (``Money`` in the order's currency, or a number);
                an item without one is priced at its standard cost under the standard
                method, else its last known unit cost, else its standard cost (in the
                book's currency: an order in another currency needs ``prices``).
            on: the orders' date (default: the clock's today).
            currency: the orders' currency (default: the supplier's, else the book's).
            user: who creates the drafts (the documents' audit trail).

        The SKU keys of ``supplier``, ``tax`` and ``prices`` name items as every call does:
        stripped of surrounding white space (``" TEA"`` is item ``TEA``); two keys naming
        one item are refused (a ``ValidationError`` naming the mapping and the key).

        Each line has ``item_id`` = sku, the suggested quantity in the item's unit (its
        UN/ECE Rec. 20 code, or ``C62`` for the item's own unit), the item's name, and
        the dimension ``location`` = the rule's location, and its ``unit_price`` a
        ``Decimal`` in the order's currency (the canonical type of a document line's
        price, whether it came from ``prices`` or from the item's cost). Returns the
        drafts, in the order their suppliers first appear.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import Tax
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
            >>> _ = bo.inventory.create_item("TEA", "Tea", unit="kg")
            >>> _ = bo.inventory.set_reorder_rule("TEA", "WH", reorder_point=2,
            ...                                   order_quantity="12.5")
            >>> s = bo.documents.create_party("Tea Co", is_customer=False, is_supplier=True)
            >>> day = date(2026, 3, 2)
            >>> [po] = bo.inventory.purchase_drafts(bo.inventory.reorder_suggestions(on=day),
            ...     supplier=s.id, tax=Tax.standard(7), prices={"TEA": "18.00"}, on=day)
            >>> ln = po.lines[0]
            >>> ln.item_id, ln.quantity, ln.unit, ln.dimensions, po.totals.tax_inclusive
            ('TEA', Decimal('12.500'), 'KGM', (('location', 'WH'),), Money('240.75', 'EUR'))
        """
        if isinstance(suggestions, (str, bytes)) or not isinstance(suggestions, Iterable):
            raise ValidationError("expected a list of ReorderSuggestion",
                                  field="suggestions", value=suggestions)
        wanted = list(suggestions)
        for i, s in enumerate(wanted):
            if not isinstance(s, ReorderSuggestion):
                raise ValidationError("expected a ReorderSuggestion", field=f"suggestions[{i}]",
                                      value=s)
        if supplier is not None and not isinstance(supplier, str | Mapping):
            raise ValidationError("supplier is a party id or a mapping sku -> party id",
                                  field="supplier", value=supplier)
        if prices is not None:
            if not isinstance(prices, Mapping):
                raise ValidationError("prices is a mapping sku -> unit price", field="prices",
                                      value=prices)
            for sku, price in prices.items():  # every one, used or not: a float is refused
                if price is not None and not isinstance(price, Money):
                    to_decimal(price, field=f"prices.{sku}")
        # keys named as items keep their skus (" WID" is WID); one key per item
        supplier, tax, prices = (_by_sku(supplier, "supplier"), _by_sku(tax, "tax"),
                                 _by_sku(prices, "prices"))
        if not wanted:
            return []
        if currency is not None and (not isinstance(currency, str) or not currency):
            raise ValidationError("currency is an ISO 4217 code", field="currency",
                                  value=currency)
        check_user(user)  # before any draft is built: the documents' own rule
        day = self._clock.today() if on is None else check_date(on, "on")
        with self._work() as b:
            docs = documents_in(b.uow, self._ledger, self._clock, self._ids)
            groups: dict[str, list[Any]] = {}
            for s in wanted:
                groups.setdefault(_supplier_of(s, supplier), []).append(s)
            drafts: list[Document] = []
            for party, items in groups.items():
                try:
                    code = (docs.party(party).currency or b.currency) if currency is None \
                        else currency
                    lines = [self._draft_line(b, s, code, tax, prices) for s in items]
                    drafts.append(docs.create("purchase_order", party, day, lines,
                                              currency=code, user=user))
                except BackofficeError as err:  # the supplier, named as the caller named it
                    if err.field == "party_id":
                        err.field = ("supplier" if isinstance(supplier, str)
                                     else f"supplier.{items[0].sku}")
                    raise
            return drafts

    def _draft_line(self, b: WorkContext, s: ReorderSuggestion, code: str, tax: Any,
                    prices: Mapping[str, Any] | None) -> Any:
        item = b.item(s.sku, f"suggestions.{s.sku}")
        given = prices.get(item.sku) if prices is not None else None  # (keys: _by_sku)
        if given is None:
            cost = last_unit_cost(b, item)
            if cost is None or code != b.currency:
                why = "it has no known cost" if cost is None else \
                    f"its cost is in {b.currency}, the order in {code}"
                raise ValidationError(f"give a price for item {s.sku}: {why}",
                                      field=f"prices.{s.sku}", value=None)
            given = cost
        elif isinstance(given, Money):  # a plain Decimal, as every other document line has
            if given.code != code:
                raise ValidationError(f"the price of item {s.sku} is in {given.code}, the "
                                      f"order in {code}", field=f"prices.{s.sku}",
                                      value=given)
            given = given.amount
        return line(item.name, s.quantity, given, _per_sku(tax, item.sku, "tax"),
                    unit=document_unit(item.unit), item_id=item.sku, location=s.location)
