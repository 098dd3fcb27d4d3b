"""Input schema for parties from untrusted JSON, converted to domain values in one place.

Example:
    >>> fields = parse_party({"legal_name": "ООО Ромашка",
    ...                       "tax_ids": [{"scheme": "INN", "value": "7707083893"}],
    ...                       "payment_terms": {"net_days": 14},
    ...                       "credit_limit": {"amount": "5000.00", "currency": "RUB"}})
    >>> fields["tax_ids"][0].value, fields["payment_terms"].description, fields["credit_limit"]
    ('7707083893', 'Net 14 days', Money('5000.00', 'RUB'))
    >>> parse_party({"legal_name": "", "tax_ids": [{"scheme": "INN", "value": "123"}]})
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: legal_name='': 2 invalid field(s); ...
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from backoffice_core.documents.parties import Address, Contact, Party, TaxId
from backoffice_core.documents.rounding import check_minor_unit
from backoffice_core.documents.terms import (
    EarlyPaymentDiscount,
    Instalment,
    PaymentTerms,
    describe,
)
from backoffice_core.money import Money, currency
from backoffice_core.schemas._common import (
    CODE_CHARS,
    FEW_ITEMS,
    MAX_ITEMS,
    NAME_CHARS,
    STRICT,
    DecimalStr,
    Trimmed,
    domain,
    domain_fields,
    validate,
)

__all__ = [
    "AddressIn",
    "ContactIn",
    "MoneyIn",
    "PartyIn",
    "PaymentTermsIn",
    "TaxIdIn",
    "parse_party",
]


class MoneyIn(BaseModel):
    """An amount with its currency: ``{"amount": "12.50", "currency": "EUR"}``.

    Example:
        >>> MoneyIn.model_validate({"amount": "12.50", "currency": "eur"}).to_money()
        Money('12.50', 'EUR')
    """

    model_config = STRICT
    amount: DecimalStr
    currency: str

    @field_validator("currency")
    @classmethod
    def _code(cls, v: str) -> str:
        return str(domain(currency, v).code)

    def to_money(self) -> Money:
        """The :class:`~backoffice_core.money.Money` value (the code upper-cased).

        Example:
            >>> MoneyIn.model_validate({"amount": "1250", "currency": "jpy"}).to_money()
            Money('1250', 'JPY')
        """
        return Money(self.amount, self.currency)


class TaxIdIn(BaseModel):
    """``{"scheme": "VAT" | "INN" | "KPP" | "EIN" | "OTHER", "value": "..."}``.

    Example:
        >>> TaxIdIn.model_validate({"scheme": "EIN", "value": "12-3456789"}).value
        '12-3456789'
    """

    model_config = STRICT
    scheme: Literal["VAT", "INN", "KPP", "EIN", "OTHER"]
    value: Trimmed = Field(max_length=CODE_CHARS)

    @field_validator("value")
    @classmethod
    def _valid(cls, v: str, info: ValidationInfo) -> str:
        scheme = info.data.get("scheme")
        if scheme is not None:
            domain(TaxId, scheme, v)
        return v


class AddressIn(BaseModel):
    """A postal address.

    Example:
        >>> AddressIn.model_validate({"country": "fr", "city": "Lyon"}).to_domain().country
        'FR'
    """

    model_config = STRICT
    lines: list[Annotated[Trimmed, Field(max_length=NAME_CHARS)]] = Field(default_factory=list,
                                                                       max_length=5)
    city: Trimmed = Field(default="", max_length=NAME_CHARS)
    postal_code: Trimmed = Field(default="", max_length=20)
    country: str  # ISO 3166 alpha-2: the domain checks it
    region: Trimmed = Field(default="", max_length=NAME_CHARS)
    kind: Trimmed = Field(default="billing", max_length=40)

    @model_validator(mode="after")
    def _valid(self) -> AddressIn:
        domain_fields(self.to_domain)
        return self

    def to_domain(self) -> Address:
        """The :class:`~backoffice_core.documents.parties.Address`.

        Example:
            >>> a = AddressIn.model_validate({"lines": ["1 Rue de la Paix"], "city": "Paris",
            ...                               "postal_code": "75002", "country": "fr"}).to_domain()
            >>> a.lines, a.postal_code, a.country
            (('1 Rue de la Paix',), '75002', 'FR')
        """
        return Address(self.lines, self.city, self.postal_code, self.country, self.region,
                       self.kind)


class ContactIn(BaseModel):
    """A contact person.

    Example:
        >>> ContactIn.model_validate({"name": "Ann", "phone": "+33 1 23"}).to_domain()
        Contact(name='A***', email='', phone='***23', role='')
    """

    model_config = STRICT
    name: Trimmed = Field(min_length=1, max_length=NAME_CHARS)
    email: Trimmed = Field(default="", max_length=254)  # RFC 5321's longest path
    phone: Trimmed = Field(default="", max_length=40)
    role: Trimmed = Field(default="", max_length=NAME_CHARS)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        domain(Contact, "x", email=v)
        return v

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        domain(Contact, "x", phone=v)
        return v

    @model_validator(mode="after")
    def _valid(self) -> ContactIn:
        domain_fields(self.to_domain)
        return self

    def to_domain(self) -> Contact:
        """The :class:`~backoffice_core.documents.parties.Contact` (its repr masks it).

        Example:
            >>> c = ContactIn.model_validate({"name": " Ann Lee ", "email": "ann@acme.example",
            ...                               "role": "buyer"}).to_domain()
            >>> c.name, c.email, c.role
            ('Ann Lee', 'ann@acme.example', 'buyer')
        """
        return Contact(self.name, self.email, self.phone, self.role)


class _InstalmentIn(BaseModel):
    model_config = STRICT
    percent: DecimalStr = Field(ge=0, le=100)
    days: int = Field(ge=0, le=3660)
    end_of_month: bool = False


class _DiscountIn(BaseModel):
    model_config = STRICT
    percent: DecimalStr = Field(ge=0, le=100)
    days: int = Field(ge=0, le=3660)


class PaymentTermsIn(BaseModel):
    """``{"net_days": 30}`` or ``{"instalments": [{"percent": "50", "days": 0}, ...],
    "discount": {"percent": "2", "days": 10}, "description": "..."}``.

    Example:
        >>> PaymentTermsIn.model_validate({"net_days": 10, "end_of_month": True}
        ...                               ).to_domain().description
        'End of month + 10 days'
    """

    model_config = STRICT
    net_days: int | None = Field(default=None, ge=0, le=3660)
    end_of_month: bool = False
    instalments: list[_InstalmentIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    discount: _DiscountIn | None = None
    description: Trimmed = Field(default="", max_length=NAME_CHARS)

    @model_validator(mode="after")
    def _valid(self) -> PaymentTermsIn:
        if (self.net_days is None) == (not self.instalments):
            raise ValueError("give net_days or instalments (one of them)")
        if self.end_of_month and self.instalments:
            raise ValueError("end_of_month goes with net_days; an instalment has its own")
        domain_fields(self.to_domain)
        return self

    def to_domain(self) -> PaymentTerms:
        """The :class:`~backoffice_core.documents.terms.PaymentTerms`; without a
        ``description``, the one :meth:`PaymentTerms.net` and its siblings write (naming
        the discount).

        Example:
            >>> from datetime import date
            >>> terms = PaymentTermsIn.model_validate({"net_days": 30, "discount": {
            ...     "percent": "2", "days": 10}}).to_domain()
            >>> terms.description, terms.due_date(date(2026, 1, 15))
            ('Net 30 days, 2% discount if paid within 10 days', datetime.date(2026, 2, 14))
        """
        discount = EarlyPaymentDiscount(self.discount.percent, self.discount.days) \
            if self.discount else None
        items: tuple[Instalment, ...]
        if self.net_days is not None:
            items = (Instalment(100, self.net_days, self.end_of_month),)
        else:
            items = tuple(Instalment(i.percent, i.days, i.end_of_month)
                          for i in self.instalments)
        return PaymentTerms(items, discount, self.description or describe(items, discount))


class PartyIn(BaseModel):
    """A party as untrusted input (see :class:`~backoffice_core.documents.parties.Party`).

    Example:
        >>> PartyIn.model_validate({"legal_name": "Acme"}).to_fields()["is_customer"]
        True
    """

    model_config = STRICT
    legal_name: Trimmed = Field(min_length=1, max_length=NAME_CHARS)
    is_customer: bool = True
    is_supplier: bool = False
    kind: Literal["organization", "person"] = "organization"
    code: Trimmed = Field(default="", max_length=CODE_CHARS)
    tax_ids: list[TaxIdIn] = Field(default_factory=list, max_length=FEW_ITEMS)
    addresses: list[AddressIn] = Field(default_factory=list, max_length=FEW_ITEMS)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=FEW_ITEMS)
    currency: str | None = None
    payment_terms: PaymentTermsIn | None = None
    credit_limit: MoneyIn | None = None
    tags: list[Annotated[Trimmed, Field(min_length=1, max_length=CODE_CHARS)]] = Field(
        default_factory=list, max_length=MAX_ITEMS)

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        return None if v is None else str(domain(currency, v).code)

    @model_validator(mode="after")
    def _roles(self) -> PartyIn:
        if not (self.is_customer or self.is_supplier):
            raise ValueError("a party is a customer, a supplier or both")
        domain_fields(lambda: Party("p", **self.to_fields()))  # a negative credit limit...
        if self.credit_limit is not None:  # as create_party: not finer than the minor unit
            domain_fields(check_minor_unit, "credit_limit", self.credit_limit.to_money())
        return self

    def to_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``bo.documents.create_party`` (domain values).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> fields = PartyIn.model_validate({"legal_name": "Acme", "is_supplier": True,
            ...     "tax_ids": [{"scheme": "VAT", "value": "DE 123 456 789"}]}).to_fields()
            >>> p = bo.documents.create_party(**fields)
            >>> p.legal_name, p.is_supplier, p.tax_id("VAT")
            ('Acme', True, 'DE123456789')
        """
        return {
            "legal_name": self.legal_name, "is_customer": self.is_customer,
            "is_supplier": self.is_supplier, "kind": self.kind, "code": self.code,
            "tax_ids": tuple(TaxId(t.scheme, t.value) for t in self.tax_ids),
            "addresses": tuple(a.to_domain() for a in self.addresses),
            "contacts": tuple(c.to_domain() for c in self.contacts),
            "currency": self.currency,
            "payment_terms": self.payment_terms.to_domain() if self.payment_terms else None,
            "credit_limit": self.credit_limit.to_money() if self.credit_limit else None,
            "tags": tuple(self.tags),
        }


def parse_party(data: Any) -> dict[str, Any]:
    """Validate untrusted party data; returns the fields for ``create_party``.

    Raises:
        ValidationError: listing every wrong field with its path in ``errors``.

    Example:
        >>> parse_party({"legal_name": "Acme", "tags": ["VIP"]})["tags"]
        ('VIP',)
    """
    return validate(PartyIn, data).to_fields()
