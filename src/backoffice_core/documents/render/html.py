r"""Render a document to HTML from an overridable template, localized by babel.

A template is plain text with ``$name`` / ``${name}`` placeholders
(:class:`string.Template`; write ``$$`` for a dollar sign). Two kinds of
placeholders are filled:

* **text** (HTML-escaped): ``lang`` (``"ru-RU"``), ``dir`` (the locale's script
  direction: ``"rtl"`` for Arabic, Hebrew, Persian..., else ``"ltr"``), ``type``
  (``"sales_invoice"``), ``title``, ``number``, ``date``, ``due_date``, ``currency``,
  ``seller_name``, ``buyer_name``, ``tax_exclusive``, ``tax_total``, ``tax_inclusive``,
  ``amount_due``, ``amount_in_words``, ``payment_terms``, ``note``, and every caption as
  ``label_<key>`` (``label_seller``, ``label_amount_due``... see :mod:`.labels`);
* **HTML blocks** (names end in ``_html``, already escaped inside): ``header_html``,
  ``parties_html``, ``lines_html``, ``allowances_charges_html``,
  ``vat_breakdown_html``, ``totals_html``, ``amount_in_words_html``,
  ``payment_html``, ``notes_html`` (empty when there is nothing to show).

An unknown placeholder in a template is an error, so a typo never prints as text.
:data:`PLACEHOLDERS` lists them all; :func:`template_context` gives their values.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents import Address, Document, Party, Tax, line
    >>> me = Party("me", "ООО «Ромашка»", addresses=[Address(["ул. Ленина, 1"], "Москва",
    ...            "101000", "RU")])
    >>> you = Party("you", "АО «Вектор»")
    >>> doc = Document("d", "sales_invoice", "you", "RUB", date(2026, 3, 2),
    ...                [line("Консультация", 1, "102.88", Tax.standard(20))], number="СЧ-1")
    >>> html = render_html(doc, locale="ru_RU", seller=me, buyer=you,
    ...                    template="<h1>$title № $number от $date</h1><p>$amount_in_words</p>")
    >>> html
    '<h1>Счёт № СЧ-1 от 2 марта 2026\u202fг.</h1><p>Сто двадцать три рубля 46 копеек</p>'
"""

from __future__ import annotations

import decimal
import os
import string
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from html import escape
from importlib import resources

from babel.numbers import format_percent

from backoffice_core.documents.lines import DISCOUNT_REASON, AllowanceCharge
from backoffice_core.documents.model import Document
from backoffice_core.documents.parties import Party
from backoffice_core.documents.render.labels import labels_for, unit_label
from backoffice_core.documents.render.terms_text import terms_text
from backoffice_core.documents.render.words import amount_in_words, words_required
from backoffice_core.documents.taxes import Tax
from backoffice_core.documents.totals import Totals, document_totals
from backoffice_core.errors import ValidationError
from backoffice_core.formatting import (
    format_amount,
    format_date,
    format_decimal,
    format_money,
    parse_locale,
)
from backoffice_core.money import EXACT, Money

__all__ = ["PLACEHOLDERS", "default_template", "render_html", "template_context"]

_TEXT = ("lang", "dir", "type", "title", "number", "date", "due_date", "currency", "seller_name",
         "buyer_name", "tax_exclusive", "tax_total", "tax_inclusive", "amount_due",
         "amount_in_words", "payment_terms", "note")
_BLOCKS = ("header_html", "parties_html", "lines_html", "allowances_charges_html",
           "vat_breakdown_html", "totals_html", "amount_in_words_html", "payment_html",
           "notes_html")
#: Every placeholder a template may use, besides the ``label_<key>`` captions.
PLACEHOLDERS = _TEXT + _BLOCKS


def default_template() -> str:
    """The template shipped with the package (A4, one page per document when it fits).

    Example:
        >>> "${lines_html}" in default_template()
        True
    """
    path = resources.files("backoffice_core.documents.render").joinpath(
        "templates/document.html")
    return path.read_text(encoding="utf-8")


