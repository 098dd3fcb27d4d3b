"""Chart-of-accounts templates shipped as data.

Three templates ship with the package: ``"generic"`` (a small English chart in
USD), ``"ru_94n"`` (the Russian standard chart, Order 94n, in RUB) and
``"de_skr03"`` (a selection of the German DATEV standard chart SKR 03, in EUR,
its classes 0-9 as header accounts). Each also names the *roles* the posting
mapping uses (receivables, revenue, retained earnings, currency trading...).

Example:
    >>> chart = load_chart("ru_94n")
    >>> chart.functional_currency, chart.roles["retained_earnings"]
    ('RUB', '84')
    >>> next(a.name for a in chart.accounts if a.code == "51")
    'Расчетные счета'
    >>> skr03 = load_chart("de_skr03")
    >>> skr03.roles["vat_output"], skr03.roles["retained_earnings"]
    ('1776', '0860')
"""

from __future__ import annotations

import json
from importlib import resources

import attrs

from backoffice_core.errors import NotFoundError
from backoffice_core.ledger.accounts import Account

__all__ = ["ChartTemplate", "available_charts", "load_chart"]


@attrs.frozen(slots=True)
class ChartTemplate:
    """A chart template: accounts in parent-first order and the role mapping."""

    id: str
    name: str
    locale: str
    functional_currency: str
    roles: dict[str, str]
    accounts: tuple[Account, ...]


def available_charts() -> list[str]:
    """Ids of the shipped chart templates.

    Example:
        >>> available_charts()
        ['de_skr03', 'generic', 'ru_94n']
    """
    folder = resources.files("backoffice_core.ledger") / "charts"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def load_chart(chart_id: str) -> ChartTemplate:
    """Load a shipped template by id: its accounts (parents first) and roles; a new
    template each call.

    Example:
        >>> chart = load_chart("generic")
        >>> chart.functional_currency, chart.roles["cash"], chart.accounts[0].name
        ('USD', '1110', 'Assets')

    Raises:
        NotFoundError: for an unknown id (the error lists what exists).
    """
    if chart_id not in available_charts():
        raise NotFoundError(f"no chart template; available: {', '.join(available_charts())}",
                            field="chart", value=chart_id)
    path = resources.files("backoffice_core.ledger") / "charts" / f"{chart_id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    accounts = tuple(
        Account(code=a["code"], name=a["name"], type=a["type"], parent=a.get("parent"),
                contra=bool(a.get("contra", False)), currency=a.get("currency"))
        for a in data["accounts"]
    )
    return ChartTemplate(data["id"], data["name"], data["locale"], data["functional_currency"],
                         dict(data["roles"]), accounts)
