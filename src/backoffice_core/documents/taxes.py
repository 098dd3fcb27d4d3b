"""Tax categories and rates of document lines (EN 16931, UNCL5305 codes).

A :class:`Tax` is a category and a rate in percent. The VAT breakdown of a
document (BG-23) has one row per ``(category, rate)`` pair, the tax's
:attr:`Tax.key`. A reduced rate is the standard category ``S`` with a lower
rate, as EN 16931 has it; :meth:`Tax.reduced` only names it so.

Example:
    >>> Tax.standard(20).key
    ('S', Decimal('20'))
    >>> Tax.exempt("Medical services").category.code
    'E'
    >>> Tax(TaxCategory.ZERO, 5)
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: rate=Decimal('5'): category Z (zero rated) ...
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from backoffice_core.errors import ValidationError
from backoffice_core.money import EXACT, to_decimal
from backoffice_core.text import check_line, check_text

__all__ = ["Tax", "TaxCategory"]


class TaxCategory(enum.Enum):
    """VAT category codes of EN 16931 (UNCL5305 subset), by their accounting meaning.

    Example:
        >>> TaxCategory.from_code("AE") is TaxCategory.REVERSE_CHARGE
        True
    """

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    OUT_OF_SCOPE = "O"
    CANARY_ISLANDS = "L"
    CEUTA_MELILLA = "M"

    @property
    def code(self) -> str:
        """The UNCL5305 code (``"S"``, ``"Z"``, ``"E"``, ``"AE"``...)."""
        return self.value

    @property
    def label(self) -> str:
        """An English label for the category."""
        return _LABELS[self]

    @property
    def takes_rate(self) -> bool:
        """Whether a non-zero rate is allowed (S, L, M); every other category is 0 %."""
        return self in (TaxCategory.STANDARD, TaxCategory.CANARY_ISLANDS,
                        TaxCategory.CEUTA_MELILLA)

    @property
    def needs_reason(self) -> bool:
        """Whether EN 16931 expects an exemption reason in the breakdown (E, AE, K, G, O)."""
        return self in (TaxCategory.EXEMPT, TaxCategory.REVERSE_CHARGE,
                        TaxCategory.INTRA_COMMUNITY, TaxCategory.EXPORT,
                        TaxCategory.OUT_OF_SCOPE)

    @property
    def rule_prefix(self) -> str:
        """The prefix of the category's rules in EN 16931 (BR-S-08, BR-IC-10, ...).

        Example:
            >>> TaxCategory.INTRA_COMMUNITY.rule_prefix
            'IC'
        """
        return _PREFIXES.get(self.value, self.value)

    @property
    def self_assessed(self) -> bool:
        """Whether the buyer self-assesses the VAT of a purchase in this category: reverse
        charge (AE) and an intra-community acquisition of goods (K, the supplier's exempt
        supply; VAT Directive art. 2(1)(b) and 200). The seller owes nothing in either.

        Example:
            >>> [c.code for c in TaxCategory if c.self_assessed]
            ['AE', 'K']
        """
        return self in (TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_COMMUNITY)

    @classmethod
    def from_code(cls, code: str) -> TaxCategory:
        """The category for a UNCL5305 code or a member name (case-insensitive); anything
        else raises ``ValidationError`` naming ``category``.

        Example:
            >>> TaxCategory.from_code("ae"), TaxCategory.from_code("zero").code
            (<TaxCategory.REVERSE_CHARGE: 'AE'>, 'Z')
        """
        if isinstance(code, str):
            text = code.strip().upper()
            for member in cls:
                if text in (member.value, member.name):
                    return member
        raise ValidationError("unknown VAT category; use S, Z, E, AE, K, G, O, L or M",
                              field="category", value=code)


_PREFIXES = {"K": "IC", "L": "IG", "M": "IP"}
_LABELS = {
    TaxCategory.STANDARD: "standard rate",
    TaxCategory.ZERO: "zero rated",
    TaxCategory.EXEMPT: "exempt",
    TaxCategory.REVERSE_CHARGE: "reverse charge",
    TaxCategory.INTRA_COMMUNITY: "intra-community supply",
    TaxCategory.EXPORT: "export outside the EU",
    TaxCategory.OUT_OF_SCOPE: "not subject to VAT",
    TaxCategory.CANARY_ISLANDS: "Canary Islands (IGIC)",
    TaxCategory.CEUTA_MELILLA: "Ceuta and Melilla (IPSI)",
}


def _category(value: Any) -> TaxCategory:
    return value if isinstance(value, TaxCategory) else TaxCategory.from_code(value)


def _rate(value: Any) -> Decimal:
    rate = to_decimal(value, field="rate")
    if rate < 0 or rate >= 1000:
        raise ValidationError("a tax rate is a percentage from 0 up to 1000", field="rate",
                              value=value)
    if rate == rate.to_integral_value():
        return rate.quantize(Decimal(1))
    return rate.normalize(EXACT)  # in the caller's context normalize() would round


def _text(value: Any, field: str, *, one_line: bool = True) -> str:
    if not isinstance(value, str):
        raise ValidationError("must be a string", field=field, value=value)
    text = value.strip()
    if not text.isprintable():  # the text rule of every domain (backoffice_core.text)
        (check_line if one_line else check_text)(field, text)
    return text


def _exemption_reason_text(value: Any) -> str:
    return _text(value, "exemption_reason", one_line=False)


def _exemption_code_text(value: Any) -> str:
    return _text(value, "exemption_code")


def _name_text(value: Any) -> str:
    return _text(value, "name")


@attrs.frozen(slots=True)
class Tax:
    """A VAT category with its rate in percent (``Decimal("20")`` is 20 %).

    Attributes:
        category: the :class:`TaxCategory`.
        rate: percent (BT-119/BT-152); zero except for S, L and M. Stored without
            trailing zeros (``"20.00"`` is kept as ``Decimal("20")``).
        exemption_reason: text printed for exempt, reverse-charge and similar
            categories (BT-120); free text (no control characters but tab and line
            breaks).
        exemption_code: the VATEX code for it (BT-121), e.g. ``"VATEX-EU-AE"``; one line.
        name: a label of our own (``"reduced"``), one line; it does not change the grouping.

    Example:
        >>> Tax.reduced("7").rate, Tax.reduced("7").name
        (Decimal('7'), 'reduced')
        >>> Tax.standard(0)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: rate=Decimal('0'): the standard category ...
    """

    category: TaxCategory = attrs.field(converter=_category)
    rate: Decimal = attrs.field(default=Decimal(0), converter=_rate)
    exemption_reason: str = attrs.field(default="",
                                        converter=_exemption_reason_text)
    exemption_code: str = attrs.field(default="", converter=_exemption_code_text)
    name: str = attrs.field(default="", converter=_name_text)

    def __attrs_post_init__(self) -> None:
        if self.category is TaxCategory.STANDARD and self.rate == 0:
            raise ValidationError("the standard category needs a rate above zero; use "
                                  "Tax.zero() for zero-rated supplies", field="rate",
                                  value=self.rate)
        if not self.category.takes_rate and self.rate != 0:
            raise ValidationError(f"category {self.category.code} ({self.category.label}) "
                                  "has no rate; it must be 0", field="rate", value=self.rate)

    @property
    def key(self) -> tuple[str, Decimal]:
        """The VAT breakdown group: ``(category code, rate)``."""
        return self.category.value, self.rate

    @property
    def fraction(self) -> Decimal:
        """The rate as a fraction (20 % -> ``Decimal("0.2")``)."""
        return self.rate / 100

    @classmethod
    def standard(cls, rate: Any) -> Tax:
        """The standard rate (category S), in percent; a zero rate is refused (that is
        :meth:`zero`).

        Example:
            >>> Tax.standard("19.00").rate, Tax.standard(20).key
            (Decimal('19'), ('S', Decimal('20')))
        """
        return cls(TaxCategory.STANDARD, rate)

    @classmethod
    def reduced(cls, rate: Any) -> Tax:
        """A reduced rate: category S with a lower rate, labelled ``"reduced"``; it is in
        the VAT group of every S tax at that rate.

        Example:
            >>> Tax.reduced(7).key, Tax.reduced(7).name
            (('S', Decimal('7')), 'reduced')
        """
        return cls(TaxCategory.STANDARD, rate, name="reduced")

    @classmethod
    def zero(cls) -> Tax:
        """Zero rated (category Z).

        Example:
            >>> Tax.zero().key
            ('Z', Decimal('0'))
        """
        return cls(TaxCategory.ZERO)

    @classmethod
    def exempt(cls, reason: str = "Exempt from VAT", code: str = "") -> Tax:
        """Exempt (category E), with the reason printed on the document (BT-120) and its
        VATEX code (BT-121). EN 16931 wants one of them (BR-E-10): with neither, a
        ``ValidationError`` names ``exemption_reason`` (so do :meth:`reverse_charge` and
        :meth:`out_of_scope`, BR-AE-10 and BR-O-10).

        Example:
            >>> t = Tax.exempt("Medical care", "VATEX-EU-132-1B")
            >>> t.key, t.exemption_reason, t.exemption_code
            (('E', Decimal('0')), 'Medical care', 'VATEX-EU-132-1B')
            >>> Tax.exempt("", code="VATEX-EU-132-1B").exemption_code
            'VATEX-EU-132-1B'
            >>> Tax.exempt(" ")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: exemption_reason='': category E ...
        """
        return _with_reason(cls(TaxCategory.EXEMPT, 0, reason, code))

    @classmethod
    def reverse_charge(cls, reason: str = "Reverse charge",
                       code: str = "VATEX-EU-AE") -> Tax:
        """Reverse charge (category AE): the buyer accounts for the VAT.

        Example:
            >>> Tax.reverse_charge().exemption_code
            'VATEX-EU-AE'
        """
        return _with_reason(cls(TaxCategory.REVERSE_CHARGE, 0, reason, code))

    @classmethod
    def out_of_scope(cls, reason: str = "Not subject to VAT",
                     code: str = "VATEX-EU-O") -> Tax:
        """Outside the scope of VAT (category O).

        Example:
            >>> Tax.out_of_scope().key, Tax.out_of_scope().exemption_reason
            (('O', Decimal('0')), 'Not subject to VAT')
        """
        return _with_reason(cls(TaxCategory.OUT_OF_SCOPE, 0, reason, code))


def _with_reason(tax: Tax) -> Tax:
    """``tax`` if it has an exemption reason text or code, as EN 16931 wants for its
    category (BR-E-10, BR-AE-10, BR-O-10...); else a ``ValidationError``."""
    if tax.category.needs_reason and not (tax.exemption_reason or tax.exemption_code):
        raise ValidationError(f"category {tax.category.code} ({tax.category.label}) needs "
                              "an exemption reason text or a VATEX code (EN 16931 BR-"
                              f"{tax.category.rule_prefix}-10)", field="exemption_reason",
                              value=tax.exemption_reason)
    return tax