class _Fmt:
    """Locale-bound formatting of one document."""

    def __init__(self, locale: str, code: str, labels: Mapping[str, str]) -> None:
        self.locale = str(parse_locale(locale))
        self.code = code
        self.labels = labels

    def money(self, m: Money) -> str:
        return format_money(m, self.locale)

    def amount(self, value: Decimal | Money) -> str:
        raw = value.amount if isinstance(value, Money) else value
        return format_amount(raw, self.code, self.locale, symbol=False)

    def percent(self, rate: Decimal) -> str:
        return str(format_percent(rate / 100, locale=self.locale, decimal_quantization=False))

    def day(self, d: date | None) -> str:
        return format_date(d, self.locale, "long") if d is not None else ""

    def rate(self, tax: Tax) -> str:
        """The rate for rated categories, else the category code explained in the breakdown."""
        if tax.category.takes_rate:
            return self.percent(tax.rate)
        return tax.category.code


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _header(doc: Document, f: _Fmt, title: str, number: str) -> str:
    lab = f.labels
    rows = [(lab["date"], f.day(doc.date))]
    if doc.due_date is not None:
        rows.append((lab["due_date"], f.day(doc.due_date)))
    if doc.delivery_date is not None:
        rows.append((lab["delivery_date"], f.day(doc.delivery_date)))
    if doc.valid_until is not None:
        rows.append((lab["valid_until"], f.day(doc.valid_until)))
    if doc.external_number:
        rows.append((lab["order_reference"], doc.external_number))
    if doc.buyer_reference:
        rows.append((lab["buyer_reference"], doc.buyer_reference))
    ref = doc.corrects
    if ref is not None and ref.number:
        when = f" ({f.day(ref.issue_date)})" if ref.issue_date is not None else ""
        rows.append((lab["corrects"], f"{ref.number}{when}"))
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return (f'<header class="document-header"><h1>{_e(title)} {_e(lab["number_sign"])} '
            f'{_e(number)}</h1><dl class="document-dates">{items}</dl></header>')


def _party(party: Party, role: str, f: _Fmt) -> str:
    lab = f.labels
    parts = [f'<div class="party {role}"><h2>{_e(lab[role])}</h2>',
             f'<p class="name">{_e(party.legal_name)}</p>']
    address = party.address
    if address is not None:
        country = parse_locale(f.locale).territories.get(address.country, address.country)
        lines = [*address.lines, " ".join(x for x in (address.postal_code, address.city) if x),
                 address.region, country]
        parts.append('<p class="address">' + "<br>".join(_e(x) for x in lines if x) + "</p>")
    if party.tax_ids:
        ids = "<br>".join(f"{_e(lab['tax_' + t.scheme.value])}: {_e(t.value)}"
                          for t in party.tax_ids)
        parts.append(f'<p class="tax-ids">{ids}</p>')
    return "".join(parts) + "</div>"


def _adjustment(ac: AllowanceCharge, f: _Fmt) -> str:
    sign = "+" if ac.is_charge else "\u2212"
    value = f.percent(ac.percent) if ac.percent is not None else \
        f.amount(ac.amount_value() or Decimal(0))
    text = f.labels["allowance"] if ac.reason == DISCOUNT_REASON and not ac.is_charge \
        else ac.reason  # the reason line(discount=) gives, in the document's language
    reason = f" {text}" if text else ""
    return f"{sign}{value}{reason}"


