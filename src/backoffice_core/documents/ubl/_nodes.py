"""Strict reading of UBL elements for the importer: XPath-named errors, amounts, dates.

Example:
    >>> from xml.etree import ElementTree as ET
    >>> el = ET.fromstring(f'<a xmlns:cbc="{NS["cbc"]}"><cbc:IssueDate>2026-02-30'
    ...                    '</cbc:IssueDate></a>')
    >>> Reader("EUR").date(Node(el, "/a").req("cbc:IssueDate"))
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: /a/cbc:IssueDate='2026-02-30': not a date ...
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from xml.etree import ElementTree as ET

from backoffice_core.documents.ubl.common import NS
from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.money import Money, minor_digits

__all__ = ["MAX_INTEGER_DIGITS", "MAX_QUANTITY_DECIMALS", "Node", "Reader", "at_path"]

# ASCII digits only, as XML Schema's decimal and date have them (\d would take "١٢" or "１２")
_NUMBER_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: Numbers read have fewer integer digits than this: the largest amount a book holds has
#: 17 in minor units, quantities and prices 15 (beyond, computing with them overflows).
MAX_INTEGER_DIGITS = 18
#: Quantities read (BT-129, BT-149) have at most this many decimals: the finest price base
#: quantity a document line takes is 1E-15 (a quantity of thousands was kept as given).
MAX_QUANTITY_DECIMALS = 15


def _decimals(text: str) -> int:
    """The decimals written in a number's text (``"1.50"``: 2)."""
    return len(text.split(".", 1)[1]) if "." in text else 0


@contextmanager
def at_path(path: str) -> Iterator[None]:
    """Re-raise any rejection inside as a ``ValidationError`` whose field is ``path``.

    Example:
        >>> from backoffice_core.documents import TaxId
        >>> with at_path("/Invoice/cac:X/cbc:CompanyID"):
        ...     TaxId("VAT", "123")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: /Invoice/cac:X/cbc:CompanyID='123': a VAT ...
    """
    try:
        yield
    except BackofficeError as err:
        detail = f" ({err.field}={err.value!r})" if err.field else ""
        raise ValidationError(f"{err.message}{detail}", field=path, value=err.value) from None


class Node:
    """An element with its XPath, and strict accessors that name the path when they refuse.

    Children are asked for by prefixed name (``"cbc:ID"``); ``all`` numbers them as
    XPath does (``cac:InvoiceLine[2]``).

    Example:
        >>> from xml.etree import ElementTree as ET
        >>> el = ET.fromstring(f'<Invoice xmlns:cbc="{NS["cbc"]}"><cbc:ID>7</cbc:ID></Invoice>')
        >>> root = Node(el, "/Invoice")
        >>> root.req_text("cbc:ID"), root.opt("cbc:Note") is None
        ('7', True)
        >>> root.req("cbc:IssueDate")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: /Invoice/cbc:IssueDate=None: a mandatory ...
    """

    __slots__ = ("el", "path")

    def __init__(self, el: ET.Element, path: str) -> None:
        self.el = el
        self.path = path

    def _matches(self, qname: str) -> list[ET.Element]:
        prefix, local = qname.split(":")
        tag = f"{{{NS[prefix]}}}{local}"
        return [child for child in self.el if child.tag == tag]

    def opt(self, qname: str) -> Node | None:
        """The first child named ``qname``, or ``None``."""
        found = self._matches(qname)
        return Node(found[0], f"{self.path}/{qname}") if found else None

    def req(self, qname: str) -> Node:
        """The first child named ``qname``; refused (naming its path) when missing."""
        node = self.opt(qname)
        if node is None:
            raise ValidationError("a mandatory element is missing", field=f"{self.path}/{qname}",
                                  value=None)
        return node

    def all(self, qname: str) -> list[Node]:
        """Every child named ``qname``, their paths numbered from 1 as in XPath."""
        return [Node(el, f"{self.path}/{qname}[{k}]")
                for k, el in enumerate(self._matches(qname), start=1)]

    def text(self) -> str:
        """The element's text, stripped."""
        return (self.el.text or "").strip()

    def req_text(self, qname: str) -> str:
        """The text of a mandatory child; refused when missing or empty."""
        node = self.req(qname)
        value = node.text()
        if not value:
            raise ValidationError("must not be empty", field=node.path, value=value)
        return value

    def opt_text(self, qname: str) -> str:
        """The text of an optional child (``""`` when absent)."""
        node = self.opt(qname)
        return node.text() if node is not None else ""

    def attr(self, name: str, *, required: bool = True) -> str:
        """An attribute's value; refused (``.../@name``) when required and missing."""
        value = (self.el.get(name) or "").strip()
        if required and not value:
            raise ValidationError("a mandatory attribute is missing",
                                  field=f"{self.path}/@{name}", value=None)
        return value


