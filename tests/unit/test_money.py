"""Money: exact amounts, ISO 4217 minor units, rounding policies, allocation, rates."""

from __future__ import annotations

import decimal
from decimal import Decimal

import moneyed
import pytest

import backoffice_core as bc
from backoffice_core.errors import (
    CurrencyMismatchError,
    FloatNotAllowedError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.money import (
    ExchangeRate,
    Money,
    RoundingPolicy,
    allocate,
    currency,
    from_minor,
    minor_digits,
    to_decimal,
    to_minor,
)


def test_money_is_py_moneyed() -> None:
    m = Money("12.50", "USD")
    assert isinstance(m, moneyed.Money)
    assert m.amount == Decimal("12.50")
    assert m.currency == moneyed.get_currency("USD")
    assert m.code == "USD"
    assert repr(m) == "Money('12.50', 'USD')"


@pytest.mark.parametrize(("amount", "shown"), [
    ("1E+3", "1000"), ("1.00E+3", "1000"), ("1E-8", "0.00000001"), ("-0.0000001", "-0.0000001"),
    ("12.50", "12.50"),
])
def test_repr_and_str_write_the_amount_in_digits_never_an_exponent(amount: str,
                                                                  shown: str) -> None:
    """Defect: ``Money`` printed its amount as ``str(Decimal)`` does, so a notebook showed
    ``Money('1E-8', 'USD')`` for a cent over a million, or ``Money('1.00E+3', 'USD')`` for
    a price times ``Decimal("1E+3")``; the amount is written in digits, and the repr
    still gives the same money back."""
    m = Money(amount, "USD")
    assert repr(m) == f"Money('{shown}', 'USD')" and str(m) == f"{shown} USD"
    assert eval(repr(m)) == m  # noqa: S307
    assert repr(Money("0.01", "USD") / 1000000) == "Money('0.00000001', 'USD')"


def test_a_zero_has_no_sign() -> None:
    """Defect: a negated zero (``-m``, ``m * -1``, ``Money("-0.00")``) kept the sign of
    ``Decimal``'s negative zero, so a notebook showed ``Money('-0.00', 'USD')``."""
    zero = Money("0.00", "USD")
    for m in (-zero, zero * -1, Money("-0.00", "USD"), Money(Decimal("-0"), "USD"),
              -Money("0.000", "KWD")):
        assert not m.amount.is_signed() and "-" not in repr(m) and "-" not in str(m), repr(m)
    assert -zero == zero and (-zero).amount.as_tuple().exponent == -2  # places kept
    assert repr(-Money("0.50", "USD")) == "Money('-0.50', 'USD')"  # only a zero loses it



@pytest.mark.parametrize(
    ("code", "digits"),
    [("JPY", 0), ("USD", 2), ("EUR", 2), ("KWD", 3), ("BHD", 3), ("HUF", 2), ("RUB", 2)],
)
def test_minor_digits_follow_iso_4217(code: str, digits: int) -> None:
    assert minor_digits(code) == digits


def test_currency_lookup_is_case_insensitive_and_unknown_codes_are_refused() -> None:
    assert currency("eur").code == "EUR"
    with pytest.raises(NotFoundError) as info:
        currency("XYZ")
    assert info.value.field == "currency"
    assert info.value.value == "XYZ"
    with pytest.raises(NotFoundError):
        Money("1", "ABC")


@pytest.mark.parametrize(
    ("amount", "code", "minor"),
    [("12.34", "USD", 1234), ("-0.01", "USD", -1), ("1500", "JPY", 1500),
     ("1.234", "KWD", 1234), ("0.005", "BHD", 5), ("0", "USD", 0), ("100.5", "HUF", 10050)],
)
def test_to_and_from_minor_units(amount: str, code: str, minor: int) -> None:
    m = Money(amount, code)
    assert to_minor(m) == minor
    assert m.to_minor() == minor
    assert from_minor(minor, code) == m
    assert Money.from_minor(minor, code) == m


def test_from_minor_uses_the_currency_exponent() -> None:
    assert repr(from_minor(5, "JPY")) == "Money('5', 'JPY')"
    assert repr(from_minor(5, "KWD")) == "Money('0.005', 'KWD')"
    assert repr(from_minor(-1234, "USD")) == "Money('-12.34', 'USD')"


def test_from_minor_refuses_non_integers() -> None:
    for bad in (Decimal("1.5"), "12", True, 1.0):
        with pytest.raises(ValidationError) as info:
            from_minor(bad, "USD")  # type: ignore[arg-type]
        assert info.value.field == "minor"


def test_to_minor_refuses_sub_minor_amounts_without_a_policy() -> None:
    with pytest.raises(ValidationError) as info:
        to_minor(Money("1.005", "USD"))
    assert info.value.field == "amount"
    assert info.value.value == Decimal("1.005")
    with pytest.raises(ValidationError):
        to_minor(Money("1.5", "JPY"))
    assert to_minor(Money("1.005", "USD"), RoundingPolicy.HALF_UP) == 101
    assert to_minor(Money("1.005", "USD"), RoundingPolicy.HALF_EVEN) == 100
    assert to_minor(Money("-1.005", "USD"), RoundingPolicy.HALF_UP) == -101


@pytest.mark.parametrize("bad", [1.5, 0.1, float("nan"), -2.0])
def test_floats_are_refused(bad: float) -> None:
    with pytest.raises(FloatNotAllowedError) as info:
        Money(bad, "USD")
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, ValidationError)
    assert info.value.field == "amount"
    with pytest.raises(FloatNotAllowedError):
        Money("1", "USD") * bad
    with pytest.raises(FloatNotAllowedError):
        Money("1", "USD") / bad
    with pytest.raises(FloatNotAllowedError):
        to_decimal(bad)


