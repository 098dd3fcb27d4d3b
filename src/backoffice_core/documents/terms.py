"""Payment terms: net days, end of month, instalments and early-payment discounts.

Example:
    >>> terms = PaymentTerms.split((30, 0), (70, 30), discount=EarlyPaymentDiscount(2, 10))
    >>> [str(d) for d, _ in terms.schedule(date(2026, 1, 10), Money("1000.00", "EUR"))]
    ['2026-01-10', '2026-02-09']
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any

import attrs

from backoffice_core.dates import check_date
from backoffice_core.errors import ValidationError
from backoffice_core.money import (
    EXACT,
    Money,
    RoundingPolicy,
    allocate,
    exactly,
    from_minor,
    minor_digits,
    not_money,
    to_decimal,
)
from backoffice_core.text import check_text

__all__ = ["EarlyPaymentDiscount", "Instalment", "PaymentTerms", "describe"]


def _text(value: Any, field: str, limit: int = 500) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError("must be a string", field=field, value=value)
    text: str = value.strip()
    if len(text) > limit:
        raise ValidationError(f"longer than {limit} characters", field=field, value=text)
    if not text.isprintable():  # tab and line breaks pass
        check_text(field, text)
    return text


def _description_text(value: Any) -> str:
    return _text(value, "description")


def _check_days(_inst: Any, _attr: Any, value: Any) -> None:
    _days(value)


def _percent(value: Any, field: str = "percent") -> Decimal:
    pct = to_decimal(value, field=field)
    if not Decimal(0) <= pct <= Decimal(100):
        raise ValidationError("a percentage lies between 0 and 100", field=field, value=value)
    return pct


def _days(value: Any, field: str = "days") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3660:
        raise ValidationError("days must be an integer from 0 to 3660", field=field,
                              value=value)
    return value


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@attrs.frozen(slots=True)
class Instalment:
    """One part of a payment schedule: ``percent`` of the total due after ``days``.

    With ``end_of_month`` the count starts at the last day of the issue month
    ("30 days end of month": 30 days after the month's end).

    Example:
        >>> Instalment(50, 30).due(date(2026, 1, 15))
        datetime.date(2026, 2, 14)
        >>> Instalment(100, 0, end_of_month=True).due(date(2026, 2, 3))
        datetime.date(2026, 2, 28)
    """

    percent: Decimal = attrs.field(converter=_percent)
    days: int = attrs.field(validator=_check_days)
    end_of_month: bool = False

    def due(self, issued: date) -> date:
        """The due date of this instalment for a document dated ``issued``; one after
        9999-12-31 raises ``ValidationError`` naming ``issued``.

        Example:
            >>> Instalment(100, 30, end_of_month=True).due(date(2026, 1, 15))
            datetime.date(2026, 3, 2)
        """
        start = check_date(issued, "issued")
        if self.end_of_month:
            start = _month_end(start)
        try:
            return start + timedelta(days=self.days)
        except OverflowError:
            raise ValidationError(f"the due date, {self.days} days on, falls after "
                                  "9999-12-31", field="issued", value=issued) from None


@attrs.frozen(slots=True)
class EarlyPaymentDiscount:
    """A cash discount: ``percent`` off when paid within ``days`` of the issue date.

    Example:
        >>> EarlyPaymentDiscount(2, 10).applies(date(2026, 1, 1), date(2026, 1, 11))
        True
    """

    percent: Decimal = attrs.field(converter=_percent)
    days: int = attrs.field(validator=_check_days)

    def applies(self, issued: date, paid_on: date) -> bool:
        """Whether a payment made on ``paid_on`` earns the discount (``days`` after
        ``issued`` at the latest).

        Example:
            >>> d, issued = EarlyPaymentDiscount(2, 10), date(2026, 1, 5)
            >>> d.applies(issued, date(2026, 1, 15)), d.applies(issued, date(2026, 1, 16))
            (True, False)
        """
        days = (check_date(paid_on, "paid_on") - check_date(issued, "issued")).days
        return days <= self.days


def _instalments(value: Any) -> tuple[Instalment, ...]:
    items = tuple(value)
    if not items:
        raise ValidationError("payment terms need at least one instalment",
                              field="instalments", value=value)
    for i, item in enumerate(items):
        if not isinstance(item, Instalment):
            raise ValidationError("expected an Instalment", field=f"instalments[{i}]",
                                  value=item)
    with localcontext(EXACT):  # not the caller's decimal context
        total = sum((i.percent for i in items), Decimal(0))
    if total != 100:
        raise ValidationError("instalment percentages must add up to 100",
                              field="instalments", value=str(total))
    return items


_SHORT = 300  # room for the discount's words (its percent may be long) after the schedule


def describe(instalments: tuple[Instalment, ...], discount: EarlyPaymentDiscount | None
             ) -> str:
    """The English description of a schedule and its early-payment discount (BT-20).

    Example:
        >>> describe((Instalment(50, 0), Instalment(50, 30)), EarlyPaymentDiscount(2, 10))
        '50% in 0 days, 50% in 30 days, 2% discount if paid within 10 days'
    """
    if len(instalments) == 1 and instalments[0].end_of_month:
        days = instalments[0].days
        text = "End of month" + (f" + {days} days" if days else "")
    elif len(instalments) == 1:
        text = f"Net {instalments[0].days} days"
    else:
        text = ", ".join(f"{i.percent}% in {i.days} days" for i in instalments)
        if len(text) > _SHORT:  # a description is at most 500 characters: sum it up
            spread = sorted(i.days for i in instalments)
            text = f"{len(instalments)} instalments in {spread[0]} to {spread[-1]} days"
    if discount is not None:
        text += f", {discount.percent}% discount if paid within {discount.days} days"
    return text


@attrs.frozen(slots=True)
class PaymentTerms:
    """When a document is due: instalments, and optionally an early-payment discount.

    Build the common cases with :meth:`net`, :meth:`end_of_month` and
    :meth:`split`.

    Attributes:
        instalments: the schedule; percentages add up to 100.
        discount: an :class:`EarlyPaymentDiscount`, or ``None``.
        description: text for the printed document (BT-20).

    Example:
        >>> terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10))
        >>> terms.due_date(date(2026, 1, 15))
        datetime.date(2026, 2, 14)
        >>> terms.discount_amount(Money("119.00", "EUR"), date(2026, 1, 15), date(2026, 1, 20))
        Money('2.38', 'EUR')
    """

    instalments: tuple[Instalment, ...] = attrs.field(
        default=(Instalment(Decimal(100), 30),), converter=_instalments)
    discount: EarlyPaymentDiscount | None = None
    description: str = attrs.field(default="", converter=_description_text)

    @classmethod
    def net(cls, days: int, *, discount: EarlyPaymentDiscount | None = None) -> PaymentTerms:
        """Due in full ``days`` after the issue date ("net 30"); the description names the
        early-payment discount too, as the printed terms must.

        Example:
            >>> PaymentTerms.net(14).description
            'Net 14 days'
            >>> PaymentTerms.net(30, discount=EarlyPaymentDiscount(2, 10)).description
            'Net 30 days, 2% discount if paid within 10 days'
        """
        items = (Instalment(Decimal(100), days),)
        return cls(items, discount, describe(items, discount))

    @classmethod
    def end_of_month(cls, days: int = 0) -> PaymentTerms:
        """Due in full ``days`` after the end of the issue month.

        Example:
            >>> PaymentTerms.end_of_month(30).due_date(date(2026, 1, 10))
            datetime.date(2026, 3, 2)
        """
        items = (Instalment(Decimal(100), days, end_of_month=True),)
        return cls(items, None, describe(items, None))

    @classmethod
    def split(cls, *parts: tuple[Any, int],
              discount: EarlyPaymentDiscount | None = None) -> PaymentTerms:
        """Instalments given as ``(percent, days)`` pairs.

        Example:
            >>> [i.days for i in PaymentTerms.split((30, 0), (70, 30)).instalments]
            [0, 30]
        """
        items = tuple(Instalment(to_decimal(p, field="percent"), d) for p, d in parts)
        return cls(items, discount, describe(items, discount))

    @property
    def generated(self) -> bool:
        """Whether :attr:`description` is the text :meth:`net`, :meth:`end_of_month` or
        :meth:`split` wrote (also as written before it named the discount): a renderer
        may then word the terms in its own language instead.

        Example:
            >>> PaymentTerms.net(30).generated, PaymentTerms(description="Cash").generated
            (True, False)
        """
        return self.description in (describe(self.instalments, self.discount),
                                    describe(self.instalments, None))

    def due_date(self, issued: date) -> date:
        """The date the last instalment falls due (BT-9).

        Example:
            >>> PaymentTerms.net(0).due_date(date(2026, 3, 1))
            datetime.date(2026, 3, 1)
        """
        return max(i.due(issued) for i in self.instalments)

    def schedule(self, issued: date, total: Money) -> tuple[tuple[date, Money], ...]:
        """The instalments as ``(due date, amount)``; amounts add up to ``total`` exactly.

        Example:
            >>> for due, amount in PaymentTerms.split((50, 0), (50, 30)).schedule(
            ...         date(2026, 1, 1), Money("100.01", "EUR")):
            ...     print(due, amount)
            2026-01-01 50.01 EUR
            2026-01-31 50.00 EUR
        """
        parts = allocate(total, [i.percent for i in self.instalments])
        return tuple((i.due(issued), amount) for i, amount in zip(self.instalments, parts,
                                                                  strict=True))

    @exactly  # not in the caller's decimal context
    def discount_amount(self, total: Money, issued: date, paid_on: date) -> Money:
        """The early-payment discount earned by paying ``total`` on ``paid_on`` (else zero).

        Rounded half away from zero to the currency's minor unit.

        Example:
            >>> terms = PaymentTerms.net(30, discount=EarlyPaymentDiscount(3, 14))
            >>> [terms.discount_amount(Money("250.00", "EUR"), date(2026, 1, 5), paid)
            ...  for paid in (date(2026, 1, 19), date(2026, 1, 20))]
            [Money('7.50', 'EUR'), Money('0.00', 'EUR')]
        """
        if not isinstance(total, Money):
            raise not_money("the total must be Money", "total", total)
        code = total.currency.code
        if self.discount is None or not self.discount.applies(issued, paid_on):
            return from_minor(0, code)
        value = RoundingPolicy.HALF_UP.quantize(total.amount * self.discount.percent / 100,
                                                minor_digits(code))
        return Money(value, code)
