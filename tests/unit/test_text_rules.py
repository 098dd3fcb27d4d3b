"""One text rule in the domain (backoffice_core.text): the module itself, the ledger and
the book id. Every refusal is a ValidationError naming the field and the value, the same
on the reference adapter and on SQLite, and nothing is written."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core import text
from backoffice_core.adapters.sql import guards
from backoffice_core.errors import ValidationError
from backoffice_core.ledger import entries
from backoffice_core.ledger.accounts import Account
from backoffice_core.ledger.entries import Line, NewEntry, credit, debit
from backoffice_core.ledger.periods import FiscalYear
from backoffice_core.ports import FixedClock, SequentialIds

URLS = ["memory://", "sqlite://"]
LONG = "k" * (text.MAX_KEY_CHARS + 1)
AT_LIMIT = "k" * text.MAX_KEY_CHARS


def _reference_controls(value: str) -> bool:
    """The plain definition: a C0 character other than tab, LF and CR, DEL, U+FFFE or
    U+FFFF (no XML 1.0 character), or a surrogate on its own (a valid pair is one character
    in Python: never a surrogate)."""
    return any((ord(c) < 0x20 and c not in "\t\n\r") or c in "\x7f\ufffe\uffff"
               or 0xD800 <= ord(c) <= 0xDFFF for c in value)


#: any text, unpaired surrogates included (hypothesis leaves them out by default)
any_text = st.text(alphabet=st.characters(exclude_categories=()))


# ---------------------------------------------------------------------------- the module
@given(st.text() | any_text)
def test_has_controls_agrees_with_the_plain_definition(value: str) -> None:
    assert text.has_controls(value) is _reference_controls(value)


@given(st.text(alphabet=st.characters(max_codepoint=0x7f)) | st.text() | any_text)
def test_has_line_controls_adds_tab_and_line_breaks(value: str) -> None:
    want = _reference_controls(value) or any(c in "\t\n\r" for c in value)
    assert text.has_line_controls(value) is want


@given(st.text() | any_text)
def test_kept_text_lets_only_the_two_noncharacters_through(value: str) -> None:
    """Text written before U+FFFE and U+FFFF were refused reads back (kept=True, and inside
    a kept_text reader); every other control character is still refused."""
    plain = value.replace("\ufffe", "").replace("\uffff", "")
    assert text.has_controls(value, kept=True) is _reference_controls(plain)
    assert text.has_line_controls(value, kept=True) is text.has_line_controls(plain)
    assert text.kept_text(text.has_controls)(value) is _reference_controls(plain)
    assert text.has_controls(value) is _reference_controls(value)  # outside: the rule


def test_a_kept_text_reader_reads_the_noncharacters_only_after_a_refusal() -> None:
    calls: list[str] = []

    def read(name: str) -> str:
        calls.append(name)
        return text.check_name(name, field="name", what="an item")

    kept = text.kept_text(read)
    assert kept("Tea") == "Tea" and calls == ["Tea"]  # the common row: one run
    assert kept("Tea\uffff") == "Tea\uffff" and calls[1:] == ["Tea\uffff"] * 2
    with pytest.raises(ValidationError) as err:  # other controls: still refused
        kept("Tea\x00")
    assert (err.value.field, err.value.value) == ("name", "Tea\x00")
    with pytest.raises(ValidationError):  # and new input after the read, as before
        text.check_name("Tea\uffff", field="name", what="an item")


def test_the_module_is_pure() -> None:
    tree = ast.parse(Path(text.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported == {"__future__", "collections.abc", "contextvars", "functools", "hashlib",
                        "typing", "backoffice_core.errors"}  # no I/O


def test_one_definition_shared_by_the_ledger_and_the_sql_guards() -> None:
    assert entries.has_controls is text.has_controls
    assert entries.check_text is text.check_text
    assert guards.MAX_KEY_CHARS is text.MAX_KEY_CHARS == 200


@pytest.mark.parametrize("value", ["a\x00b", "\x1f", "x\x7f", "\x1b[31m"])
def test_check_text_names_field_and_value(value: str) -> None:
    with pytest.raises(ValidationError) as err:
        text.check_text("memo", value)
    assert (err.value.field, err.value.value) == ("memo", value)


def test_free_text_keeps_tab_and_line_breaks_codes_do_not() -> None:
    text.check_text("note", "line 1\r\n\tline 2")
    text.check_name("Two\nlines", field="name", what="an item")
    for bad in ("A\tB", "A\nB", "A\rB"):
        with pytest.raises(ValidationError) as err:
            text.check_code(bad, field="sku", what="sku")
        assert (err.value.field, err.value.value) == ("sku", bad)
        with pytest.raises(ValidationError):
            text.check_line("pattern", bad)


def test_check_key_limits_length() -> None:
    text.check_key("idempotency_key", AT_LIMIT)
    with pytest.raises(ValidationError) as err:
        text.check_key("idempotency_key", LONG)
    assert (err.value.field, err.value.value) == ("idempotency_key", LONG)
    with pytest.raises(ValidationError):
        text.check_key("idempotency_key", 5)


@given(st.text() | any_text)
def test_check_lookup_refuses_what_no_id_or_code_holds(value: str) -> None:
    """``check_lookup`` refuses a string exactly when no id (``check_id``) could hold it for
    its characters: an unpaired surrogate or any control character, tab and line breaks
    included; ``not_found`` answers ``NotFoundError`` for every other string."""
    refused = text.has_line_controls(value)
    try:
        text.check_lookup("sku", value)
    except ValidationError as err:
        assert refused and (err.field, err.value) == ("sku", value)
    else:
        assert not refused
        assert type(text.not_found("item", "sku", value)) is bc.NotFoundError


def test_check_lookup_and_free_text_search() -> None:
    """An id filter refuses a tab; a search filter (``check_filter``) does not."""
    text.check_lookup("lot", None, optional=True)
    text.check_filter("text", "a\tb")
    for value in (None, 5, "a\tb", "\x00"):
        with pytest.raises(ValidationError) as err:
            text.check_lookup("sku", value)
        assert (err.value.field, err.value.value) == ("sku", value)


def test_in_memory_lookups_refuse_an_id_holding_a_control_character() -> None:
    """``PostResult.balance`` and ``Document.line`` answered ``NotFoundError`` for an
    account or a line id holding a control character (or a number); no such id exists."""
    bo = bc.Backoffice.open("memory://")
    bo.ledger.setup("X", currency="EUR", chart="generic")
    result = bo.ledger.post(NewEntry(date(2026, 1, 2), "Sale",
                                     [debit("1110", "5.00"), credit("4100", "5.00")]))
    party = bo.documents.create_party("Globex")
    doc = bo.documents.create_invoice(party.id, date(2026, 1, 2), [bc.documents.line(
        "A", 1, "1.00", bc.documents.Tax.zero())])
    for call, field in ((result.balance, "account"), (doc.line, "line_id")):
        for value in ("1\t110", "\x00", 5):
            with pytest.raises(ValidationError) as err:
                call(value)
            assert (err.value.field, err.value.value) == (field, value)
        with pytest.raises(bc.NotFoundError) as missing:
            call("9999")
        assert missing.value.field == field


def test_non_ascii_text_is_not_a_control() -> None:
    for fine in ("Расчетные счета", "Müller\u00a0GmbH", "東京", "a\u202fb", "emoji \U0001f600"):
        text.check_text("name", fine)
        text.check_line("name", fine)


# ---------------------------------------------------------------------------- the ledger
def _book(url: str) -> bc.Backoffice:
    bo = bc.Backoffice.open(url, book="t", clock=FixedClock(datetime(2026, 1, 31, tzinfo=UTC)),
                            ids=SequentialIds("e"))
    bo.ledger.setup("Text Co", currency="USD", chart="generic")
    return bo


def _state(bo: bc.Backoffice) -> Any:
    led = bo.ledger
    return (led.entries(), led.accounts(), led.balances(), led.fiscal_years())


@pytest.fixture
def refused(refused_alike: Callable[..., None]) -> Callable[..., None]:
    """``refused(bo, operation, field, value)``: refused alike, and nothing of ``bo``
    changed (``_state``)."""
    return lambda bo, *args: refused_alike(lambda: _state(bo), *args)


def _entry(**kw: Any) -> NewEntry:
    return NewEntry(date(2026, 1, 5), kw.pop("description", "Sale"),
                    [debit("1110", "5.00"), credit("4100", "5.00")], **kw)


@pytest.mark.parametrize("url", URLS)
def test_ledger_refuses_long_idempotency_keys_on_every_adapter(url: str,
        refused: Callable[..., None]) -> None:
    bo = _book(url)
    refused(bo, lambda: bo.ledger.post(_entry(idempotency_key=LONG)), "idempotency_key",
             LONG)
    assert bo.ledger.post(_entry(idempotency_key=AT_LIMIT)).entry.idempotency_key == AT_LIMIT


@pytest.mark.parametrize("url", URLS)
def test_ledger_refuses_unpaired_surrogates_on_every_adapter(url: str,
        refused: Callable[..., None]) -> None:
    """Text with no UTF-8 form could be neither stored nor hashed: refused when the value
    is made, naming the field, as a control character is."""
    bo = _book(url)
    lone = "key-\ud800"
    refused(bo, lambda: bo.ledger.post(_entry(idempotency_key=lone)), "idempotency_key", lone)
    refused(bo, lambda: bo.ledger.post(_entry(description=lone)), "description", lone)
    refused(bo, lambda: bo.ledger.post(_entry(reference=lone)), "reference", lone)
    refused(bo, lambda: bo.ledger.post_many([_entry(idempotency_key=lone)]), "idempotency_key",
            lone)
    with pytest.raises(ValidationError) as err:
        Line("1110", "1.00", memo=lone)
    assert (err.value.field, err.value.value) == ("memo", lone)
    paired = "key-\U0001f600"  # a character beyond the BMP is one code point: kept
    assert bo.ledger.post(_entry(idempotency_key=paired)).entry.idempotency_key == paired


@pytest.mark.parametrize("url", URLS)
def test_ledger_refuses_long_dimensions_on_every_adapter(url: str,
        refused: Callable[..., None]) -> None:
    bo = _book(url)
    refused(bo, lambda: bo.ledger.post(_entry(dimensions={LONG: "x"})), "dimensions", LONG)
    refused(bo, lambda: bo.ledger.post(_entry(dimensions={"project": LONG})),
             "dimensions.project", LONG)
    with pytest.raises(ValidationError) as err:
        Line("1110", "1.00", dimensions={"project": "P\x00"})
    assert (err.value.field, err.value.value) == ("dimensions.project", "P\x00")


@pytest.mark.parametrize("url", URLS)
def test_ledger_refuses_controls_in_account_and_setup_text(url: str,
        refused: Callable[..., None]) -> None:
    bo = _book(url)
    refused(bo, lambda: bo.ledger.open_account("1199", "Petty\x00cash", "asset"), "name",
             "Petty\x00cash")
    refused(bo, lambda: bo.ledger.update_account("1110", name="Cash\x1b"), "name", "Cash\x1b")
    with pytest.raises(ValidationError) as err:
        Account("1199", "Petty cash", "asset", parent="11\x0010")
    assert (err.value.field, err.value.value) == ("parent", "11\x0010")
    assert bo.ledger.open_account("1198", "Petty cash\nsecond till", "asset").name.endswith(
        "till")  # a name may span lines
    fresh = bc.Backoffice.open(url, book="other")
    with pytest.raises(ValidationError) as err:
        fresh.ledger.setup("Acme\x00", currency="USD")
    assert (err.value.field, err.value.value) == ("name", "Acme\x00")
    with pytest.raises(ValidationError) as err:
        fresh.ledger.setup("Acme", currency="USD", roles={"bank\n": "1110"})
    assert (err.value.field, err.value.value) == ("roles", "bank\n")
    with pytest.raises(bc.errors.BackofficeError):
        fresh.ledger.settings()  # nothing was set up


@pytest.mark.parametrize("url", URLS)
def test_ledger_refuses_bad_fiscal_year_names(url: str,
        refused: Callable[..., None]) -> None:
    bo = _book(url)
    for bad in (LONG, "FY\x002026", "FY\n2026"):
        refused(bo, lambda bad=bad: bo.ledger.add_fiscal_year(  # type: ignore[misc]
            FiscalYear.monthly(bad, date(2026, 1, 1))), "name", bad)


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("book", ["a\x00b", "a\nb", "", "   ", "b" * 65])
def test_book_ids_are_one_line_codes(url: str, book: str) -> None:
    with pytest.raises(ValidationError) as err:
        bc.Backoffice.open(url, book=book)
    assert (err.value.field, err.value.value) == ("book", book)