def _lines(doc: Document, t: Totals, f: _Fmt) -> str:
    lab = f.labels
    adjust = any(ln.allowances_charges for ln in doc.lines)
    head = [("", lab["col_no"]), ("", lab["col_description"]), ("num", lab["col_quantity"]),
            ("", lab["col_unit"]), ("num", lab["col_price"])]
    if adjust:
        head.append(("num", lab["col_adjustments"]))
    head += [("num", lab["col_vat"]), ("num", f"{lab['col_amount']} ({doc.currency})")]
    ths = "".join(f'<th class="{c}">{_e(h)}</th>' if c else f"<th>{_e(h)}</th>"
                  for c, h in head)
    rows = []
    for ln, net in zip(doc.lines, t.line_nets, strict=True):
        desc = _e(ln.description or ln.item_id or "")
        if ln.item_id:
            desc += f'<div class="item-id">{_e(lab["item"])}: {_e(ln.item_id)}</div>'
        if ln.note:
            desc += f'<div class="note">{_e(ln.note)}</div>'
        price = f.amount(ln.price)
        if ln.price_base_quantity != 1:
            price += f" / {_quantity(ln.price_base_quantity, f)}"
        cells = [f"<td>{_e(ln.id)}</td>", f"<td>{desc}</td>",
                 f'<td class="num">{_e(_quantity(ln.quantity, f))}</td>',
                 f"<td>{_e(unit_label(ln.unit, f.locale))}</td>",
                 f'<td class="num">{_e(price)}</td>']
        if adjust:
            cells.append('<td class="num">' + "<br>".join(
                _e(_adjustment(ac, f)) for ac in ln.allowances_charges) + "</td>")
        cells += [f'<td class="num">{_e(f.rate(ln.tax))}</td>',
                  f'<td class="num">{_e(f.amount(net))}</td>']
        rows.append("<tr>" + "".join(cells) + "</tr>")
    gross = any(ln.price_includes_tax for ln in doc.lines)
    note = f'<p class="note">{_e(lab["prices_gross"])}</p>' if gross else ""
    return (f'<table class="lines"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}'
            f"</tbody></table>{note}")


def _quantity(value: Decimal, f: _Fmt) -> str:
    return format_decimal(value, f.locale)


