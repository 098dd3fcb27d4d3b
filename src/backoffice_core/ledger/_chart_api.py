"""The book and its chart: setup, settings, posting roles and accounts.

Part of :class:`~backoffice_core.ledger.service.Ledger`; reach it as ``bo.ledger``.

Example:
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("X", currency="USD", chart="generic")
    >>> bo.ledger.open_account("1115", "Till", "asset", parent="1100").code
    '1115'
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import localcontext
from typing import Any

import attrs

from backoffice_core.errors import (
    DuplicateError,
    LimitExceededError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.ledger._service_base import LedgerBase
from backoffice_core.ledger.accounts import Account, AccountLimit, AccountType
from backoffice_core.ledger.balances import Balance
from backoffice_core.ledger.charts import load_chart
from backoffice_core.ledger.repository import BookSettings, LedgerRepository
from backoffice_core.ledger.roles import (
    check_not_a_role_account,
    check_role_account,
    check_role_name,
)
from backoffice_core.money import EXACT, Money
from backoffice_core.text import check_line, check_lookup, check_text

__all__ = ["ChartApi"]


def _same_setup(existing: BookSettings, name: str, currency: str, chart: str,
                roles: Mapping[str, str]) -> None:
    """Refuse a setup unlike the book's own: ``DuplicateError`` naming the first field that
    differs (the roles given must point where the book's do)."""
    given: list[tuple[str, object, object]] = [
        ("name", name, existing.name), ("currency", currency, existing.functional_currency),
        ("chart", chart, existing.chart),
        *((f"roles.{r}", c, existing.roles.get(r)) for r, c in roles.items())]
    for field, value, held in given:
        if value != held:
            raise DuplicateError(f"the book is already set up, with {held or 'none'}",
                                 field=field, value=value)


class ChartApi(LedgerBase):
    """The book's settings, roles and chart of accounts (mixed into ``Ledger``)."""

    # ------------------------------------------------------------------ book & chart
    def setup(
        self,
        name: str,
        *,
        currency: str,
        chart: str | None = None,
        roles: dict[str, str] | None = None,
    ) -> None:
        """Create the book's ledger: its name, functional currency and (optionally) a chart.

        ``chart`` is a shipped template id (``"generic"``, ``"ru_94n"``, ``"de_skr03"``,
        see :func:`~backoffice_core.ledger.charts.available_charts`); its roles
        are merged with ``roles``. A book already set up the same way (name, currency,
        chart and the ``roles`` given) is left as it is, so a script that sets up its
        book can run again; a book set up otherwise raises ``DuplicateError`` naming
        the first field that differs, and nothing changes.
        Each role naming an account of the book must name one it takes (see
        :meth:`set_role`); a role may name an account opened later, checked then.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("ООО Ромашка", currency="RUB", chart="ru_94n")
            >>> bo.ledger.account("51").name
            'Расчетные счета'
            >>> bo.ledger.setup("ООО Ромашка", currency="RUB", chart="ru_94n")  # again: no-op
            >>> bo.ledger.setup("ООО Ромашка", currency="EUR", chart="ru_94n")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.DuplicateError: currency='EUR': the book is already set up...RUB
        """
        Money(0, currency)  # validates the code
        if type(name) is not str or not name.strip():
            raise ValidationError("the book's name is non-empty text", field="name", value=name)
        check_text("name", name)
        if roles is not None and not isinstance(roles, Mapping):
            raise ValidationError("roles map role names to account codes", field="roles",
                                  value=roles)
        for role, code in (roles or {}).items():
            if type(role) is not str or not role or type(code) is not str:
                raise ValidationError("roles map role names to account codes (text)",
                                      field=f"roles.{role}", value=code)
            check_role_name("roles", role)
            check_line(f"roles.{role}", code)
        all_roles: dict[str, str] = {}
        template = load_chart(chart) if chart else None
        if template:
            all_roles.update(template.roles)
        all_roles.update(roles or {})
        with localcontext(EXACT), self._uow() as uow:
            repo: LedgerRepository = uow.ledger
            existing = repo.get_settings()
            if existing is not None:  # set up the same way: nothing to do; else refused
                _same_setup(existing, name, currency.upper(), template.id if template else "",
                            roles or {})
                return
            repo.save_settings(BookSettings(name, currency.upper(), all_roles,
                                            template.id if template else ""), None)
            if template:
                for acc in template.accounts:
                    repo.add_account(acc)
            accounts = {a.code: a for a in repo.list_accounts()}
            parents = {a.parent for a in accounts.values() if a.parent}
            for role, code in all_roles.items():
                if code in accounts:
                    check_role_account(role, accounts[code], parents)
                elif template:
                    raise NotFoundError(f"role {role} names an unknown account",
                                        field=f"roles.{role}", value=code)
            uow.commit()

    def settings(self) -> BookSettings:
        """The book's settings (name, functional currency, roles, chart); a
        ``NotFoundError`` before :meth:`setup`.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Acme", currency="EUR", chart="generic")
            >>> s = bo.ledger.settings()
            >>> s.name, s.functional_currency, s.chart, s.roles["receivables"]
            ('Acme', 'EUR', 'generic', '1140')
        """
        with self._read() as ctx:
            return ctx.settings

    def set_role(self, role: str, account: str) -> None:
        """Point a posting-mapping role (``"receivables"``...) at an account.

        A role name is non-empty text on one line. Documents look a role up by VAT
        category and rate first: ``"revenue.S.7"``, then ``"revenue.S"``, then
        ``"revenue"`` (:func:`~backoffice_core.documents.postings.role`).

        The account must exist (``NotFoundError``), be active (``AccountInactiveError``),
        be a leaf and be of a type the role takes
        (:data:`~backoffice_core.ledger.roles.ROLE_TYPES`: receivables an asset,
        vat_output a liability...; a role it does not know takes any type), else a
        ``ValidationError`` naming ``roles.<role>`` and the account, and nothing changes.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.set_role("receivables", "1130")
            >>> bo.ledger.set_role("receivables", "4100")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: roles.receivables='4100': ...not income
            >>> bo.ledger.role("receivables")
            '1130'
        """
        check_role_name("role", role)
        check_lookup(f"roles.{role}", account)
        with self._work() as ctx:
            acc = ctx.repo.get_account(account)
            if acc is None:
                raise NotFoundError("no such account", field=f"roles.{role}", value=account)
            check_role_account(role, acc, ctx.parent_codes())
            s = ctx.settings
            ctx.repo.save_settings(
                attrs.evolve(s, roles={**s.roles, role: account}, version=s.version + 1),
                s.version)

    def role(self, role: str) -> str:
        """The account code behind a role; ``NotFoundError`` if unset.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.role("revenue")
            '4100'
            >>> bo.ledger.role("royalties")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.NotFoundError: role='royalties': role not set for this book
        """
        check_lookup("role", role)
        code = self.settings().roles.get(role)
        if code is None:
            raise NotFoundError("role not set for this book", field="role", value=role)
        return code

    # ------------------------------------------------------------------ accounts
    def open_account(
        self,
        code: str,
        name: str,
        type: AccountType | str,
        *,
        parent: str | None = None,
        currency: str | None = None,
        limit: AccountLimit | str = AccountLimit.NONE,
        contra: bool = False,
    ) -> Account:
        """Add an account to the chart.

        A ``parent`` must exist, have no postings of its own and be no role's account (a
        role posts to a leaf: a ``ValidationError`` naming ``parent`` and the role(s)).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="EUR")
            >>> bo.ledger.open_account("1000", "Bank", "asset",
            ...     limit="credits_must_not_exceed_debits").limit.value
            'credits_must_not_exceed_debits'
        """
        acc = Account(code=code, name=name, type=type, parent=parent, currency=currency,
                      limit=limit, contra=contra)
        check_lookup("parent", parent, optional=True)
        with self._work() as ctx:
            if parent is not None:
                par = ctx.repo.get_account(parent)
                if par is None:
                    raise NotFoundError("no such parent account", field="parent", value=parent)
                if self._has_postings(ctx.repo, parent):
                    raise ValidationError("parent account already has postings; "
                                          "a parent only rolls up its children",
                                          field="parent", value=parent)
                check_not_a_role_account(ctx.settings.roles, parent, field="parent",
                                         value=parent, change="made a parent")
            for role, named in ctx.settings.roles.items():  # a role set before it opened
                if named == code:
                    check_role_account(role, acc, ())
            ctx.repo.add_account(acc)
        return acc

    @staticmethod
    def _has_postings(repo: LedgerRepository, code: str) -> bool:
        """Whether an entry (any status) posts to ``code``: the repository's optional
        ``has_postings``, else the first of ``iter_entries(account=code)``."""
        ask = getattr(repo, "has_postings", None)
        if ask is not None:
            return bool(ask(code))
        return next(iter(repo.iter_entries(account=code)), None) is not None

    def account(self, code: str) -> Account:
        """The account with ``code``; ``NotFoundError`` if none.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> acc = bo.ledger.account("1110")
            >>> acc.name, acc.type, acc.parent, acc.active
            ('Cash on hand', <AccountType.ASSET: 'asset'>, '1100', True)
        """
        check_lookup("code", code)
        with self._read() as ctx:
            acc = ctx.repo.get_account(code)
        if acc is None:
            raise NotFoundError("no such account", field="code", value=code)
        return acc

    def accounts(self) -> list[Account]:
        """Every account, ordered by code (archived ones too: see ``Account.active``).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD")
            >>> _ = bo.ledger.open_account("2000", "Loans", "liability")
            >>> _ = bo.ledger.open_account("1000", "Bank", "asset")
            >>> [(a.code, a.name) for a in bo.ledger.accounts()]
            [('1000', 'Bank'), ('2000', 'Loans')]
        """
        with self._read() as ctx:
            return ctx.repo.list_accounts()

    def update_account(self, code: str, **changes: Any) -> Account:
        """Change an account's name, limit, active flag or currency (optimistic, versioned).

        Limits are checked against the current balance: a limit the account
        already breaks is refused. A role's account is not archived (``active=False``):
        see :meth:`archive_account`.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="EUR", chart="generic")
            >>> bo.ledger.update_account("1110", name="Petty cash").name
            'Petty cash'
        """
        allowed = {"name", "limit", "active", "currency"}
        bad = set(changes) - allowed
        if bad:
            raise ValidationError("only name, limit, active and currency can change",
                                  field=sorted(bad)[0], value=changes[sorted(bad)[0]])
        check_lookup("code", code)
        with self._work() as ctx:
            old = ctx.repo.get_account(code)
            if old is None:
                raise NotFoundError("no such account", field="code", value=code)
            new = attrs.evolve(old, **changes, version=old.version + 1)
            if old.active and not new.active:  # a role's generated lines could not post
                check_not_a_role_account(ctx.settings.roles, code, field="code", value=code,
                                         change="archived")
            if ("currency" in changes and changes["currency"] != old.currency
                    and self._has_postings(ctx.repo, code)):
                raise ValidationError("currency cannot change after postings",
                                      field="currency", value=changes["currency"])
            if new.limit is not AccountLimit.NONE:
                for b in ctx.repo.list_balances():
                    if b.key.account == code:
                        self._check_existing_limit(new, b)
            ctx.repo.update_account(new, old.version)
        return new

    @staticmethod
    def _check_existing_limit(acc: Account, b: Balance) -> None:
        if (acc.limit is AccountLimit.DEBITS_MUST_NOT_EXCEED_CREDITS
                and b.debits + b.pending_debits > b.credits):
            raise LimitExceededError("the account already has more debits than credits",
                                     field="limit", value=acc.limit.value)
        if (acc.limit is AccountLimit.CREDITS_MUST_NOT_EXCEED_DEBITS
                and b.credits + b.pending_credits > b.debits):
            raise LimitExceededError("the account already has more credits than debits",
                                     field="limit", value=acc.limit.value)

    def archive_account(self, code: str) -> Account:
        """Mark an account inactive: it stays in reports but refuses new postings.

        The account a role names (``retained_earnings``, ``cogs``...) is not archived: the
        entries the book generates on it could not post. A ``ValidationError`` naming
        ``code`` and the role(s): point them at another account first (:meth:`set_role`).
        Opening a child under a role's account (``parent=``) is refused the same way.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.archive_account("4110").active
            False
            >>> bo.ledger.archive_account("3200")
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: code='3200': ...retained_earnings role's...
            >>> bo.ledger.set_role("retained_earnings", "3300")
            >>> bo.ledger.archive_account("3200").active
            False
        """
        return self.update_account(code, active=False)
