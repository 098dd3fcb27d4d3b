"""A role's account stays one the book can post to after the role is set.

``set_role()`` refused an archived account or a parent, but the account could be archived,
or opened a child under, once the role named it: the role then pointed at an account the
generated entries (the year-end closing, a delivery's cost of goods sold) could not post
to, found only when they ran. Both are now refused, naming the argument and the role(s),
and nothing changes; pointing the role elsewhere first lets them through.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import backoffice_core as bc
from backoffice_core.errors import ValidationError

_URLS = ["memory://", "sqlite://"]


def _book(url: str, chart: str = "generic", **kw: object) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(datetime(2026, 3, 1, tzinfo=UTC)),
                            ids=bc.SequentialIds("g"))
    bo.ledger.setup("Guard Co", currency="USD", chart=chart, **kw)  # type: ignore[arg-type]
    return bo


@pytest.mark.parametrize("url", _URLS)
def test_a_roles_account_is_not_archived(url: str, refuses) -> None:
    bo = _book(url)
    led = bo.ledger
    info = refuses(bo, ValidationError, led.archive_account, "3200")
    assert (info.value.field, info.value.value) == ("code", "3200")
    assert "retained_earnings" in str(info.value) and "set_role" in str(info.value)
    info = refuses(bo, ValidationError, led.update_account, "5100", active=False)
    assert (info.value.field, info.value.value) == ("code", "5100")
    assert "cogs" in str(info.value)
    assert led.account("3200").active and led.account("5100").active
    # the closing still finds its account
    led.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    led.post(bc.NewEntry(date(2026, 2, 1), "Sale", [bc.debit("1110", "10.00"),
                                                    bc.credit("4100", "10.00")]))
    assert led.close_year("FY2026").postings[-1].account == "3200"
    # once no role names it, it archives; an account of no role always did
    led.set_role("retained_earnings", "3300")
    assert led.archive_account("3200").active is False
    assert led.archive_account("4110").active is False
    assert led.update_account("4110", active=True).active  # and comes back


@pytest.mark.parametrize("url", _URLS)
def test_an_account_several_roles_name_lists_them_all(url: str, refuses) -> None:
    bo = _book(url, chart="de_skr03")
    info = refuses(bo, ValidationError, bo.ledger.archive_account, "0860")
    assert (info.value.field, info.value.value) == ("code", "0860")
    assert "current_year_earnings" in str(info.value)
    assert "retained_earnings" in str(info.value)


@pytest.mark.parametrize("url", _URLS)
def test_a_roles_account_is_not_made_a_parent(url: str, refuses) -> None:
    bo = _book(url)
    led = bo.ledger
    info = refuses(bo, ValidationError, led.open_account, "3210", "Retained, part", "equity",
                   parent="3200")
    assert (info.value.field, info.value.value) == ("parent", "3200")
    assert "retained_earnings" in str(info.value)
    info = refuses(bo, ValidationError, led.open_account, "4101", "Sales, VAT 7 %", "income",
                   parent="4100")
    assert (info.value.field, info.value.value) == ("parent", "4100")
    assert "revenue" in str(info.value)
    led.set_role("revenue", "4110")
    assert led.open_account("4101", "Sales, shop", "income", parent="4100").parent == "4100"


@pytest.mark.parametrize("url", _URLS)
def test_a_role_named_at_setup_before_its_account_opens_is_guarded_too(
        url: str, refuses) -> None:
    bo = bc.Backoffice.open(url)
    led = bo.ledger
    led.setup("Later Co", currency="USD", roles={"retained_earnings": "3900"})
    led.open_account("3900", "Retained earnings", "equity")
    info = refuses(bo, ValidationError, led.archive_account, "3900")
    assert (info.value.field, info.value.value) == ("code", "3900")
    info = refuses(bo, ValidationError, led.open_account, "3910", "Part", "equity",
                   parent="3900")
    assert (info.value.field, info.value.value) == ("parent", "3900")


@pytest.mark.parametrize("url", _URLS)
def test_a_vat_specific_role_guards_its_account(url: str, refuses) -> None:
    bo = _book(url, chart="de_skr03")
    assert bo.ledger.role("revenue.S.7") == "8300"
    info = refuses(bo, ValidationError, bo.ledger.archive_account, "8300")
    assert (info.value.field, info.value.value) == ("code", "8300")
    assert "revenue.S.7" in str(info.value)