def test_float_is_caught_as_type_error() -> None:
    with pytest.raises(TypeError):
        Money(0.5, "EUR")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.50", Decimal("12.50")), (12, Decimal(12)), (Decimal("0.10"), Decimal("0.10")),
     (" 3.00 ", Decimal("3.00")), ("1_000.25", Decimal("1000.25")), (-7, Decimal(-7))],
)
def test_str_int_and_decimal_are_accepted(value: object, expected: Decimal) -> None:
    m = Money(value, "USD")
    assert m.amount == expected
    assert m.amount.as_tuple() == expected.as_tuple() or isinstance(value, int)


@pytest.mark.parametrize("bad", ["abc", "", "1.2.3", Decimal("NaN"), Decimal("Infinity"),
                                 "inf", True, None, [1], b"1"])
def test_non_amounts_are_refused_with_a_validation_error(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        Money(bad, "USD")
    assert info.value.field == "amount"


def test_money_needs_a_currency() -> None:
    with pytest.raises(ValidationError) as info:
        Money("1")
    assert info.value.field == "currency"
    with pytest.raises(ValidationError):
        Money("1", 840)  # type: ignore[arg-type]


def test_same_currency_arithmetic_is_exact() -> None:
    a, b = Money("0.10", "USD"), Money("0.20", "USD")
    assert a + b == Money("0.30", "USD")
    assert b - a == Money("0.10", "USD")
    assert -a == Money("-0.10", "USD")
    assert abs(Money("-3", "USD")) == Money("3", "USD")
    assert a * 3 == Money("0.30", "USD")
    assert 3 * a == Money("0.30", "USD")
    assert a * "1.5" == Money("0.150", "USD")
    assert Money("1.00", "USD") / 4 == Money("0.25", "USD")
    assert Money("3", "USD") / Money("2", "USD") == Decimal("1.5")
    assert sum([a, b, a], Money(0, "USD")) == Money("0.40", "USD")
    assert sum([a, b]) == Money("0.30", "USD")  # 0 + Money works (radd)
    assert a < b and b > a and a <= a and a >= a
    assert Money("1.0", "USD") == Money("1.00", "USD")
    assert hash(Money("1.0", "USD")) == hash(Money("1.00", "USD"))
    assert isinstance(a + b, Money)


@pytest.mark.parametrize(
    "op",
    [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a < b, lambda a, b: a <= b,
     lambda a, b: a > b, lambda a, b: a >= b, lambda a, b: a / b],
    ids=["add", "sub", "lt", "le", "gt", "ge", "div"],
)
def test_mixing_currencies_raises(op: object) -> None:
    usd, eur = Money("1", "USD"), Money("1", "EUR")
    with pytest.raises(CurrencyMismatchError) as info:
        op(usd, eur)  # type: ignore[operator]
    assert isinstance(info.value, TypeError)
    assert info.value.field == "currency"
    assert info.value.value == "EUR"
    with pytest.raises(CurrencyMismatchError):
        op(usd, moneyed.Money("1", "EUR"))  # type: ignore[operator]


def test_money_of_different_currencies_is_never_equal() -> None:
    assert Money("1", "USD") != Money("1", "EUR")
    assert Money("0", "USD") != Money("0", "EUR")


def test_money_times_money_is_refused() -> None:
    with pytest.raises(ValidationError):
        Money("2", "USD") * Money("2", "USD")


@pytest.mark.parametrize(
    ("policy", "value", "expected"),
    [
        (RoundingPolicy.HALF_UP, "2.345", "2.35"),
        (RoundingPolicy.HALF_UP, "-2.345", "-2.35"),  # away from zero: sign-symmetric
        (RoundingPolicy.HALF_UP, "2.344", "2.34"),
        (RoundingPolicy.HALF_UP, "-2.344", "-2.34"),
        (RoundingPolicy.HALF_EVEN, "2.345", "2.34"),
        (RoundingPolicy.HALF_EVEN, "2.355", "2.36"),
        (RoundingPolicy.HALF_EVEN, "-2.345", "-2.34"),
        (RoundingPolicy.HALF_EVEN, "-2.355", "-2.36"),
        (RoundingPolicy.DOWN, "2.349", "2.34"),
        (RoundingPolicy.DOWN, "-2.349", "-2.34"),
        (RoundingPolicy.UP, "2.341", "2.35"),
        (RoundingPolicy.UP, "-2.341", "-2.35"),
        (RoundingPolicy.UP, "2.340", "2.34"),
    ],
)
def test_rounding_policies(policy: RoundingPolicy, value: str, expected: str) -> None:
    got = policy.quantize(Decimal(value), 2)
    assert got == Decimal(expected)
    assert str(got) == expected
    assert Money(value, "USD").rounded(policy) == Money(expected, "USD")


def test_half_up_is_sign_symmetric_for_every_digit() -> None:
    for tenths in range(100):
        value = Decimal(tenths).scaleb(-3)
        up = RoundingPolicy.HALF_UP.quantize(value, 2)
        assert RoundingPolicy.HALF_UP.quantize(-value, 2) == -up


def test_rounding_uses_the_currency_minor_unit() -> None:
    assert Money("2.5", "JPY").rounded() == Money("3", "JPY")
    assert Money("1.0005", "KWD").rounded() == Money("1.001", "KWD")
    assert Money("1.0005", "KWD").rounded(RoundingPolicy.HALF_EVEN) == Money("1.000", "KWD")


def test_allocate_equal_parts_is_exact() -> None:
    parts = allocate(Money("100.00", "USD"), 3)
    assert parts == [Money("33.34", "USD"), Money("33.33", "USD"), Money("33.33", "USD")]
    assert sum(parts, Money(0, "USD")) == Money("100.00", "USD")


def test_allocate_by_ratio() -> None:
    assert allocate(Money("10.00", "EUR"), [1, 2]) == [Money("3.33", "EUR"), Money("6.67", "EUR")]
    assert allocate(Money("100", "JPY"), ["0.5", "0.25", "0.25"]) == [
        Money("50", "JPY"), Money("25", "JPY"), Money("25", "JPY")]
    assert allocate(Money("1.00", "USD"), [Decimal(0), 1]) == [
        Money("0.00", "USD"), Money("1.00", "USD")]
    assert allocate(Money("0.05", "USD"), [3, 3, 3, 3]) == [
        Money("0.02", "USD"), Money("0.01", "USD"), Money("0.01", "USD"), Money("0.01", "USD")]


def test_allocate_negative_totals_mirror_positive_ones() -> None:
    assert allocate(Money("-100.00", "USD"), 3) == [
        Money("-33.34", "USD"), Money("-33.33", "USD"), Money("-33.33", "USD")]
    assert allocate(Money("-10.00", "EUR"), [1, 2]) == [
        Money("-3.33", "EUR"), Money("-6.67", "EUR")]


def test_allocate_refuses_bad_parts() -> None:
    with pytest.raises(ValidationError) as info:
        allocate(Money("1", "USD"), 0)
    assert info.value.field == "parts"
    with pytest.raises(ValidationError):
        allocate(Money("1", "USD"), [])
    with pytest.raises(ValidationError) as info:
        allocate(Money("1", "USD"), [1, -1])
    assert info.value.field == "parts[1]"
    with pytest.raises(ValidationError):
        allocate(Money("1", "USD"), [0, 0])
    with pytest.raises(FloatNotAllowedError):
        allocate(Money("1", "USD"), [0.5, 0.5])


def test_allocate_a_sub_minor_total_needs_a_policy() -> None:
    with pytest.raises(ValidationError):
        allocate(Money("1.005", "USD"), 2)
    assert allocate(Money("1.005", "USD"), 2, policy=RoundingPolicy.HALF_UP) == [
        Money("0.51", "USD"), Money("0.50", "USD")]


@pytest.mark.parametrize("given", [Decimal("100.00"), "100.00", 100, None])
def test_the_quick_helpers_refuse_what_is_not_money_by_name(given: object) -> None:
    """Defect: ``allocate("100.00", 3)``, ``rate.convert(Decimal(5))`` or ``to_minor(5)``,
    as a notebook user types them, failed with ``AttributeError: ... has no attribute
    'currency'``; they raise a ``ValidationError`` naming the argument and the value."""
    rate = ExchangeRate("EUR", "USD", "1.0850")
    for call, field in ((lambda: allocate(given, 3), "total"),  # type: ignore[arg-type]
                        (lambda: rate.convert(given), "money"),  # type: ignore[arg-type]
                        (lambda: to_minor(given), "money")):  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="Money") as info:
            call()
        assert (info.value.field, info.value.value) == (field, given)
    with pytest.raises(FloatNotAllowedError):
        allocate(1.5, 2)  # type: ignore[arg-type]


