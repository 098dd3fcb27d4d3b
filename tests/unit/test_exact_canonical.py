"""``exact.canonical``: the one form the domain keeps an exact decimal in, on every store."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice_core.exact import canonical, plain, unexponent
from backoffice_core.inventory.items import Item
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.units import STANDARD_UNITS, Unit, check_quantity


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False)
       | st.builds(lambda m, e: Decimal(m).scaleb(e), st.integers(-10**6, 10**6),
                   st.integers(-30, 30))
       | st.sampled_from([Decimal(t) for t in ("-0", "-0.00", "-0E+3", "0E+2", "1E+999")]))
def test_canonical_keeps_the_value_and_drops_only_the_forms_a_store_drops(x: Decimal) -> None:
    """The same value; no positive exponent, no negative zero; the scale of a value
    without a positive exponent kept; idempotent."""
    c = canonical(x)
    assert c == x and "E+" not in str(c) and not (c.is_zero() and c.is_signed())
    exponent = x.as_tuple().exponent
    assert isinstance(exponent, int)
    assert c.as_tuple().exponent == min(exponent, 0)
    assert str(canonical(c)) == str(c) and str(unexponent(c)) == str(c)


@pytest.mark.parametrize(("build", "want"), [
    (lambda: Unit("kt", "Kilotonne", "mass", "1E+6").factor, "1000000"),
    (lambda: Item("A", "A", standard_cost="-0.00").standard_cost, "0.00"),
    (lambda: Item("A", "A", weight="2E+1").weight, "20"),
    (lambda: ReorderRule("A", "WH", reorder_point="-0", max_quantity="1E+2").max_quantity,
     "100"),
    (lambda: ReorderRule("A", "WH", reorder_point="-0", max_quantity="1E+2").reorder_point,
     "0"),
    (lambda: check_quantity("-0.0", STANDARD_UNITS["kg"], positive=False), "0.0"),
    (lambda: check_quantity("1E+2", STANDARD_UNITS["pc"]), "100"),
])
def test_domain_values_are_kept_canonical(build: Callable[[], Decimal | None], want: str
                                           ) -> None:
    """Where the domain checks a value, it keeps it canonical (a store then gives it back
    alike: PostgreSQL's NUMERIC would give ``1E+2`` back as ``100`` and ``-0`` as ``0``)."""
    got = build()
    assert type(got) is Decimal and str(got) == want


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False)
       | st.builds(lambda m, e: Decimal(m).scaleb(e), st.integers(-10**6, 10**6),
                   st.integers(-40, 40))
       | st.sampled_from([Decimal(t) for t in ("1E-8", "1E+30", "1.00E+3", "0.000001")]))
def test_plain_is_what_its_docstring_says(x: Decimal) -> None:
    """Defect (docstring): ``plain`` promised "never in exponent notation", yet
    ``plain(Decimal('1E-8'))`` prints ``1E-8``: ``str`` writes any ``Decimal`` below
    ``1E-6`` with an exponent, whatever its digits. What holds, for every value: the
    same value, no trailing zeros, never a positive exponent; no exponent at all from
    ``1E-6`` up; and ``format(.., "f")`` writes it in digits."""
    p = plain(x)
    text = str(p)
    assert p == x and "E+" not in text
    exponent = p.as_tuple().exponent
    assert isinstance(exponent, int)
    assert not (p and exponent < 0 and p.as_tuple().digits[-1] == 0)
    if not p or p.adjusted() >= -6:
        assert "E" not in text
    assert p or not p.is_signed()  # a zero has no sign
    assert "E" not in format(p, "f") and Decimal(format(p, "f")) == x


def test_plain_of_a_negative_zero_is_zero() -> None:
    """A unit cost of zero value over a negative quantity showed ``-0`` in ``to_rows()``."""
    for t in ("-0", "-0.00", "-0E+3"):
        assert str(plain(Decimal(t))) == "0"


def test_plain_of_a_tiny_or_huge_value() -> None:
    assert str(plain(Decimal("1E+30"))) == "1" + "0" * 30
    assert plain(Decimal("0.000000010")) == Decimal("1E-8")
    assert str(plain(Decimal("0.000000010"))) == "1E-8"  # str's rule: see plain's docstring
    assert "never in exponent notation" not in (plain.__doc__ or "")
