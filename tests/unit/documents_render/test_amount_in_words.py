"""Amounts in words (num2words), as Russian invoices print them, and the captions."""

from __future__ import annotations

import pytest

from backoffice_core.documents.render import LABELS, amount_in_words, labels_for, words_required
from backoffice_core.documents.render.labels import unit_label
from backoffice_core.errors import ValidationError
from backoffice_core.money import Money


@pytest.mark.parametrize(("amount", "words"), [
    ("123.45", "Сто двадцать три рубля 45 копеек"),
    ("1.01", "Один рубль 01 копейка"),
    ("2.00", "Два рубля 00 копеек"),
    ("5.50", "Пять рублей 50 копеек"),
    ("11.11", "Одиннадцать рублей 11 копеек"),
    ("21.21", "Двадцать один рубль 21 копейка"),
    ("0.45", "Ноль рублей 45 копеек"),
    ("2000.00", "Две тысячи рублей 00 копеек"),
    ("1000000.00", "Один миллион рублей 00 копеек"),
    ("119926.65", "Сто девятнадцать тысяч девятьсот двадцать шесть рублей 65 копеек"),
])
def test_rubles_in_russian(amount: str, words: str) -> None:
    assert amount_in_words(Money(amount, "RUB"), "ru_RU") == words


@pytest.mark.parametrize(("money", "locale", "words"), [
    (Money("123.45", "USD"), "ru_RU", "Сто двадцать три доллара 45 центов"),
    (Money("21.00", "EUR"), "ru_RU", "Двадцать один евро 00 центов"),
    (Money("123.45", "UAH"), "uk_UA", "Сто двадцять три гривні 45 копійок"),
    (Money("123.45", "USD"), "en_US", "One hundred and twenty-three dollars 45 cents"),
    (Money("1234.56", "EUR"), "de_DE", "Eintausendzweihundertvierunddreißig Euro 56 Cent"),
    # currencies num2words does not name: babel's name, the fraction in figures
    (Money("2.50", "CHF"), "ru_RU", "Два швейцарских франка 50/100"),
    (Money("1.5", "KWD"), "ru_RU", "Один кувейтский динар 500/1000"),
    (Money("12345", "JPY"), "ru_RU", "Двенадцать тысяч триста сорок пять японских иен"),
    (Money("-5.00", "RUB"), "ru_RU", "Минус пять рублей 00 копеек"),
])
def test_other_currencies_and_languages(money: Money, locale: str, words: str) -> None:
    assert amount_in_words(money, locale) == words


def test_refusals() -> None:
    with pytest.raises(ValidationError) as info:
        amount_in_words(Money("1.005", "RUB"), "ru_RU")
    assert info.value.field == "amount"
    with pytest.raises(ValidationError) as info:
        amount_in_words(Money("1.00", "ZAR"), "zu_ZA")  # babel knows Zulu, num2words not
    assert (info.value.field, info.value.value) == ("locale", "zu_ZA")
    with pytest.raises(ValidationError) as info:
        amount_in_words("1.00", "ru_RU")  # type: ignore[arg-type]
    assert info.value.field == "amount"


def test_where_words_are_required() -> None:
    assert [words_required(x) for x in ("ru_RU", "uk_UA", "de_DE", "en_US", "ru_KZ")] == \
        [True, True, False, False, True]


def test_captions_cover_every_key_in_every_language() -> None:
    keys = set(LABELS["en"])
    assert all(set(captions) == keys for captions in LABELS.values())
    assert all(text.strip() for captions in LABELS.values() for text in captions.values())
    assert labels_for("fr_FR") == LABELS["en"]
    assert labels_for("de_AT")["title_credit_note"] == "Gutschrift"
    assert unit_label("KGM", "ru_RU") == "кг" and unit_label("ZZZ", "de_DE") == "ZZZ"
