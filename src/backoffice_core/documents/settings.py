"""Per-book settings of the documents domain: own company, series, approval, tolerances.

Example:
    >>> s = DocumentSettings()
    >>> s.pattern("sales_invoice"), s.pattern("payment_in")
    ('INV-{year}-{seq:05}', 'PAY-{year}-{seq:05}')
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.choices import choice
from backoffice_core.documents.model import DocumentType
from backoffice_core.documents.numbering import check_pattern
from backoffice_core.documents.parties import Party
from backoffice_core.documents.rounding import DocumentRounding
from backoffice_core.documents.terms import PaymentTerms
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money, currency_code, not_money, to_decimal
from backoffice_core.text import check_line

__all__ = ["PAYMENT_SERIES", "ApprovalRule", "DocumentSettings", "MatchTolerance"]

#: Numbering series of payments (documents use their type's value as series name).
PAYMENT_SERIES = {"payment_in": "PAY-{year}-{seq:05}", "payment_out": "PAYOUT-{year}-{seq:05}"}


def _series_names() -> set[str]:
    return {t.value for t in DocumentType} | set(PAYMENT_SERIES)


def _type(value: Any) -> DocumentType:
    return choice(DocumentType, value, "type")


def _positive_money(field: str) -> Callable[[Any], Money]:
    def check(value: Any) -> Money:
        if not isinstance(value, Money) or value.amount < 0:
            raise not_money("must be Money, not negative", field, value)
        return value

    return check


def _quantity_percent_pct(value: Any) -> Decimal:
    return _pct("quantity_percent")(value)


def _price_percent_pct(value: Any) -> Decimal:
    return _pct("price_percent")(value)


def _threshold_money(value: Any) -> Money:
    return _positive_money("threshold")(value)


@attrs.frozen(slots=True)
class ApprovalRule:
    """Documents of ``type`` whose tax-inclusive total reaches ``threshold`` need approval.

    A total in another currency than the threshold's is compared at the
    ledger's rate of the document date. With ``approvers`` only those users may
    approve; nobody approves a document they created themselves.

    Example:
        >>> ApprovalRule("purchase_order", Money("10000.00", "EUR"), ("cfo",)).type.value
        'purchase_order'
    """

    type: DocumentType = attrs.field(converter=_type)
    threshold: Money = attrs.field(converter=_threshold_money)
    approvers: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def __attrs_post_init__(self) -> None:
        for i, user in enumerate(self.approvers):  # audit users: one line each
            check_line(f"approvers[{i}]", user)


def _pct(field: str) -> Callable[[Any], Decimal]:
    def convert(value: Any) -> Decimal:
        pct = to_decimal(value, field=field)
        if pct < 0:
            raise ValidationError("a tolerance must not be negative", field=field, value=value)
        return pct

    return convert


@attrs.frozen(slots=True)
class MatchTolerance:
    """How far a supplier bill may differ from the order and the receipt (three-way match).

    Attributes:
        quantity_percent: billed quantity may exceed the received quantity by this
            percentage of it.
        price_percent: billed unit price may differ from the ordered price by this
            percentage of it.

    Example:
        >>> MatchTolerance(quantity_percent=0, price_percent="2.5").price_percent
        Decimal('2.5')
    """

    quantity_percent: Decimal = attrs.field(default=Decimal(0), converter=_quantity_percent_pct)
    price_percent: Decimal = attrs.field(default=Decimal(0), converter=_price_percent_pct)


def _patterns(value: Any) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, dict) else value
    out: dict[str, str] = {}
    names = _series_names()
    for name, pattern in items:
        key = name.value if isinstance(name, DocumentType) else name
        if key not in names:
            raise ValidationError("unknown series; use a document type or payment_in/out",
                                  field="patterns", value=name)
        out[key] = check_pattern(pattern)
    return tuple(sorted(out.items()))


def _vat_rate(value: Any) -> Decimal | None:
    if value is None:
        return None
    rate = to_decimal(value, field="reverse_charge_rate")
    if not 0 < rate <= 100:
        raise ValidationError("a VAT rate in percent, above 0 and at most 100",
                              field="reverse_charge_rate", value=value)
    return rate


def _flag(value: Any, name: str, what: str) -> bool:
    if type(value) is not bool:
        raise ValidationError(f"True ({what}) or False", field=name, value=value)
    return value


def _in_date_order(value: Any) -> bool:
    return _flag(value, "numbers_in_date_order", "numbers follow the document dates")


def _payments_in_date_order(value: Any) -> bool:
    return _flag(value, "payment_numbers_in_date_order",
                 "payment numbers follow the payment dates")


def _rules(value: Any) -> tuple[ApprovalRule, ...]:
    out = tuple(value or ())
    for i, rule in enumerate(out):
        if not isinstance(rule, ApprovalRule):
            raise ValidationError("expected an ApprovalRule", field=f"approval_rules[{i}]",
                                  value=rule)
    return out


def _limits(value: Any) -> tuple[Money, ...]:
    out = tuple(value or ())
    for i, m in enumerate(out):
        _positive_money(f"write_off_limits[{i}]")(m)
    return out


@attrs.frozen(slots=True)
class DocumentSettings:
    """What a book decides about its documents.

    Attributes:
        company: our own company as a :class:`~backoffice_core.documents.parties.Party`
            (the seller on sales documents, the buyer on purchase documents).
        patterns: numbering pattern overrides per series (document type values,
            ``payment_in``, ``payment_out``).
        approval_rules: :class:`ApprovalRule` values.
        rounding: the default :class:`~backoffice_core.documents.rounding.DocumentRounding`
            of new documents.
        payment_terms: default terms for parties without their own.
        write_off_limits: per currency, the largest residual a payment may leave
            and write off automatically (none by default).
        match_tolerance: the three-way match :class:`MatchTolerance`.
        reverse_charge_rate: the VAT rate (percent) at which this book self-assesses
            purchases whose VAT the buyer owes: reverse charge (category AE) and
            intra-community acquisitions of goods (category K). Issuing such a bill posts
            Dr ``vat_input`` / Cr ``vat_reverse_charge`` (else ``vat_output``) on each
            category's base. ``None`` (the default): no self-assessment.
        numbers_in_date_order: ``True`` (the default): a document dated before the one
            that took the number before its own in its series and period is refused at
            issue (numbers follow the dates, as French, Spanish, Italian and German
            (GoBD) rules ask); ``False`` numbers documents in the order they are issued,
            whatever their dates.
        payment_numbers_in_date_order: ``False`` (the default): payments are numbered
            in the order they are recorded, since a payment takes the bank's date and is
            often keyed days later; ``True``: a payment dated before the payment holding
            the number before its own in its series and period is refused, by the same
            check as documents (for books that number receipts or payment vouchers in
            date order).
        version: optimistic-concurrency counter.

    Example:
        >>> s = DocumentSettings(patterns={"sales_invoice": "F{year}{seq:06}"})
        >>> s.pattern("sales_invoice")
        'F{year}{seq:06}'
    """

    company: Party | None = None
    patterns: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_patterns)
    approval_rules: tuple[ApprovalRule, ...] = attrs.field(default=(), converter=_rules)
    rounding: DocumentRounding = attrs.field(factory=DocumentRounding)
    payment_terms: PaymentTerms = attrs.field(factory=lambda: PaymentTerms.net(30))
    write_off_limits: tuple[Money, ...] = attrs.field(default=(), converter=_limits)
    match_tolerance: MatchTolerance = attrs.field(factory=MatchTolerance)
    reverse_charge_rate: Decimal | None = attrs.field(default=None, converter=_vat_rate)
    numbers_in_date_order: bool = attrs.field(default=True, converter=_in_date_order)
    payment_numbers_in_date_order: bool = attrs.field(default=False,
                                                      converter=_payments_in_date_order)
    version: int = 0

    def pattern(self, series: DocumentType | str) -> str:
        """The numbering pattern of ``series`` (a document type or its value, or a payment
        series); an unknown series raises ``ValidationError``.

        Example:
            >>> s = DocumentSettings(patterns={"sales_invoice": "F{year}{seq:06}"})
            >>> s.pattern(DocumentType.SALES_INVOICE), s.pattern("credit_note")
            ('F{year}{seq:06}', 'CN-{year}-{seq:05}')
        """
        key = series.value if isinstance(series, DocumentType) else series
        if not isinstance(key, str) or key not in _series_names():
            raise ValidationError("unknown series; use a document type or payment_in/out",
                                  field="series", value=series)
        for name, pattern in self.patterns:
            if name == key:
                return pattern
        if key in PAYMENT_SERIES:
            return PAYMENT_SERIES[key]
        return DocumentType(key).default_pattern

    def approval_rule(self, type: DocumentType | str) -> ApprovalRule | None:
        """The approval rule for ``type`` (a document type or its value), if any.

        Example:
            >>> s = DocumentSettings(approval_rules=[ApprovalRule(
            ...     "purchase_order", Money("10000.00", "EUR"), ("cfo",))])
            >>> s.approval_rule("purchase_order").threshold, s.approval_rule("quote")
            (Money('10000.00', 'EUR'), None)
        """
        kind = _type(type)
        return next((r for r in self.approval_rules if r.type is kind), None)

    def write_off_limit(self, currency: str) -> Money | None:
        """The automatic write-off limit in ``currency`` (any case), if any.

        Example:
            >>> s = DocumentSettings(write_off_limits=[Money("0.50", "EUR")])
            >>> s.write_off_limit("eur"), s.write_off_limit("USD")
            (Money('0.50', 'EUR'), None)
        """
        code = currency_code(currency)
        return next((m for m in self.write_off_limits if m.code == code), None)