@pytest.mark.parametrize("policy", ["half_up", "HALF_EVEN", 2, decimal.ROUND_UP])
def test_a_rounding_policy_that_is_no_policy_is_refused_by_name(policy: object) -> None:
    """Defect: a policy given as a name (``policy="half_up"``) failed with
    ``AttributeError: 'str' object has no attribute 'quantize'`` (or was ignored when no
    rounding was needed); it is a ``ValidationError`` naming the argument."""
    odd = Money("1.005", "USD")
    rate = ExchangeRate("EUR", "USD", "1.0850")
    for call, field in ((lambda: allocate(Money("1.00", "USD"), 2, policy=policy), "policy"),
                        (lambda: rate.convert(Money("1", "EUR"), policy), "policy"),
                        (lambda: odd.rounded(policy), "policy"),
                        (lambda: odd.round(2, policy), "policy"),
                        (lambda: odd.to_minor(policy), "rounding")):  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="RoundingPolicy") as info:
            call()
        assert (info.value.field, info.value.value) == (field, policy)


def test_exchange_rate_converts_base_to_quote() -> None:
    rate = ExchangeRate("EUR", "USD", Decimal("1.0850"))
    assert rate.convert(Money("100.00", "EUR")) == Money("108.50", "USD")
    # rounded half-up to the quote's minor unit
    assert rate.convert(Money("0.01", "EUR")) == Money("0.01", "USD")
    assert ExchangeRate("USD", "JPY", "150.5").convert(Money("1.10", "USD")) == Money(
        "166", "JPY")  # 165.55
    assert ExchangeRate("USD", "JPY", "150.5").convert(
        Money("1.10", "USD"), RoundingPolicy.DOWN) == Money("165", "JPY")
    with pytest.raises(CurrencyMismatchError):
        rate.convert(Money("1", "GBP"))


