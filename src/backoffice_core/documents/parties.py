"""Parties: the customers and suppliers a book trades with.

A :class:`Party` is one legal person that can be a customer, a supplier or
both. It carries tax ids under several schemes (EU VAT numbers, Russian INN and
KPP with their check digits, US EIN), addresses, contacts, a default currency,
:class:`~backoffice_core.documents.terms.PaymentTerms` (net days, end of month,
instalments, early-payment discount), a credit limit and free tags.

Personal data (contact names, e-mail addresses, phone numbers, postal
addresses, and the name of a party that is a natural person) is never printed
in full: every ``repr`` masks it, so it cannot leak into logs or tracebacks.
The attributes themselves hold the full values for the code that needs them.

Example:
    >>> acme = Party("p-1", "Acme GmbH", tax_ids=(TaxId("VAT", "DE123456789"),),
    ...              contacts=(Contact("Jane Doe", email="jane.doe@acme.example"),))
    >>> acme.contacts[0]
    Contact(name='J*** D***', email='j***@a***.example', phone='', role='')
    >>> acme.is_customer, acme.tax_id("VAT")
    (True, 'DE123456789')
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from backoffice_core.documents.terms import PaymentTerms
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money, currency, not_money
from backoffice_core.text import check_id, check_line, check_text

_T = TypeVar("_T")

__all__ = [
    "Address",
    "Contact",
    "Party",
    "PartyKind",
    "TaxId",
    "TaxScheme",
    "mask_email",
    "mask_phone",
    "mask_text",
    "valid_inn",
]


# ---------------------------------------------------------------------------- masking
def mask_text(value: str) -> str:
    """Keep the first character of each word and hide the rest.

    Example:
        >>> mask_text("Jane van Doe")
        'J*** v*** D***'
        >>> mask_text("")
        ''
    """
    return " ".join(w[0] + "***" for w in value.split())


def mask_email(value: str) -> str:
    """Hide an e-mail address but its first letters and its top-level domain.

    Example:
        >>> mask_email("jane.doe@example.com")
        'j***@e***.com'
        >>> mask_email("not-an-address")
        'n***'
    """
    if "@" not in value:
        return mask_text(value)
    local, _, domain = value.partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    return f"{local[:1]}***@{host[:1]}***" + (f".{tld}" if tld else "")


def mask_phone(value: str) -> str:
    """Hide a phone number except its last two digits.

    Example:
        >>> mask_phone("+49 30 1234567")
        '***67'
    """
    digits = re.sub(r"\D", "", value)
    return f"***{digits[-2:]}" if digits else ""


# ---------------------------------------------------------------------------- tax ids
class TaxScheme(enum.Enum):
    """The scheme a tax id belongs to.

    ``VAT``: an EU-style VAT number with its two-letter country prefix;
    ``INN``: Russian taxpayer number (10 digits for organisations, 12 for
    individuals; check digits verified); ``KPP``: Russian registration reason
    code (9 characters); ``EIN``: US employer identification number;
    ``OTHER``: anything else (kept as given).

    Example:
        >>> TaxScheme("KPP").name
        'KPP'
    """

    VAT = "VAT"
    INN = "INN"
    KPP = "KPP"
    EIN = "EIN"
    OTHER = "OTHER"


_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def valid_inn(value: str) -> bool:
    """True when ``value`` is a Russian INN whose check digits are right.

    Example:
        >>> valid_inn("7707083893"), valid_inn("7707083894")
        (True, False)
    """
    if not value.isdigit() or not value.isascii():
        return False
    if len(value) == 10:
        return _check_digit(value, _INN10) == int(value[9])
    if len(value) == 12:
        return (_check_digit(value, _INN11) == int(value[10])
                and _check_digit(value, _INN12) == int(value[11]))
    return False


_VAT_RE = re.compile(r"^[A-Z]{2}[0-9A-Z+*.]{2,13}$")
_KPP_RE = re.compile(r"^\d{4}[0-9A-Z]{2}\d{3}$")
_EIN_RE = re.compile(r"^\d{9}$")


def _scheme(value: Any) -> TaxScheme:
    if isinstance(value, TaxScheme):
        return value
    if isinstance(value, str):
        try:
            return TaxScheme(value.upper())
        except ValueError:
            pass
    raise ValidationError("unknown tax id scheme; use VAT, INN, KPP, EIN or OTHER",
                          field="scheme", value=value)


def _normalize_tax_id(scheme: TaxScheme, raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("tax id must be a non-empty string", field="value", value=raw)
    if not raw.isprintable():
        check_line("value", raw.strip())
    value = re.sub(r"[\s\-]", "", raw).upper() if scheme is not TaxScheme.OTHER else raw.strip()
    if scheme is TaxScheme.VAT and not _VAT_RE.match(value):
        raise ValidationError("a VAT number starts with a two-letter country code followed "
                              "by 2-13 letters or digits", field="value", value=raw)
    if scheme is TaxScheme.INN and not valid_inn(value):
        raise ValidationError("not a valid INN (10 or 12 digits with correct check digits)",
                              field="value", value=raw)
    if scheme is TaxScheme.KPP and not _KPP_RE.match(value):
        raise ValidationError("a KPP has 9 characters: 4 digits, 2 digits or letters, "
                              "3 digits", field="value", value=raw)
    if scheme is TaxScheme.EIN and (not _EIN_RE.match(value) or value.startswith("00")):
        raise ValidationError("an EIN has 9 digits (12-3456789)", field="value", value=raw)
    return value


@attrs.frozen(slots=True, init=False)
class TaxId:
    """A tax identifier under one scheme, validated and normalized on creation.

    Spaces and dashes are removed and letters upper-cased (``12-3456789`` is
    stored as ``123456789``). An INN must pass its check-digit test.

    Attributes:
        scheme: the :class:`TaxScheme`.
        value: the normalized identifier.

    Example:
        >>> TaxId("INN", "7707083893")
        TaxId(scheme=<TaxScheme.INN: 'INN'>, value='7707083893')
        >>> TaxId("INN", "7707083894")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: value='7707083894': not a valid INN ...
    """

    scheme: TaxScheme
    value: str

    def __init__(self, scheme: TaxScheme | str, value: str) -> None:
        sch = _scheme(scheme)
        self.__attrs_init__(sch, _normalize_tax_id(sch, value))

    @property
    def country(self) -> str | None:
        """The ISO 3166 country the id belongs to, when the scheme implies one."""
        if self.scheme is TaxScheme.VAT:
            return "GR" if self.value[:2] == "EL" else self.value[:2]
        if self.scheme in (TaxScheme.INN, TaxScheme.KPP):
            return "RU"
        if self.scheme is TaxScheme.EIN:
            return "US"
        return None


# ---------------------------------------------------------------------------- contact data
def _text(value: Any, field: str, *, required: bool = False, limit: int = 500,
          one_line: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError("must be a string", field=field, value=value)
    text: str = value.strip()
    if required and not text:
        raise ValidationError("must not be empty", field=field, value=text)
    if len(text) > limit:
        raise ValidationError(f"longer than {limit} characters", field=field, value=text)
    if not text.isprintable():  # names and addresses keep tab and line breaks; codes do not
        if one_line:
            check_line(field, text)
        check_text(field, text)
    return text


def _country(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        raise ValidationError("country must be an ISO 3166 alpha-2 code", field="country",
                              value=value)
    return str(value).strip().upper()


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable):
        raise ValidationError("address lines must be strings", field="lines", value=value)
    return tuple(_text(v, f"lines[{i}]") for i, v in enumerate(value) if v)


def _city_text(value: Any) -> str:
    return _text(value, "city")


def _postal_code_text(value: Any) -> str:
    return _text(value, "postal_code", limit=20, one_line=True)


def _region_text(value: Any) -> str:
    return _text(value, "region")


def _kind_text(value: Any) -> str:
    return _text(value, "kind", limit=40)


def _name_text(value: Any) -> str:
    return _text(value, "name", required=True)


def _role_text(value: Any) -> str:
    return _text(value, "role")


def _legal_name_text(value: Any) -> str:
    return _text(value, "legal_name", required=True)


def _code_text(value: Any) -> str:
    return _text(value, "code", limit=64, one_line=True)


def _tax_ids_tuple(value: Any) -> tuple[TaxId, ...]:
    return _tuple_of(TaxId, "tax_ids")(value)


def _addresses_tuple(value: Any) -> tuple[Address, ...]:
    return _tuple_of(Address, "addresses")(value)


def _contacts_tuple(value: Any) -> tuple[Contact, ...]:
    return _tuple_of(Contact, "contacts")(value)


@attrs.frozen(slots=True, repr=False)
class Address:
    """A postal address. Personal data: its ``repr`` shows only the country.

    Attributes:
        lines: street lines (BT-35, BT-36...).
        city: city name.
        postal_code: post code.
        country: ISO 3166 alpha-2 code.
        region: state, province or region (optional).
        kind: what it is for, e.g. ``"billing"``, ``"shipping"`` (free text).

    Example:
        >>> Address(["Hauptstr. 1"], "Berlin", "10115", "de")
        Address(country='DE', city='B***', lines=1)
    """

    lines: tuple[str, ...] = attrs.field(converter=_lines)
    city: str = attrs.field(converter=_city_text)
    postal_code: str = attrs.field(converter=_postal_code_text)
    country: str = attrs.field(converter=_country)
    region: str = attrs.field(default="", converter=_region_text)
    kind: str = attrs.field(default="billing", converter=_kind_text)

    def __repr__(self) -> str:
        return f"Address(country={self.country!r}, city={mask_text(self.city)!r}, " \
               f"lines={len(self.lines)})"


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: Any) -> str:
    text = _text(value, "email", limit=254)
    if text and not _EMAIL_RE.match(text):
        raise ValidationError("not an e-mail address", field="email", value=mask_email(text))
    return text


def _phone(value: Any) -> str:
    text = _text(value, "phone", limit=40)
    if text and not re.fullmatch(r"\+?[\d\s()./-]{3,}", text):
        raise ValidationError("a phone number holds digits, spaces and + ( ) . / -",
                              field="phone", value=mask_phone(text))
    return text


@attrs.frozen(slots=True, repr=False)
class Contact:
    """A person to talk to at a party. Personal data: masked in ``repr``.

    Attributes:
        name: the person's name.
        email: e-mail address (checked for shape).
        phone: phone number.
        role: what they do for us (``"accounts payable"``...).

    Example:
        >>> Contact("Ivan Petrov", email="ivan@example.ru", phone="+7 495 123-45-67")
        Contact(name='I*** P***', email='i***@e***.ru', phone='***67', role='')
    """

    name: str = attrs.field(converter=_name_text)
    email: str = attrs.field(default="", converter=_email)
    phone: str = attrs.field(default="", converter=_phone)
    role: str = attrs.field(default="", converter=_role_text)

    def __repr__(self) -> str:
        return (f"Contact(name={mask_text(self.name)!r}, email={mask_email(self.email)!r}, "
                f"phone={mask_phone(self.phone)!r}, role={self.role!r})")


# ---------------------------------------------------------------------------- party
class PartyKind(enum.Enum):
    """An organisation, or a natural person (whose name is then personal data).

    Example:
        >>> PartyKind("person")
        <PartyKind.PERSON: 'person'>
    """

    ORGANIZATION = "organization"
    PERSON = "person"


def _tuple_of(kind: type[_T], field: str) -> Callable[[Any], tuple[_T, ...]]:
    def convert(value: Any) -> tuple[_T, ...]:
        if value is None:
            return ()
        items = tuple(value)
        for i, item in enumerate(items):
            if not isinstance(item, kind):
                raise ValidationError(f"expected {kind.__name__}", field=f"{field}[{i}]",
                                      value=item)
        return items

    return convert


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    out = []
    for i, tag in enumerate(value):
        text = tag.strip() if isinstance(tag, str) else ""  # measured as kept: stripped
        if not text or len(text) > 64:
            raise ValidationError("tags are non-empty strings of at most 64 characters "
                                  "(surrounding white space not counted)", field=f"tags[{i}]",
                                  value=tag)
        if not text.isprintable():
            check_line(f"tags[{i}]", text)
        out.append(text.lower())
    return tuple(sorted(set(out)))


def _optional_currency(value: Any) -> str | None:
    if value is None:
        return None
    return str(currency(value).code)


def _credit_limit(value: Any) -> Money | None:
    if value is None:
        return None
    if not isinstance(value, Money):
        raise not_money("credit limit must be Money", "credit_limit", value)
    if value.amount < 0:
        raise ValidationError("credit limit must not be negative", field="credit_limit",
                              value=value)
    return value


def _kind(value: Any) -> PartyKind:
    if isinstance(value, PartyKind):
        return value
    try:
        return PartyKind(value)
    except ValueError:
        raise ValidationError("party kind is 'organization' or 'person'", field="kind",
                              value=value) from None


@attrs.frozen(slots=True, repr=False)
class Party:
    """A customer and/or supplier.

    Attributes:
        id: identifier (from the book's id generator).
        legal_name: registered name (BT-44 / BT-27).
        is_customer, is_supplier: its roles; at least one is true.
        kind: organisation or natural person.
        code: our own short reference (customer or supplier number).
        tax_ids: :class:`TaxId` values, several schemes allowed.
        addresses: :class:`Address` values (the first is the default).
        contacts: :class:`Contact` values.
        currency: default currency of its documents, or ``None`` (the book's).
        payment_terms: default :class:`~backoffice_core.documents.terms.PaymentTerms`,
            or ``None`` (the book's default).
        credit_limit: the most it may owe us, or ``None`` for no limit.
        tags: lower-case labels for search and grouping, each 1-64 characters once
            stripped of surrounding white space (as kept).
        archived: archived parties stay readable but take no new documents.
        version: optimistic-concurrency counter.

    Example:
        >>> Party("p-2", "Jane Doe", kind="person", is_supplier=True, tags=["VIP"])
        Party(id='p-2', legal_name='J*** D***', customer=True, supplier=True, tags=('vip',),
              version=0)
    """

    id: str
    legal_name: str = attrs.field(converter=_legal_name_text)
    is_customer: bool = True
    is_supplier: bool = False
    kind: PartyKind = attrs.field(default=PartyKind.ORGANIZATION, converter=_kind)
    code: str = attrs.field(default="", converter=_code_text)
    tax_ids: tuple[TaxId, ...] = attrs.field(default=(), converter=_tax_ids_tuple)
    addresses: tuple[Address, ...] = attrs.field(default=(),
                                                 converter=_addresses_tuple)
    contacts: tuple[Contact, ...] = attrs.field(default=(),
                                                converter=_contacts_tuple)
    currency: str | None = attrs.field(default=None, converter=_optional_currency)
    payment_terms: PaymentTerms | None = None
    credit_limit: Money | None = attrs.field(default=None, converter=_credit_limit)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    archived: bool = False
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValidationError("party id must be a non-empty string", field="id",
                                  value=self.id)
        check_id("id", self.id)  # stored in an index
        if not (self.is_customer or self.is_supplier):
            raise ValidationError("a party is a customer, a supplier or both",
                                  field="is_customer", value=self.is_customer)

    def __repr__(self) -> str:
        name = mask_text(self.legal_name) if self.kind is PartyKind.PERSON else self.legal_name
        return (f"Party(id={self.id!r}, legal_name={name!r}, customer={self.is_customer}, "
                f"supplier={self.is_supplier}, tags={self.tags!r}, version={self.version})")

    def tax_id(self, scheme: TaxScheme | str) -> str | None:
        """The first tax id under ``scheme`` (a :class:`TaxScheme` or its name, any case),
        normalized, or ``None``; an unknown scheme raises ``ValidationError``.

        Example:
            >>> p = Party("p-1", "Acme GmbH", tax_ids=[TaxId("VAT", "DE 123 456 789")])
            >>> p.tax_id("vat"), p.tax_id(TaxScheme.EIN)
            ('DE123456789', None)
        """
        sch = _scheme(scheme)
        return next((t.value for t in self.tax_ids if t.scheme is sch), None)

    @property
    def address(self) -> Address | None:
        """The default (first) address, or ``None``."""
        return self.addresses[0] if self.addresses else None

    @property
    def code_key(self) -> str:
        """The code as the book compares it: ignoring case (``""`` for no code).

        Example:
            >>> Party("p", "Acme", code="Straße").code_key
            'strasse'
        """
        return self.code.casefold()

    def matches(self, text: str | None = None, tax_id: str | None = None,
                tag: str | None = None) -> bool:
        """Search predicate: name or code contains ``text``; a tax id equals ``tax_id``
        (ignoring spaces, dashes and case); ``tag`` is among the tags.

        Example:
            >>> p = Party("p-3", "Northwind Traders", tax_ids=[TaxId("EIN", "12-3456789")])
            >>> p.matches("wind"), p.matches(tax_id="123456789"), p.matches(tag="x")
            (True, True, False)
        """
        if text is not None:
            needle = text.casefold()
            if needle not in self.legal_name.casefold() and needle not in self.code.casefold():
                return False
        if tax_id is not None:
            wanted = re.sub(r"[\s\-]", "", tax_id).upper()
            if not any(t.value.upper() == wanted for t in self.tax_ids):
                return False
        return tag is None or tag.strip().lower() in self.tags