def _doc_adjustments(doc: Document, t: Totals, f: _Fmt) -> str:
    if not doc.allowances_charges:
        return ""
    lab = f.labels
    rows = []
    for ac, amount in zip(doc.allowances_charges, t.allowance_charge_amounts, strict=True):
        kind = lab["charge"] if ac.is_charge else lab["allowance"]
        sign = "" if ac.is_charge else "\u2212"
        rate = f.rate(ac.tax) if ac.tax is not None else ""
        pct = f" ({f.percent(ac.percent)})" if ac.percent is not None else ""
        rows.append(f"<tr><td>{_e(kind)}</td><td>{_e(ac.reason)}{_e(pct)}</td>"
                    f'<td class="num">{_e(rate)}</td>'
                    f'<td class="num">{_e(sign + f.amount(amount))}</td></tr>')
    return (f'<table class="allowances-charges"><thead><tr><th colspan="2">'
            f'{_e(lab["ac_title"])}</th><th class="num">{_e(lab["col_vat"])}</th>'
            f'<th class="num">{_e(doc.currency)}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _vat(t: Totals, f: _Fmt) -> str:
    if not t.breakdown:
        return ""
    lab = f.labels
    reasons = any(row.exemption_reason or row.exemption_code for row in t.breakdown)
    rows = []
    for row in t.breakdown:
        cells = [f'<td>{_e(lab["cat_" + row.category.code])} ({_e(row.category.code)})</td>',
                 f'<td class="num">{_e(f.percent(row.rate))}</td>',
                 f'<td class="num">{_e(f.amount(row.taxable))}</td>',
                 f'<td class="num">{_e(f.amount(row.tax))}</td>']
        if reasons:
            code = f"({row.exemption_code})" if row.exemption_code else ""
            cells.append(f"<td>{_e(' '.join(x for x in (row.exemption_reason, code) if x))}"
                         "</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    heads = [("", lab["vat_category"]), ("num", lab["vat_rate"]), ("num", lab["vat_taxable"]),
             ("num", lab["vat_amount"])] + ([("", lab["vat_reason"])] if reasons else [])
    head = "".join(f'<th class="{c}">{_e(h)}</th>' if c else f"<th>{_e(h)}</th>"
                   for c, h in heads)
    return (f'<table class="vat-breakdown"><caption>{_e(lab["vat_title"])}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _totals(doc: Document, t: Totals, f: _Fmt) -> str:
    lab = f.labels
    rows: list[tuple[str, str, Money]] = []
    if doc.allowances_charges:
        rows.append(("line-total", "line_total", t.line_total))
    if t.allowance_total.amount:
        rows.append(("allowance-total", "allowance_total", -t.allowance_total))
    if t.charge_total.amount:
        rows.append(("charge-total", "charge_total", t.charge_total))
    rows += [("tax-exclusive", "tax_exclusive", t.tax_exclusive),
             ("tax-total", "tax_total", t.tax_total),
             ("tax-inclusive", "tax_inclusive", t.tax_inclusive)]
    if t.prepaid.amount:
        rows.append(("prepaid", "prepaid", -t.prepaid))
    if t.rounding.amount:
        rows.append(("rounding", "rounding", t.rounding))
    rows.append(("amount-due", "amount_due", t.amount_due))
    body = "".join(f'<tr class="{css}"><th>{_e(lab[key])}</th>'
                   f'<td class="num">{_e(f.money(value))}</td></tr>' for css, key, value in rows)
    acc = t.tax_total_accounting
    if acc is not None and acc.code != t.currency:
        body += (f'<tr class="tax-accounting"><th>{_e(lab["tax_accounting"])}</th>'
                 f'<td class="num">{_e(format_money(acc, f.locale))}</td></tr>')
    return f'<table class="totals"><tbody>{body}</tbody></table>'


def template_context(document: Document, *, locale: str, seller: Party, buyer: Party,
                     totals: Totals | None = None, labels: Mapping[str, str] | None = None,
                     words: bool | None = None) -> dict[str, str]:
    """The values of every placeholder for ``document`` (see the module text).

    ``words`` prints the amount due in words: ``None`` (default) when local practice
    asks for it (:func:`~.words.words_required`), or ``True``/``False``.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents import Document, Party, Tax, line
        >>> doc = Document("d", "quote", "p", "EUR", date(2026, 5, 4),
        ...                [line("Design", 10, "95.00", Tax.standard(19))])
        >>> ctx = template_context(doc, locale="de_DE", seller=Party("s", "Studio GmbH"),
        ...                        buyer=Party("p", "Kunde AG"))
        >>> ctx["title"], ctx["number"], ctx["date"], ctx["amount_due"], ctx["amount_in_words"]
        ('Angebot', 'Entwurf', '4. Mai 2026', '1.130,50\xa0€', '')
    """
    with decimal.localcontext(EXACT):  # exact whatever the caller's decimal context
        return _template_context(document, locale, seller, buyer, totals, labels, words)


def _template_context(document: Document, locale: str, seller: Party, buyer: Party,
                      totals: Totals | None, labels: Mapping[str, str] | None,
                      words: bool | None) -> dict[str, str]:
    if not isinstance(document, Document):
        raise ValidationError("expected a Document", field="document", value=document)
    for name, party in (("seller", seller), ("buyer", buyer)):
        if not isinstance(party, Party):
            raise ValidationError("expected a Party", field=name, value=party)
    lab = {**labels_for(locale), **(labels or {})}
    t = totals if totals is not None else (
        document.totals if document.totals is not None else document_totals(document))
    if t.currency != document.currency or len(t.line_nets) != len(document.lines):
        raise ValidationError("the totals do not belong to this document", field="totals",
                              value=t.currency)
    f = _Fmt(locale, document.currency, lab)
    title = lab[f"title_{document.type.value}"]
    number = document.number or lab["draft"]
    show_words = words_required(locale) if words is None else bool(words)
    in_words = amount_in_words(t.amount_due, locale) if show_words else ""
    terms = terms_text(document.payment_terms, locale)
    loc = parse_locale(locale)
    ctx = {f"label_{k}": _e(v) for k, v in lab.items()}
    text = {
        "lang": f"{loc.language}-{loc.territory}" if loc.territory else loc.language,
        "dir": "rtl" if loc.text_direction == "rtl" else "ltr",
        "type": document.type.value, "title": title, "number": number,
        "date": f.day(document.date), "due_date": f.day(document.due_date),
        "currency": document.currency, "seller_name": seller.legal_name,
        "buyer_name": buyer.legal_name, "tax_exclusive": f.money(t.tax_exclusive),
        "tax_total": f.money(t.tax_total), "tax_inclusive": f.money(t.tax_inclusive),
        "amount_due": f.money(t.amount_due), "amount_in_words": in_words,
        "payment_terms": terms, "note": document.note,
    }
    ctx.update({k: _e(v) for k, v in text.items()})
    words_html = (f'<p class="amount-in-words"><span class="label">'
                  f'{_e(lab["amount_in_words"])}:</span> <span class="words">{_e(in_words)}'
                  f"</span></p>") if in_words else ""
    payment = []
    if terms:
        payment.append(f'<span class="label">{_e(lab["payment_terms"])}:</span> {_e(terms)}')
    if document.due_date is not None:
        payment.append(f'<span class="label">{_e(lab["due_date"])}:</span> '
                       f"{_e(f.day(document.due_date))}")
    ctx.update({
        "header_html": _header(document, f, title, number),
        "parties_html": '<section class="parties">' + _party(seller, "seller", f)
                        + _party(buyer, "buyer", f) + "</section>",
        "lines_html": _lines(document, t, f),
        "allowances_charges_html": _doc_adjustments(document, t, f),
        "vat_breakdown_html": _vat(t, f),
        "totals_html": _totals(document, t, f),
        "amount_in_words_html": words_html,
        "payment_html": ('<p class="payment">' + "<br>".join(payment) + "</p>") if payment
        else "",
        "notes_html": f'<p class="note">{_e(document.note)}</p>' if document.note else "",
    })
    return ctx


def _template(template: str | os.PathLike[str] | string.Template | None) -> string.Template:
    if template is None:
        return string.Template(default_template())
    if isinstance(template, string.Template):
        return template
    if isinstance(template, os.PathLike):
        try:
            with open(template, encoding="utf-8") as fh:
                return string.Template(fh.read())
        except OSError as err:
            raise ValidationError(f"cannot read the template: {err.strerror}",
                                  field="template", value=os.fspath(template)) from None
    if isinstance(template, str):
        tmpl = string.Template(template)
        if tmpl.is_valid() and not tmpl.get_identifiers():
            raise ValidationError("the template has no placeholder; to read a template file, "
                                  "pass a pathlib.Path", field="template", value=template[:80])
        return tmpl
    raise ValidationError("a template is a str (the template text), a path (os.PathLike) or "
                          "a string.Template", field="template", value=type(template).__name__)


def render_html(document: Document, *, locale: str, seller: Party, buyer: Party,
                totals: Totals | None = None,
                template: str | os.PathLike[str] | string.Template | None = None,
                labels: Mapping[str, str] | None = None, words: bool | None = None) -> str:
    """Render ``document`` to HTML for ``locale`` (babel formats numbers, money, dates).

    Args:
        document: any document type.
        locale: e.g. ``"ru_RU"``, ``"en_US"``, ``"de_DE"``.
        seller, buyer: the parties printed (for a sales document: our company and
            the customer; for a purchase document: the supplier and our company).
        totals: the totals printed; by default ``document.totals`` or computed.
        template: ``None`` for :func:`default_template`, the template text (``str``,
            with at least one placeholder), a file (``pathlib.Path`` or any
            ``os.PathLike``) or a :class:`string.Template`.
        labels: captions overriding :func:`~.labels.labels_for` (keys as there).
        words: print the amount due in words (``None``: where local practice asks).

    Raises:
        ValidationError: a template with an unknown or invalid placeholder, or that
            cannot be read; an unknown locale; totals of another document.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents import Document, Party, Tax, line
        >>> doc = Document("d", "sales_invoice", "c", "USD", date(2026, 1, 5),
        ...                [line("Widget <b>", 2, "10.00", Tax.standard(10))], number="I-1")
        >>> html = render_html(doc, locale="en_US", seller=Party("s", "S & Co"),
        ...                    buyer=Party("c", "C Ltd"))
        >>> "Widget &lt;b&gt;" in html, "S &amp; Co" in html, "$22.00" in html
        (True, True, True)
    """
    tmpl = _template(template)
    if not tmpl.is_valid():
        raise ValidationError("the template has an invalid placeholder (write $$ for a "
                              "dollar sign)", field="template", value=tmpl.template[:80])
    ctx = template_context(document, locale=locale, seller=seller, buyer=buyer, totals=totals,
                           labels=labels, words=words)
    unknown = [name for name in tmpl.get_identifiers() if name not in ctx]
    if unknown:
        raise ValidationError("unknown placeholder in the template", field="template",
                              value=unknown[0])
    return tmpl.substitute(ctx)
