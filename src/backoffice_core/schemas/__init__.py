"""Pydantic v2 schemas for untrusted input (JSON): parties and documents.

Strict models: no silent coercion (``"5"`` is not ``5``, floats are refused
for amounts), unknown fields are errors, and every problem is reported with
its path in one :class:`~backoffice_core.errors.ValidationError` (``errors`` is
a list of ``(path, value, message)``). The models convert to the domain's
attrs values in one place (``to_fields``/``to_domain``).

Example:
    >>> from backoffice_core.errors import ValidationError
    >>> try:
    ...     parse_party({"legal_name": "Acme", "contacts": [{"name": "Jane",
    ...                  "email": "jane@"}], "colour": "red"})
    ... except ValidationError as err:
    ...     print([(path, value) for path, value, _ in err.errors])
    [('contacts[0].email', 'j***'), ('colour', 'red')]
"""

from backoffice_core.schemas.documents import (
    AllowanceChargeIn,
    DocumentIn,
    LineIn,
    RoundingIn,
    TaxIn,
    parse_document,
)
from backoffice_core.schemas.parties import (
    AddressIn,
    ContactIn,
    MoneyIn,
    PartyIn,
    PaymentTermsIn,
    TaxIdIn,
    parse_party,
)

__all__ = [
    "AddressIn",
    "AllowanceChargeIn",
    "ContactIn",
    "DocumentIn",
    "LineIn",
    "MoneyIn",
    "PartyIn",
    "PaymentTermsIn",
    "RoundingIn",
    "TaxIdIn",
    "TaxIn",
    "parse_document",
    "parse_party",
]