def test_exchange_rate_refuses_bad_rates() -> None:
    with pytest.raises(ValidationError) as info:
        ExchangeRate("EUR", "USD", 0)
    assert info.value.field == "rate"
    with pytest.raises(ValidationError):
        ExchangeRate("EUR", "USD", "-1.1")
    with pytest.raises(FloatNotAllowedError):
        ExchangeRate("EUR", "USD", 1.1)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        ExchangeRate("EUR", "QQQ", "1")


def test_exchange_rate_accepts_lower_case_codes_like_money_does() -> None:
    rate = ExchangeRate("eur", "usd", "2")
    assert rate.convert(Money("1.00", "EUR")) == Money("2.00", "USD")


def test_top_level_money_is_the_same_class() -> None:
    assert bc.Money is Money
    assert bc.Money("1", "USD") + bc.Money("2", "USD") == Money("3", "USD")


@pytest.mark.parametrize(
    ("amount", "minor"),
    [("1" * 30 + ".01", int("1" * 30 + "01")), ("-" + "9" * 30 + ".99", -int("9" * 32))],
)
def test_to_minor_is_exact_for_very_large_amounts(amount: str, minor: int) -> None:
    """No digit is lost to the default 28-digit decimal context."""
    assert to_minor(Money(amount, "USD")) == minor
    assert from_minor(minor, "USD").amount == Decimal(amount)


