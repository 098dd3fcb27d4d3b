"""Captions of rendered documents in English, Russian and German.

Numbers, amounts and dates are localized by babel; the words around them come from
here. Other languages fall back to English; a caller may override any caption (and
add languages) by passing ``labels=`` to
:func:`~backoffice_core.documents.render.render_html`.

Example:
    >>> labels_for("de_DE")["title_sales_invoice"], labels_for("ru_RU")["amount_due"]
    ('Rechnung', 'Итого к оплате')
    >>> labels_for("fr_FR")["seller"]
    'Seller'
"""

from __future__ import annotations

from backoffice_core.formatting import parse_locale

__all__ = ["LABELS", "labels_for", "unit_label"]

_CAPTIONS: dict[str, tuple[str, str, str]] = {  # key: (English, Russian, German)
    "title_quote": ("Quote", "Коммерческое предложение", "Angebot"),
    "title_sales_order": ("Sales order", "Заказ покупателя", "Auftragsbestätigung"),
    "title_sales_invoice": ("Invoice", "Счёт", "Rechnung"),
    "title_credit_note": ("Credit note", "Кредит-нота", "Gutschrift"),
    "title_purchase_order": ("Purchase order", "Заказ поставщику", "Bestellung"),
    "title_supplier_bill": ("Supplier bill", "Счёт поставщика", "Eingangsrechnung"),
    "title_debit_note": ("Debit note", "Дебет-нота", "Belastungsanzeige"),
    "title_delivery_note": ("Delivery note", "Товарная накладная", "Lieferschein"),
    "title_goods_receipt": ("Goods receipt", "Приходная накладная", "Wareneingang"),
    "number_sign": ("No.", "№", "Nr."),
    "draft": ("draft", "черновик", "Entwurf"),
    "date": ("Date", "Дата", "Datum"),
    "due_date": ("Due date", "Срок оплаты", "Fällig am"),
    "delivery_date": ("Delivery date", "Дата поставки", "Lieferdatum"),
    "valid_until": ("Valid until", "Действительно до", "Gültig bis"),
    "order_reference": ("Order", "Заказ", "Bestellung"),
    "buyer_reference": ("Buyer reference", "Ссылка покупателя", "Käuferreferenz"),
    "corrects": ("Corrects", "Корректирует", "Korrigiert"),
    "seller": ("Seller", "Поставщик", "Verkäufer"),
    "buyer": ("Buyer", "Покупатель", "Käufer"),
    "tax_VAT": ("VAT ID", "Номер плательщика НДС", "USt-IdNr."),
    "tax_INN": ("INN", "ИНН", "INN"),
    "tax_KPP": ("KPP", "КПП", "KPP"),
    "tax_EIN": ("EIN", "EIN", "EIN"),
    "tax_OTHER": ("ID", "ID", "Kennung"),
    "col_no": ("#", "№", "Pos."),
    "col_description": ("Description", "Наименование", "Beschreibung"),
    "col_quantity": ("Quantity", "Кол-во", "Menge"),
    "col_unit": ("Unit", "Ед.", "Einheit"),
    "col_price": ("Unit price", "Цена", "Einzelpreis"),
    "col_adjustments": ("Discounts / charges", "Скидки / надбавки", "Rabatte / Zuschläge"),
    "col_vat": ("VAT", "НДС", "USt."),
    "col_amount": ("Net amount", "Сумма без НДС", "Nettobetrag"),
    "prices_gross": ("Prices include VAT.", "Цены включают НДС.", "Preise inklusive Umsatzsteuer."),
    "ac_title": (
        "Document discounts and charges", "Скидки и надбавки по документу",
        "Nachlässe und Zuschläge"),
    "ac_reason": ("Reason", "Основание", "Grund"),
    "allowance": ("Discount", "Скидка", "Nachlass"),
    "charge": ("Charge", "Надбавка", "Zuschlag"),
    "vat_title": ("VAT breakdown", "Расчёт НДС", "Umsatzsteuer"),
    "vat_category": ("Category", "Категория", "Kategorie"),
    "vat_rate": ("Rate", "Ставка", "Satz"),
    "vat_taxable": ("Taxable amount", "Облагаемая сумма", "Bemessungsgrundlage"),
    "vat_amount": ("VAT", "Сумма НДС", "Steuerbetrag"),
    "vat_reason": ("Exemption reason", "Основание освобождения", "Befreiungsgrund"),
    "cat_S": ("Taxable", "Облагается НДС", "Steuerpflichtig"),
    "cat_Z": ("Zero rated", "Ставка 0 %", "Nullsatz"),
    "cat_E": ("Exempt", "Освобождено от НДС", "Steuerbefreit"),
    "cat_AE": (
        "Reverse charge", "Обратное начисление",
        "Reverse Charge"),
    "cat_K": ("Intra-community supply", "Поставка внутри ЕС", "Innergemeinschaftliche Lieferung"),
    "cat_G": ("Export outside the EU", "Экспорт", "Ausfuhrlieferung"),
    "cat_O": ("Not subject to VAT", "Без НДС", "Nicht steuerbar"),
    "cat_L": ("Canary Islands (IGIC)", "Канарские острова (IGIC)", "Kanarische Inseln (IGIC)"),
    "cat_M": ("Ceuta and Melilla (IPSI)", "Сеута и Мелилья (IPSI)", "Ceuta und Melilla (IPSI)"),
    "line_total": ("Total of lines", "Итого по строкам", "Summe Positionen"),
    "allowance_total": ("Discounts", "Скидки", "Nachlässe"),
    "charge_total": ("Charges", "Надбавки", "Zuschläge"),
    "tax_exclusive": ("Total excluding VAT", "Итого без НДС", "Gesamt netto"),
    "tax_total": ("VAT", "НДС", "Umsatzsteuer"),
    "tax_inclusive": ("Total including VAT", "Всего с НДС", "Gesamt brutto"),
    "prepaid": ("Paid in advance", "Предоплата", "Anzahlung"),
    "rounding": ("Rounding", "Округление", "Rundung"),
    "amount_due": ("Amount due", "Итого к оплате", "Zahlbetrag"),
    "tax_accounting": (
        "VAT in accounting currency", "НДС в валюте учёта",
        "USt. in Buchungswährung"),
    "amount_in_words": ("Amount in words", "Сумма прописью", "Betrag in Worten"),
    "payment_terms": ("Payment terms", "Условия оплаты", "Zahlungsbedingungen"),
    "note": ("Note", "Примечание", "Hinweis"),
    "item": ("Item", "Артикул", "Artikel"),
}