class Reader:
    """Reads numbers, amounts and dates of one document in currency ``code``, strictly.

    It remembers the XPath of each business term it read (``paths``) and the element of
    each model field (``fields``), so that a broken rule found later can name its element.

    Example:
        >>> from xml.etree import ElementTree as ET
        >>> el = ET.fromstring(f'<a xmlns:cbc="{NS["cbc"]}"><cbc:PayableAmount '
        ...                    'currencyID="EUR">1.005</cbc:PayableAmount></a>')
        >>> Reader("EUR").amount(Node(el, "/a").req("cbc:PayableAmount"))
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: /a/cbc:PayableAmount='1.005': 3 decimals: ...
    """

    def __init__(self, code: str) -> None:
        self.code = code
        self.digits = minor_digits(code)
        self.paths: dict[str, str] = {}
        #: the element of each model field read (``lines[0]``, ``allowances_charges[1]``)
        self.fields: dict[str, Node] = {}

    def number(self, node: Node) -> Decimal:
        """A decimal number in XML notation (ASCII digits; no exponent, no grouping, no
        comma) with fewer than :data:`MAX_INTEGER_DIGITS` digits before the point."""
        text = node.text()
        if not _NUMBER_RE.match(text):
            raise ValidationError("not a decimal number", field=node.path, value=text)
        value = Decimal(text)
        if value and value.adjusted() >= MAX_INTEGER_DIGITS:
            raise ValidationError(f"too large: at most {MAX_INTEGER_DIGITS} digits before the "
                                  "decimal point", field=node.path, value=text)
        return value

    def currency_id(self, node: Node) -> str:
        """An amount's ``currencyID``, refused when not in upper case (``eur``): ISO 4217
        codes are (BR-CL-03)."""
        cur = node.attr("currencyID")
        if cur != cur.upper():
            raise ValidationError("an ISO 4217 code in upper case (BR-CL-03)",
                                  field=f"{node.path}/@currencyID", value=cur)
        return cur

    def amount(self, node: Node, *, code: str | None = None, term: str | None = None
               ) -> Decimal:
        """An amount: its ``currencyID`` must be ``code`` (default: the document's) and
        it may not have more decimals than that currency (BR-DEC); ``term`` records
        its path under that business term."""
        expected = code or self.code
        cur = self.currency_id(node)
        if cur != expected:
            raise ValidationError(f"the amount is in {cur}; {expected} expected",
                                  field=f"{node.path}/@currencyID", value=cur)
        value = self.number(node)
        text = node.text()
        decimals = _decimals(text)
        digits = minor_digits(expected)
        if decimals > digits:
            raise ValidationError(f"{decimals} decimals: {expected} amounts have at most "
                                  f"{digits} (BR-DEC)", field=node.path, value=text)
        if term is not None:
            self.paths[term] = node.path
        return value

    def quantity_decimals(self, node: Node) -> None:
        """Refuse a quantity (already read) with more than :data:`MAX_QUANTITY_DECIMALS`
        decimals written."""
        text = node.text()
        decimals = _decimals(text)
        if decimals > MAX_QUANTITY_DECIMALS:
            raise ValidationError(f"{decimals} decimals: a quantity has at most "
                                  f"{MAX_QUANTITY_DECIMALS}", field=node.path, value=text)

    def opt_amount(self, parent: Node, qname: str, term: str) -> Decimal | None:
        """An optional amount child of ``parent`` (``None`` when absent)."""
        node = parent.opt(qname)
        return None if node is None else self.amount(node, term=term)

    def date(self, node: Node) -> dt.date:
        """A calendar date written ``YYYY-MM-DD``."""
        text = node.text()
        try:
            if not _DATE_RE.match(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError("not a date (YYYY-MM-DD)", field=node.path,
                                  value=text) from None

    def money(self, value: Decimal) -> Money:
        """``value`` as ``Money`` in the document currency."""
        return Money(value, self.code)