def test_very_large_sub_minor_amounts_are_still_refused() -> None:
    with pytest.raises(ValidationError):
        to_minor(Money("1" * 27 + ".015", "USD"))


@pytest.mark.parametrize("value", ["NaN", "Infinity", Decimal("-Infinity"), Decimal("sNaN")])
def test_a_non_finite_number_is_refused_under_its_own_name(value: object) -> None:
    """Defect: a rate or a quantity given as ``"NaN"`` was refused as ``rate='NaN': amount
    must be finite``, calling a rate an amount; the message now fits any number."""
    with pytest.raises(ValidationError) as info:
        ExchangeRate("USD", "KWD", value)  # type: ignore[arg-type]
    assert str(info.value) == f"rate={value!r}: must be a finite number"


@pytest.mark.parametrize(("value", "digits", "error", "field"), [
    (1.5, 2, FloatNotAllowedError, "amount"),  # was AttributeError: no 'adjusted'
    (Decimal("NaN"), 2, ValidationError, "amount"),  # was Decimal('NaN') back, unrounded
    (Decimal("Infinity"), 2, ValidationError, "amount"),  # was decimal.InvalidOperation
    ([1], 2, ValidationError, "amount"),
    (Decimal("1.5"), "2", ValidationError, "digits"),  # was TypeError: bad operand
    (Decimal("1.5"), 2.0, ValidationError, "digits"),
    (Decimal("2.5"), True, ValidationError, "digits"),  # was Decimal('2.5') to 1 place
])
def test_quantize_refuses_what_it_cannot_round(value: object, digits: object,
                                               error: type[Exception], field: str) -> None:
    """Defect (found writing its example): ``RoundingPolicy.quantize`` let a raw
    AttributeError, TypeError or InvalidOperation out, or gave NaN back, for input it
    cannot round; now a typed error naming the argument."""
    with pytest.raises(error) as info:
        RoundingPolicy.HALF_UP.quantize(value, digits)  # type: ignore[arg-type]
    assert isinstance(info.value, ValidationError) and info.value.field == field


def test_quantize_takes_an_int_or_text_as_to_decimal_does() -> None:
    assert RoundingPolicy.HALF_UP.quantize(7, 2) == Decimal("7.00")  # type: ignore[arg-type]
    assert str(RoundingPolicy.HALF_UP.quantize("2.345", 2)) == "2.35"  # type: ignore[arg-type]


@pytest.mark.parametrize("make", ["money", "from_minor"])
def test_the_ledgers_money_helpers_refuse_an_empty_currency(make: str) -> None:
    """Defect (found writing their examples): ``bo.ledger.money("5", "")`` (an empty form
    field) gave the functional currency's money instead of refusing the code."""
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="EUR")
    helper = getattr(bo.ledger, make)
    with pytest.raises(NotFoundError) as info:
        helper(5, "")
    assert (info.value.field, info.value.value) == ("currency", "")
    assert helper(5, None).currency.code == "EUR" and helper(5).currency.code == "EUR"