#: Captions by language (``"en"``, ``"ru"``, ``"de"``).
LABELS: dict[str, dict[str, str]] = {
    lang: {key: names[i] for key, names in _CAPTIONS.items()}
    for i, lang in enumerate(("en", "ru", "de"))
}

_UNITS: dict[str, tuple[str, str, str]] = {  # UN/ECE Rec. 20 code: (en, ru, de)
    "C62": ("pcs", "шт.", "Stk."), "H87": ("pcs", "шт.", "Stk."), "EA": ("pcs", "шт.", "Stk."),
    "HUR": ("h", "ч", "Std."), "DAY": ("days", "дн.", "Tage"), "MON": ("months", "мес.", "Mon."),
    "KGM": ("kg", "кг", "kg"), "TNE": ("t", "т", "t"), "MTR": ("m", "м", "m"),
    "KMT": ("km", "км", "km"), "MTK": ("m²", "м²", "m²"), "MTQ": ("m³", "м³", "m³"),
    "LTR": ("l", "л", "l"), "SET": ("sets", "компл.", "Satz"), "PR": ("pairs", "пар", "Paar"),
}
_UNIT_COLUMN = {"en": 0, "ru": 1, "de": 2}


def labels_for(locale: str) -> dict[str, str]:
    """The captions for ``locale``'s language (a copy; English where it has none).

    Example:
        >>> labels_for("ru_RU")["title_sales_invoice"]
        'Счёт'
    """
    lang = parse_locale(locale).language
    return {**LABELS["en"], **LABELS.get(lang, {})}


def unit_label(code: str, locale: str) -> str:
    """A short localized name for a UN/ECE Rec. 20 unit code (the code itself if unknown).

    Example:
        >>> unit_label("HUR", "de_DE"), unit_label("C62", "ru_RU"), unit_label("XYZ", "en_US")
        ('Std.', 'шт.', 'XYZ')
    """
    names = _UNITS.get(code)
    if names is None:
        return code
    return names[_UNIT_COLUMN.get(parse_locale(locale).language, 0)]
