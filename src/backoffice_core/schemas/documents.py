"""Input schema for documents from untrusted JSON, converted to domain values in one place.

Amounts and quantities are strings (``"19.99"``); floats are refused. Dates
are ``YYYY-MM-DD``. Every wrong field is reported with its path. The bounds are the
domain's, so what passes here is not refused later for them: text has a longest length
(see :mod:`._common`); a quantity may be ``"0"`` (EN 16931 BR-22 asks for a quantity,
not a non-zero one); an allowance is at most 100 percent (a charge may be more), a VAT
rate from 0 up to 1000; the due date and a quote's ``valid_until`` are not before the
document's date. Lists have a largest size (:data:`~._common.MAX_LINES` lines). The
document's own text follows the domain's text rule (:mod:`backoffice_core.text`): no control
characters in its note or dimensions, none at all (tab and line breaks included) in its
party id, external number and buyer reference.

Example:
    >>> spec = parse_document({"type": "sales_invoice", "party_id": "p-1",
    ...     "date": "2026-01-05", "currency": "EUR", "lines": [
    ...         {"description": "Widget", "quantity": "3", "unit_price": "19.99",
    ...          "tax": {"category": "S", "rate": "19"}, "discount_percent": "5"}]})
    >>> spec["lines"][0].allowances_charges[0].percent, spec["date"]
    (Decimal('5'), datetime.date(2026, 1, 5))
    >>> parse_document({"type": "invoice", "party_id": "p-1", "date": "2026-13-01",
    ...     "lines": [{"description": "A", "quantity": 1.5, "unit_price": "1",
    ...                "tax": {"category": "Z", "rate": "7"}}]})
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: type='invoice': 4 invalid field(s); ...
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from backoffice_core.documents._allowances import line_base
from backoffice_core.documents.lines import AllowanceCharge, DocumentLine, dimensions
from backoffice_core.documents.model import DocumentType, check_due_date, check_valid_until
from backoffice_core.documents.rounding import DocumentRounding
from backoffice_core.documents.taxes import Tax, TaxCategory
from backoffice_core.money import currency
from backoffice_core.schemas._common import (
    CODE_CHARS,
    DESCRIPTION_CHARS,
    KEY_CHARS,
    MAX_ITEMS,
    MAX_LINES,
    NOTE_CHARS,
    STRICT,
    TEXT_CHARS,
    DecimalStr,
    Dimensions,
    IsoDate,
    domain,
    domain_fields,
    domain_within,
    validate,
)
from backoffice_core.schemas.parties import PaymentTermsIn
from backoffice_core.text import check_id, check_line, check_text

__all__ = [
    "AllowanceChargeIn",
    "DocumentIn",
    "LineIn",
    "RoundingIn",
    "TaxIn",
    "parse_document",
]

_TYPES = Literal["quote", "sales_order", "sales_invoice", "credit_note", "purchase_order",
                 "supplier_bill", "debit_note", "delivery_note", "goods_receipt"]


class TaxIn(BaseModel):
    """``{"category": "S", "rate": "20"}`` (UNCL5305 code; rate in percent).

    Example:
        >>> TaxIn.model_validate({"category": "AE"}).to_domain().category.label
        'reverse charge'
    """

    model_config = STRICT
    category: str
    rate: DecimalStr = Decimal(0)
    exemption_reason: str = Field(default="", max_length=TEXT_CHARS)
    exemption_code: str = Field(default="", max_length=CODE_CHARS)  # VATEX-EU-AE...

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        return str(domain(TaxCategory.from_code, v).code)

    @field_validator("rate")
    @classmethod
    def _rate(cls, v: Any, info: ValidationInfo) -> Any:
        category = info.data.get("category")
        if category is not None:
            domain(Tax, category, v)
        return v

    @model_validator(mode="after")
    def _valid(self) -> TaxIn:
        domain_fields(self.to_domain)
        return self

    def to_domain(self) -> Tax:
        """The :class:`~backoffice_core.documents.taxes.Tax`.

        Example:
            >>> tax = TaxIn.model_validate({"category": "s", "rate": "19.00"}).to_domain()
            >>> tax.category, tax.rate
            (<TaxCategory.STANDARD: 'S'>, Decimal('19'))
        """
        return Tax(self.category, self.rate, self.exemption_reason, self.exemption_code)


class AllowanceChargeIn(BaseModel):
    """A discount or surcharge: ``{"amount": "5.00"}`` or ``{"percent": "10"}``.

    Example:
        >>> AllowanceChargeIn.model_validate({"percent": "10"}).to_domain().percent
        Decimal('10')
    """

    model_config = STRICT
    is_charge: bool = False
    amount: DecimalStr | None = Field(default=None, ge=0)
    percent: DecimalStr | None = Field(default=None, ge=0)
    base: DecimalStr | None = None
    reason: str = Field(default="", max_length=TEXT_CHARS)
    reason_code: str = Field(default="", max_length=10)
    tax: TaxIn | None = None
    account: str | None = Field(default=None, max_length=CODE_CHARS)

    @field_validator("percent")
    @classmethod
    def _most(cls, v: Any, info: ValidationInfo) -> Any:
        # an allowance takes at most all of its base, as the document's totals have it; a
        # charge may add more than its base
        if v is not None and v > 100 and info.data.get("is_charge") is False:
            raise ValueError("an allowance is at most 100 percent")
        return v

    @model_validator(mode="after")
    def _one(self) -> AllowanceChargeIn:
        if (self.amount is None) == (self.percent is None):
            raise ValueError("give an amount or a percent (not both)")
        domain_fields(self.to_domain)
        return self

    def to_domain(self) -> AllowanceCharge:
        """The :class:`~backoffice_core.documents.lines.AllowanceCharge`.

        Example:
            >>> ac = AllowanceChargeIn.model_validate({"is_charge": True, "amount": "4.90",
            ...     "reason": "Freight", "tax": {"category": "S", "rate": "20"}}).to_domain()
            >>> ac.is_charge, ac.amount, ac.reason, ac.tax.rate
            (True, Decimal('4.90'), 'Freight', Decimal('20'))
        """
        return AllowanceCharge(self.is_charge, self.amount, self.percent, self.base,
                               self.reason, self.reason_code,
                               self.tax.to_domain() if self.tax else None, self.account)


class LineIn(BaseModel):
    """One document line; ``discount_percent`` is a shortcut for a percentage allowance.

    Example:
        >>> LineIn.model_validate({"description": "A", "quantity": "2", "unit_price": "1.5",
        ...                        "tax": {"category": "Z"}}).to_domain().quantity
        Decimal('2')
    """

    model_config = STRICT
    id: str = Field(default="", max_length=CODE_CHARS)
    description: str = Field(default="", max_length=DESCRIPTION_CHARS)
    quantity: DecimalStr
    unit_price: DecimalStr = Field(ge=0)
    tax: TaxIn
    unit: str = Field(default="C62", min_length=1, max_length=8)
    price_includes_tax: bool = False
    price_base_quantity: DecimalStr = Field(default=Decimal(1), gt=0)
    item_id: str | None = Field(default=None, max_length=CODE_CHARS)
    discount_percent: DecimalStr | None = Field(default=None, ge=0, le=100)
    allowances_charges: list[AllowanceChargeIn] = Field(default_factory=list,
                                                        max_length=MAX_ITEMS)
    dimensions: Dimensions = Field(default_factory=dict)
    account: str | None = Field(default=None, max_length=CODE_CHARS)
    note: str = Field(default="", max_length=TEXT_CHARS)

    @model_validator(mode="after")
    def _text(self) -> LineIn:
        if not self.description.strip() and self.item_id is None:
            raise ValueError("a free-text line needs a description")
        domain_fields(self.to_domain)
        for j, ac in enumerate(self.allowances_charges):  # as the totals will have it
            domain_fields(line_base, ac.to_domain(), f"allowances_charges[{j}]")
        return self

    def to_domain(self) -> DocumentLine:
        """The :class:`~backoffice_core.documents.lines.DocumentLine` (``discount_percent``
        becomes its first allowance).

        Example:
            >>> ln = LineIn.model_validate({"description": "Chair", "quantity": "2",
            ...     "unit_price": "150.00", "tax": {"category": "S", "rate": "19"},
            ...     "discount_percent": "5"}).to_domain()
            >>> ln.quantity, ln.unit_price, ln.allowances_charges[0].percent
            (Decimal('2'), Decimal('150.00'), Decimal('5'))
        """
        acs = [a.to_domain() for a in self.allowances_charges]
        if self.discount_percent is not None:
            acs.insert(0, AllowanceCharge.allowance(percent=self.discount_percent,
                                                    reason="Discount"))
        return DocumentLine(self.id, self.description, self.quantity, self.unit_price,
                            self.tax.to_domain(), self.unit, self.price_includes_tax,
                            self.price_base_quantity, self.item_id, tuple(acs),
                            self.dimensions, self.account, None, self.note)


class RoundingIn(BaseModel):
    """``{"scope": "tax_group", "mode": "half_up", "cash_increment": "0.05"}``.

    Example:
        >>> RoundingIn.model_validate({"scope": "line"}).to_domain().scope.value
        'line'
    """

    model_config = STRICT
    scope: Literal["line", "tax_group", "document"] = "tax_group"
    mode: Literal["half_up", "half_even", "up", "down"] = "half_up"
    cash_increment: DecimalStr | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _valid(self) -> RoundingIn:
        domain_fields(self.to_domain)
        return self

    def to_domain(self) -> DocumentRounding:
        """The :class:`~backoffice_core.documents.rounding.DocumentRounding`.

        Example:
            >>> r = RoundingIn.model_validate({"mode": "half_even", "cash_increment": "0.05"}
            ...                               ).to_domain()
            >>> r.scope.value, r.mode.name, r.cash_increment
            ('tax_group', 'HALF_EVEN', Decimal('0.05'))
        """
        return DocumentRounding(self.scope, self.mode, self.cash_increment)


class DocumentIn(BaseModel):
    """A document as untrusted input (see :class:`~backoffice_core.documents.model.Document`).

    Example:
        >>> DocumentIn.model_validate({"type": "quote", "party_id": "p", "date": "2026-01-05",
        ...     "lines": [{"description": "A", "quantity": "1", "unit_price": "1",
        ...                "tax": {"category": "Z"}}]}).to_fields()["type"].value
        'quote'
    """

    model_config = STRICT
    type: _TYPES
    party_id: str = Field(min_length=1, max_length=KEY_CHARS)
    date: IsoDate
    currency: str | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    allowances_charges: list[AllowanceChargeIn] = Field(default_factory=list,
                                                        max_length=MAX_ITEMS)
    due_date: IsoDate | None = None
    payment_terms: PaymentTermsIn | None = None
    rounding: RoundingIn | None = None
    prepaid: DecimalStr | None = Field(default=None, ge=0)
    external_number: str = Field(default="", max_length=KEY_CHARS)
    buyer_reference: str = Field(default="", max_length=KEY_CHARS)
    note: str = Field(default="", max_length=NOTE_CHARS)
    delivery_date: IsoDate | None = None
    valid_until: IsoDate | None = None
    dimensions: Dimensions = Field(default_factory=dict)

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        return None if v is None else str(domain(currency, v).code)

    @field_validator("party_id")
    @classmethod
    def _id(cls, v: str) -> str:
        domain(check_id, "party_id", v)
        return v

    @field_validator("external_number", "buyer_reference")
    @classmethod
    def _one_line(cls, v: str, info: ValidationInfo) -> str:
        domain(check_line, info.field_name, v)  # the document's rule: a reference is one line
        return v

    @field_validator("note")
    @classmethod
    def _free_text(cls, v: str) -> str:
        domain(check_text, "note", v)
        return v

    @field_validator("dimensions")
    @classmethod
    def _dimensions(cls, v: dict[str, str]) -> dict[str, str]:
        domain_within("dimensions", dimensions, v)  # the ledger's rule, as on a line
        return v

    @field_validator("due_date", "valid_until")
    @classmethod
    def _not_before_date(cls, v: Any, info: ValidationInfo) -> Any:
        """The draft rule of a due date or a quote's validity: not before the date."""
        day = info.data.get("date")
        if day is not None:
            rule = check_due_date if info.field_name == "due_date" else check_valid_until
            domain(rule, day, v)
        return v

    @field_validator("rounding")
    @classmethod
    def _cash_step(cls, v: RoundingIn | None, info: ValidationInfo) -> RoundingIn | None:
        """A cash increment in whole minor units of the document's currency, when given."""
        code = info.data.get("currency")
        if v is not None and code is not None:
            domain(v.to_domain().check_currency, code)
        return v

    @field_validator("allowances_charges")
    @classmethod
    def _taxed(cls, v: list[AllowanceChargeIn]) -> list[AllowanceChargeIn]:
        for ac in v:
            if ac.tax is None:
                raise ValueError("a document-level allowance or charge needs a tax")
        return v

    def to_fields(self) -> dict[str, Any]:
        """Arguments for ``bo.documents.create`` (domain values).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> fields = DocumentIn.model_validate({"type": "sales_invoice", "date": "2026-01-05",
            ...     "party_id": bo.documents.create_party("Acme").id, "lines": [{"description":
            ...     "Chair", "quantity": "2", "unit_price": "50.00", "tax": {"category": "S",
            ...     "rate": "20"}}]}).to_fields()
            >>> d = bo.documents.create(**fields)
            >>> d.type.value, d.state.value, d.totals.amount_due
            ('sales_invoice', 'draft', Money('120.00', 'EUR'))
        """
        out: dict[str, Any] = {
            "type": DocumentType(self.type), "party_id": self.party_id, "date": self.date,
            "currency": self.currency, "lines": tuple(ln.to_domain() for ln in self.lines),
            "allowances_charges": tuple(a.to_domain() for a in self.allowances_charges),
            "external_number": self.external_number, "buyer_reference": self.buyer_reference,
            "note": self.note, "dimensions": self.dimensions,
        }
        for name in ("due_date", "delivery_date", "valid_until"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.payment_terms is not None:
            out["payment_terms"] = self.payment_terms.to_domain()
        if self.rounding is not None:
            out["rounding"] = self.rounding.to_domain()
        if self.prepaid is not None:
            out["prepaid"] = self.prepaid  # in the document's currency
        return out


def parse_document(data: Any) -> dict[str, Any]:
    """Validate untrusted document data; returns the arguments for ``bo.documents.create``.

    Raises:
        ValidationError: listing every wrong field with its path in ``errors``.

    Example:
        >>> parse_document({"type": "quote", "party_id": "p", "date": "2026-01-05",
        ...     "lines": [{"description": "A", "quantity": "1", "unit_price": "1",
        ...                "tax": {"category": "Z"}}]})["date"]
        datetime.date(2026, 1, 5)
    """
    return validate(DocumentIn, data).to_fields()
