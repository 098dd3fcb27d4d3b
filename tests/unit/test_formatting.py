"""Formatting with babel: explicit locale, ISO 4217 digits, babel's own output."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from backoffice_core.errors import FloatNotAllowedError, ValidationError
from backoffice_core.formatting import (
    format_amount,
    format_amount_minor,
    format_date,
    format_date_range,
    format_decimal,
    format_money,
)
from backoffice_core.money import Money, from_minor

LOCALES = ["en_US", "ru_RU", "de_DE"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("code", ["USD", "EUR", "RUB", "GBP"])
@pytest.mark.parametrize("amount", ["1234567.89", "-1234.50", "0.00", "0.07"])
def test_money_matches_babel_for_two_digit_currencies(locale: str, code: str,
                                                      amount: str) -> None:
    expected = babel_numbers.format_currency(Decimal(amount), code, locale=locale)
    assert format_money(Money(amount, code), locale) == expected


def test_russian_and_german_output_uses_babels_non_breaking_spaces() -> None:
    ru = format_money(Money("1234567.89", "RUB"), "ru_RU")
    assert ru == "1\xa0234\xa0567,89\xa0₽"
    assert format_money(Money("1234.5", "EUR"), "de_DE") == "1.234,50\xa0€"


@pytest.mark.parametrize("locale", LOCALES)
def test_digits_come_from_iso_4217_jpy_0_kwd_3(locale: str) -> None:
    jpy = format_money(Money("1234", "JPY"), locale)
    kwd = format_money(Money("1234.567", "KWD"), locale)
    assert jpy == babel_numbers.format_currency(Decimal("1234"), "JPY", locale=locale)
    assert kwd == babel_numbers.format_currency(Decimal("1234.567"), "KWD", locale=locale)
    decimal_sep = babel_numbers.get_decimal_symbol(locale)
    assert decimal_sep not in jpy
    assert kwd.split(decimal_sep)[1][:3] == "567"


@pytest.mark.parametrize(("locale", "pattern"), [("en_US", "¤#,##0.00"),
                                                  ("ru_RU", "#,##0.00\xa0¤"),
                                                  ("de_DE", "#,##0.00\xa0¤")])
def test_huf_shows_iso_two_digits_where_babel_cldr_shows_none(locale: str,
                                                              pattern: str) -> None:
    ours = format_money(Money("1000.50", "HUF"), locale)
    cldr = babel_numbers.format_currency(Decimal("1000.50"), "HUF", locale=locale)
    iso = babel_numbers.format_currency(Decimal("1000.50"), "HUF", format=pattern,
                                        locale=locale, currency_digits=False)
    assert ours == iso
    assert ours != cldr  # CLDR would round the fillér away


def test_an_amount_finer_than_the_minor_unit_is_shown_exactly_not_rounded() -> None:
    assert format_money(Money("1.005", "USD"), "en_US") == "$1.005"
    assert format_amount("2.5", "JPY", "en_US") == "¥2.5"


@pytest.mark.parametrize("locale", LOCALES)
def test_minor_units_format_like_the_money_they_stand_for(locale: str) -> None:
    for minor, code in [(123456, "USD"), (-5, "KWD"), (9, "JPY"), (0, "EUR")]:
        assert format_amount_minor(minor, code, locale) == format_money(
            from_minor(minor, code), locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_bare_amounts_match_babel_decimal_with_the_currency_digits(locale: str) -> None:
    for amount, code, pattern in [("-1234567.8", "USD", "#,##0.00"),
                                  ("1234", "JPY", "#,##0"),
                                  ("1.5", "KWD", "#,##0.000")]:
        expected = babel_numbers.format_decimal(Decimal(amount), format=pattern, locale=locale)
        assert format_amount(amount, code, locale, symbol=False) == expected
    assert format_money(Money("5", "USD"), locale, symbol=False) == \
        babel_numbers.format_decimal(Decimal("5"), format="#,##0.00", locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_decimal_with_digits_and_without_keeps_every_digit(locale: str) -> None:
    assert format_decimal("1234.5", locale, digits=2) == babel_numbers.format_decimal(
        Decimal("1234.5"), format="#,##0.00", locale=locale)
    value = Decimal("1234.123456789")
    assert format_decimal(value, locale) == babel_numbers.format_decimal(
        value, locale=locale, decimal_quantization=False)
    assert format_decimal(value, locale).endswith("123456789")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("fmt", ["short", "medium", "long"])
def test_dates_match_babel(locale: str, fmt: str) -> None:
    day = date(2026, 1, 5)
    assert format_date(day, locale, fmt) == babel_dates.format_date(day, fmt, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_date_ranges_match_babel_intervals(locale: str) -> None:
    a, b = date(2026, 1, 1), date(2026, 3, 31)
    assert format_date_range(a, b, locale) == babel_dates.format_interval(
        a, b, "yMMMd", locale=locale)


def test_floats_are_refused() -> None:
    with pytest.raises(FloatNotAllowedError) as info:
        format_amount(1.1, "USD", "en_US")
    assert info.value.field == "amount"
    with pytest.raises(FloatNotAllowedError):
        format_decimal(0.5, "en_US")


@pytest.mark.parametrize("bad", ["xx_YY", "", "not a locale", None])
def test_unknown_locales_raise_a_validation_error_naming_the_locale(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        format_money(Money("1", "USD"), bad)  # type: ignore[arg-type]
    assert info.value.field == "locale"
    assert info.value.value == bad


def test_other_bad_input_names_its_field() -> None:
    with pytest.raises(ValidationError) as info:
        format_decimal("1", "en_US", digits=-1)
    assert info.value.field == "digits"
    with pytest.raises(ValidationError) as info:
        format_date("2026-01-01", "en_US")  # type: ignore[arg-type]
    assert info.value.field == "date"
    with pytest.raises(ValidationError) as info:
        format_date_range(date(2026, 2, 1), date(2026, 1, 1), "en_US")
    assert info.value.field == "end"
    with pytest.raises(ValidationError) as info:
        format_money(Decimal("1"), "en_US")  # type: ignore[arg-type]
    assert info.value.field == "money"


def test_locale_spelling_with_a_hyphen_is_accepted() -> None:
    assert format_money(Money("1", "EUR"), "de-DE") == format_money(Money("1", "EUR"), "de_DE")


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ru_RU"])
def test_a_negative_zero_shows_as_zero_not_minus_zero(locale: str) -> None:
    """Defect: a negative zero (``-Money("0.00", "USD")``, ``Decimal("-0")``, an amount
    times -1) printed as ``-$0.00`` / ``-0``: a minus sign on nothing, read as a debt.
    Zero has no sign on the page."""
    assert format_money(-Money("0.00", "USD"), locale) == format_money(Money("0.00", "USD"),
                                                                       locale)
    assert format_amount(Decimal("-0.000"), "KWD", locale, symbol=False) == format_amount(
        "0", "KWD", locale, symbol=False)
    assert format_decimal(Decimal("-0"), locale) == "0"
    assert format_decimal(Decimal("-0.0"), locale, digits=2) == format_decimal("0", locale,
                                                                              digits=2)
    assert format_amount("-0.001", "USD", locale).count("-") == 1  # a real negative keeps it
