"""A role name follows the rule of an account code: letters, digits, '.', '_', '-'.

``set_role(" receivables ", ...)`` used to store a second role beside ``receivables``,
which nothing posts to: the caller believed the receivables had moved and they had not.
Such a name is now refused where it is set, naming the field and the name, and nothing
changes.
"""

from __future__ import annotations

import pytest

import backoffice_core as bc
from backoffice_core.errors import ValidationError
from backoffice_core.ledger.charts import available_charts, load_chart
from backoffice_core.ledger.roles import check_role_name

BAD = [" receivables", "receivables ", "receivables\n", "re ceivables", "", ".revenue",
       "r" * 65, "выручка", 5, None]


@pytest.mark.parametrize("url", ["memory://", "sqlite://"])
@pytest.mark.parametrize("name", BAD)
def test_set_role_refuses_a_name_off_the_rule_and_changes_nothing(url: str,
                                                                  name: object) -> None:
    bo = bc.Backoffice.open(url)
    bo.ledger.setup("X", currency="USD", chart="generic")
    before = bo.ledger.settings()
    with pytest.raises(ValidationError) as info:
        bo.ledger.set_role(name, "1130")  # type: ignore[arg-type]
    assert info.value.field == "role"
    assert info.value.value == name
    assert bo.ledger.settings() == before


@pytest.mark.parametrize("name", [" receivables", "receivables\t"])
def test_setup_refuses_a_role_name_off_the_rule(name: str) -> None:
    bo = bc.Backoffice.open("memory://")
    with pytest.raises(ValidationError) as info:
        bo.ledger.setup("X", currency="USD", chart="generic", roles={name: "1130"})
    assert (info.value.field, info.value.value) == ("roles", name)
    with pytest.raises(bc.NotFoundError):  # no book was set up
        bo.ledger.settings()


@pytest.mark.parametrize(("name", "account"), [
    ("receivables", "1140"), ("revenue.S.7", "4100"), ("revenue.AE.0", "4100"),
    ("vat_output", "2140"), ("my-role_2", "1140"), ("r" * 64, "1140")])
def test_names_on_the_rule_are_taken(name: str, account: str) -> None:
    check_role_name("role", name)
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="USD", chart="generic")
    bo.ledger.set_role(name, account)
    assert bo.ledger.role(name) == account


@pytest.mark.parametrize("chart", available_charts())
def test_every_shipped_chart_names_its_roles_on_the_rule(chart: str) -> None:
    for role in load_chart(chart).roles:
        check_role_name("roles", role)
