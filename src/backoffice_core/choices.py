"""One way to read an enum member from user input, with an error that lists the choices.

Every domain takes its enums (account types, valuation methods, document types and
states, location kinds...) either as the member or as its value, and names the field,
the value and what would have been accepted when neither fits.

Example:
    >>> import enum
    >>> class Color(enum.Enum):
    ...     RED = "red"
    ...     BLUE = "blue"
    >>> choice(Color, "red", "color")
    <Color.RED: 'red'>
    >>> choice(Color, "green", "color")
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: color='green': choose one of red, blue
"""

from __future__ import annotations

import enum
from typing import TypeVar

from backoffice_core.errors import ValidationError

__all__ = ["choice"]

E = TypeVar("E", bound=enum.Enum)


def choice(kind: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``kind`` (the member itself, or its value); otherwise a
    ``ValidationError`` naming ``field`` and ``value`` and listing the accepted values.

    Example:
        >>> from backoffice_core.ledger.accounts import AccountType
        >>> choice(AccountType, "asset", "type")
        <AccountType.ASSET: 'asset'>
        >>> try:
        ...     choice(AccountType, "assets", "type")
        ... except ValidationError as err:
        ...     print(err.field, err.value, err.message)
        type assets choose one of asset, liability, equity, income, expense
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except (ValueError, TypeError):  # TypeError: an unhashable value
        choices = ", ".join(str(m.value) for m in kind)
        raise ValidationError(f"choose one of {choices}", field=field, value=value) from None
