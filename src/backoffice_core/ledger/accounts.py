"""Accounts: the chart's building blocks.

An account has a code, a name, a type that fixes its normal balance, an
optional parent (balances roll up), an optional fixed currency and an optional
limit. ``contra`` flips the normal balance (accumulated depreciation is an
asset account with a credit balance).

Example:
    >>> acc = Account(code="1110", name="Cash", type=AccountType.ASSET)
    >>> acc.normal_sign
    1
    >>> Account(code="1190", name="Accumulated depreciation",
    ...         type=AccountType.ASSET, contra=True).normal_sign
    -1
"""

from __future__ import annotations

import enum
import re

import attrs

from backoffice_core.choices import choice
from backoffice_core.errors import ValidationError
from backoffice_core.money import currency as _currency
from backoffice_core.text import check_text

__all__ = ["Account", "AccountLimit", "AccountType"]

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-]{0,63}$")


class AccountType(enum.Enum):
    """The five account types; each fixes a normal balance side.

    Example:
        >>> AccountType.INCOME.normal_sign
        -1
    """

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def normal_sign(self) -> int:
        """+1 for debit-normal types (asset, expense), -1 for credit-normal ones."""
        return 1 if self in (AccountType.ASSET, AccountType.EXPENSE) else -1

    @property
    def is_balance_sheet(self) -> bool:
        """True for asset, liability and equity; False for income and expense."""
        return self in (AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY)


class AccountLimit(enum.Enum):
    """A balance constraint checked at every posting (pending amounts included).

    ``DEBITS_MUST_NOT_EXCEED_CREDITS`` keeps a liability or a customer wallet
    from going into debit; ``CREDITS_MUST_NOT_EXCEED_DEBITS`` keeps a bank
    account from being overdrawn.
    """

    NONE = "none"
    DEBITS_MUST_NOT_EXCEED_CREDITS = "debits_must_not_exceed_credits"
    CREDITS_MUST_NOT_EXCEED_DEBITS = "credits_must_not_exceed_debits"


def _check_code(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _CODE.match(value):
        raise ValidationError(
            "account code must be 1-64 letters, digits, '.', '_' or '-'",
            field=attribute.name,
            value=value,
        )


def _check_name(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise ValidationError(
            "account name must be a non-empty string of at most 200 characters",
            field=attribute.name,
            value=value,
        )
    if not value.isprintable():  # the chart's names too: templates are loaded as accounts
        check_text(attribute.name, value)


def _check_parent(_: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not _CODE.match(value)):
        raise ValidationError("a parent is an account code: 1-64 letters, digits, '.', '_' "
                              "or '-'", field=attribute.name, value=value)


def _check_currency(_: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None:
        _currency(value)
        if value != value.upper():
            raise ValidationError("currency codes are upper case", field="currency", value=value)


def _check_bool(_: object, attribute: attrs.Attribute[bool], value: bool) -> None:
    if type(value) is not bool:
        raise ValidationError("must be True or False", field=attribute.name, value=value)


def _to_type(value: AccountType | str) -> AccountType:
    return choice(AccountType, value, "type")


def _to_limit(value: AccountLimit | str) -> AccountLimit:
    return choice(AccountLimit, value, "limit")


@attrs.frozen(slots=True)
class Account:
    """An account of the chart.

    Attributes:
        code: unique within the book, e.g. ``"1110"`` or ``"90.01"``.
        name: human name.
        type: asset, liability, equity, income or expense.
        parent: code of the parent account, or ``None`` for a root.
        currency: if set, only lines in this currency may post here.
        limit: a balance constraint, see :class:`AccountLimit`.
        contra: flips the normal balance side.
        active: archived accounts (``False``) refuse new postings.
        version: optimistic-concurrency counter, bumped at each change.
    """

    code: str = attrs.field(validator=_check_code)
    name: str = attrs.field(validator=_check_name)
    type: AccountType = attrs.field(converter=_to_type)
    parent: str | None = attrs.field(default=None, validator=_check_parent)
    currency: str | None = attrs.field(default=None, validator=_check_currency)
    limit: AccountLimit = attrs.field(default=AccountLimit.NONE, converter=_to_limit)
    contra: bool = attrs.field(default=False, validator=_check_bool)
    active: bool = attrs.field(default=True, validator=_check_bool)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.parent is not None and self.parent == self.code:
            raise ValidationError("an account cannot be its own parent", field="parent",
                                  value=self.parent)

    @property
    def normal_sign(self) -> int:
        """+1 when the account normally carries a debit balance, else -1."""
        sign = self.type.normal_sign
        return -sign if self.contra else sign
