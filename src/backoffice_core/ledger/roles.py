"""Which accounts a book's posting roles may name: the account types each known role takes.

Documents, inventory and the ledger itself post to a book's roles (``receivables``,
``vat_output``, ``inventory``, ``currency_trading``...). A role pointed at an account
of the wrong type (receivables on an income account) or at one nothing can post to
(a parent, an archived account) was only found when something posted, far from the
cause, or never (wrong statements); :func:`check_role_account` refuses it where the
role is set. A role specific to a VAT category and rate (``revenue.S.7``) takes what
its base role (``revenue``) takes; a role this table does not know is not type-checked.

Example:
    >>> ROLE_TYPES["receivables"]
    frozenset({<AccountType.ASSET: 'asset'>})
    >>> sorted(t.value for t in ROLE_TYPES["vat_input"])
    ['asset', 'expense', 'liability']
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping

from backoffice_core.errors import AccountInactiveError, ValidationError
from backoffice_core.ledger.accounts import Account, AccountType

__all__ = ["ROLE_TYPES", "check_not_a_role_account", "check_role_account", "check_role_name"]

_A, _L, _E = AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY
_I, _X = AccountType.INCOME, AccountType.EXPENSE


def _types(*types: AccountType) -> frozenset[AccountType]:
    return frozenset(types)


_ROLES: dict[frozenset[AccountType], tuple[str, ...]] = {
    _types(_A): ("cash", "receivables", "inventory", "prepayments_made", "fixed_assets",
                 "accumulated_depreciation"),
    # a bank account may be an overdraft (a credit line) in some charts
    _types(_A, _L): ("bank", "foreign_bank"),
    _types(_L): ("payables", "grni", "vat_output", "vat_reverse_charge", "payroll_payable",
                 "payroll_tax_payable", "employer_contributions_payable",
                 "prepayments_received"),
    # a VAT clearing account; or a cost where the VAT may not be deducted (SKR03 3435)
    _types(_A, _L, _X): ("vat_input",),
    _types(_E): ("retained_earnings", "current_year_earnings", "opening_balance_equity",
                 "share_capital"),
    # the trading-account method: a balance-sheet account (generic: equity; SKR03 and
    # 94n: a transit asset)
    _types(_A, _L, _E): ("currency_trading",),
    _types(_I): ("revenue", "other_income", "write_off_gain"),
    _types(_X): ("cogs", "other_expense", "write_off", "salaries_expense",
                 "employer_contributions_expense", "depreciation_expense", "bank_fees"),
    # contra income or expense (94n books sales discounts as other expenses, 91.02)
    _types(_I, _X): ("sales_returns", "sales_discounts", "purchase_discounts", "fx_gain",
                     "fx_loss", "unrealized_fx_gain", "unrealized_fx_loss", "rounding"),
    # 94n holds shortages (94), price differences (16) and work in progress (20) apart
    _types(_X, _A): ("inventory_loss", "price_variance", "project_wip"),
}

_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._\-]{0,63}")

#: The account types each known role accepts (its base name: ``revenue`` for
#: ``revenue.S.7``). A role not listed here takes any type.
ROLE_TYPES: Mapping[str, frozenset[AccountType]] = {
    role: types for types, roles in _ROLES.items() for role in roles}


def check_role_name(field: str, role: object) -> None:
    """Refuse a role name that is not 1-64 letters, digits, ``.``, ``_`` or ``-`` (the
    rule of an account code), a ``ValidationError`` naming ``field`` and the name. A name
    with white space around it would be a second role beside the one meant, which
    nothing posts to.

    Example:
        >>> check_role_name("role", "revenue.S.7")
        >>> check_role_name("role", " receivables")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: role=' receivables': a role name is 1-64...
    """
    if type(role) is not str or not _NAME.fullmatch(role):
        raise ValidationError("a role name is 1-64 letters, digits, '.', '_' or '-' (no "
                              "white space)", field=field, value=role)


def check_role_account(role: str, acc: Account, parents: Container[str]) -> None:
    """Refuse pointing ``role`` at ``acc``: an archived account
    (``AccountInactiveError``), a parent (it only rolls up its children) or an account
    of a type the role does not take (:data:`ROLE_TYPES`, by the role's base name), each
    a typed error naming ``roles.<role>`` and the account's code.

    Example:
        >>> check_role_account("receivables", Account("1140", "AR", "asset"), set())
        >>> check_role_account("receivables.S.7", Account("4100", "Sales", "income"), set())
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: roles.receivables.S.7='4100': ...income...
        >>> check_role_account("petty_cash", Account("4100", "Sales", "income"), set())
    """
    field = f"roles.{role}"
    if not acc.active:
        raise AccountInactiveError("the account is archived; point the role at an active "
                                   "account", field=field, value=acc.code)
    if acc.code in parents:
        raise ValidationError("the account is a parent (it only rolls up its children); "
                              "point the role at a leaf", field=field, value=acc.code)
    types = ROLE_TYPES.get(role.split(".", 1)[0])
    if types is not None and acc.type not in types:
        allowed = " or ".join(sorted(t.value for t in types))
        raise ValidationError(f"the role {role} takes {allowed} accounts, not "
                              f"{acc.type.value}", field=field, value=acc.code)


def check_not_a_role_account(roles: Mapping[str, str], code: str, *, field: str,
                             value: object, change: str) -> None:
    """Refuse a change that would leave a role on an account nothing can post to:
    archiving the account a role names, or opening a child under it (a parent only rolls
    up its children). A ``ValidationError`` naming ``field`` and ``value`` and every role
    that names ``code``: point those roles at another account first (``set_role``).

    Example:
        >>> check_not_a_role_account({"cash": "1110"}, "1120", field="code", value="1120",
        ...                          change="archived")
        >>> check_not_a_role_account({"retained_earnings": "3200", "cash": "1110"}, "3200",
        ...                          field="code", value="3200", change="archived")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: code='3200': ...retained_earnings role's account...
    """
    named = sorted(role for role, held in roles.items() if held == code)
    if named:
        who = (f"the {named[0]} role's account" if len(named) == 1
               else f"the account of the roles {', '.join(named)}")
        raise ValidationError(f"the account is {who}, so it cannot be {change}; point "
                              f"{'the role' if len(named) == 1 else 'them'} at another "
                              "account first (set_role)", field=field, value=value)
