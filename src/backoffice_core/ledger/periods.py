"""Fiscal years and periods: open, closed, locked.

Posting into a closed or locked period is refused. A closed period can be
reopened; a locked one never. When a book has fiscal years, every posting date
must fall into one of their periods; a book without fiscal years accepts any
date (handy in a notebook).

Example:
    >>> from datetime import date
    >>> fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
    >>> len(fy.periods), fy.periods[1].start, fy.end
    (12, datetime.date(2026, 2, 1), datetime.date(2026, 12, 31))
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable
from datetime import date, timedelta

import attrs

from backoffice_core.dates import check_date
from backoffice_core.errors import NotFoundError, PeriodClosedError, ValidationError
from backoffice_core.text import check_key, check_line

__all__ = ["FiscalYear", "Period", "PeriodState", "check_open"]


class PeriodState(enum.Enum):
    """``OPEN`` accepts postings; ``CLOSED`` refuses them but may reopen; ``LOCKED`` is final."""

    OPEN = "open"
    CLOSED = "closed"
    LOCKED = "locked"


@attrs.frozen(slots=True)
class Period:
    """A span of days within a fiscal year, with its state."""

    name: str
    start: date
    end: date
    state: PeriodState = PeriodState.OPEN

    def __attrs_post_init__(self) -> None:
        check_date(self.start, "start")
        check_date(self.end, "end")
        if type(self.name) is not str or not self.name:
            raise ValidationError("a period name is non-empty text", field="name",
                                  value=self.name)
        check_line("name", self.name)
        if self.end < self.start:
            raise ValidationError("period ends before it starts", field="end", value=self.end)
        if type(self.state) is not PeriodState:  # a text state would pass no state check
            raise ValidationError("a period's state is a PeriodState", field="state",
                                  value=self.state)

    def contains(self, day: date) -> bool:
        """True when ``day`` lies within this period, both ends included (a ``day`` not a
        date is a ``ValidationError`` naming ``day``).

        Example:
            >>> p = Period("2026-01", date(2026, 1, 1), date(2026, 1, 31))
            >>> p.contains(date(2026, 1, 31)), p.contains(date(2026, 2, 1))
            (True, False)
        """
        check_date(day, "day")
        return self.start <= day <= self.end


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _periods(value: Iterable[Period]) -> tuple[Period, ...]:
    return tuple(value)


def _names(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


@attrs.frozen(slots=True)
class FiscalYear:
    """A fiscal year: consecutive periods without gaps, and whether it was closed.

    Attributes:
        name: e.g. ``"FY2026"``.
        periods: ordered, contiguous periods.
        closed: True once year-end closing ran (its closing entry id in ``closing_entry``).
        version: optimistic-concurrency counter.
        closed_by_closing: the names of the periods the year-end closing closed (those
            still open then), which ``reopen_year`` reopens; ``None`` while the year is
            open, and for a year closed before this was recorded (``reopen_year`` then
            reopens every closed period, as it did).
    """

    name: str
    periods: tuple[Period, ...] = attrs.field(converter=_periods)
    closed: bool = False
    closing_entry: str | None = None
    version: int = 0
    closed_by_closing: tuple[str, ...] | None = attrs.field(default=None, converter=_names)

    def __attrs_post_init__(self) -> None:
        if type(self.name) is not str or not self.name:
            raise ValidationError("a fiscal year name is non-empty text", field="name",
                                  value=self.name)
        check_key("name", self.name)  # stored in an index, and printed in document numbers
        check_line("name", self.name)
        if not self.periods:
            raise ValidationError("a fiscal year needs periods", field="periods", value=())
        for a, b in zip(self.periods, self.periods[1:], strict=False):
            if b.start != a.end + timedelta(days=1):
                raise ValidationError(
                    "periods must be contiguous", field="periods", value=(a.name, b.name)
                )
        names = {p.name for p in self.periods}
        for i, name in enumerate(self.closed_by_closing or ()):
            if type(name) is not str or name not in names:
                raise ValidationError("the year-end closing closes periods of its year",
                                      field=f"closed_by_closing[{i}]", value=name)

    @property
    def start(self) -> date:
        """First day of the year."""
        return self.periods[0].start

    @property
    def end(self) -> date:
        """Last day of the year."""
        return self.periods[-1].end

    def period_of(self, day: date) -> Period | None:
        """The period containing ``day``, or ``None`` outside the year (a ``day`` not a
        date is a ``ValidationError`` naming ``day``).

        Example:
            >>> fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
            >>> fy.period_of(date(2026, 3, 15)).name, fy.period_of(date(2027, 1, 1))
            ('2026-03', None)
        """
        check_date(day, "day")
        for p in self.periods:
            if p.start <= day <= p.end:
                return p
        return None

    @classmethod
    def monthly(cls, name: str, start: date, months: int = 12) -> FiscalYear:
        """A year of ``months`` calendar-month periods starting on ``start``.

        Period ``k`` starts ``k`` months after ``start``, on the same day of the month
        (the month's last day when it is shorter), so a year from March 30 ends on the
        next March 29.

        Example:
            >>> FiscalYear.monthly("FY", date(2026, 4, 1)).periods[0].name
            '2026-04'
        """
        check_date(start, "start")
        if type(months) is not int or months < 1:
            raise ValidationError("months must be a positive integer", field="months",
                                  value=months)
        periods = []
        cursor = start
        for k in range(1, months + 1):
            # each boundary counted from ``start``: a month clamped short (January 31 to
            # February 28) does not pull the later ones, or the year, off their day
            nxt = _add_months(start, k)
            periods.append(Period(cursor.strftime("%Y-%m"), cursor, nxt - timedelta(days=1)))
            cursor = nxt
        return cls(name, tuple(periods))

    def with_period_state(self, period_name: str, state: PeriodState) -> FiscalYear:
        """A copy with one period's state changed and the version bumped; the year itself
        is unchanged. A period it does not hold is a ``NotFoundError`` naming
        ``period_name``; a state not a :class:`PeriodState` a ``ValidationError``.

        Example:
            >>> fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
            >>> closed = fy.with_period_state("2026-01", PeriodState.CLOSED)
            >>> closed.periods[0].state, closed.version, fy.periods[0].state
            (<PeriodState.CLOSED: 'closed'>, 1, <PeriodState.OPEN: 'open'>)
        """
        if not any(p.name == period_name for p in self.periods):
            raise NotFoundError(f"no such period in {self.name}", field="period_name",
                                value=period_name)
        periods = tuple(attrs.evolve(p, state=state) if p.name == period_name else p
                        for p in self.periods)
        return attrs.evolve(self, periods=periods, version=self.version + 1)


def check_open(years: Iterable[FiscalYear], day: date, *, field: str = "date",
               allow_closed: bool = False) -> None:
    """Refuse ``day`` unless an open period of ``years`` covers it (the posting rule).

    A book without fiscal years accepts any date. ``allow_closed`` admits a closed
    (not a locked) period: the year-end closing entry's case. Every domain that
    posts dated work (the ledger, inventory) asks this one function.

    Example:
        >>> from datetime import date
        >>> fy = FiscalYear.monthly("FY2026", date(2026, 1, 1))
        >>> check_open([fy], date(2026, 5, 31))
        >>> check_open([], date(1999, 1, 1))  # no fiscal years: any date
        >>> check_open([fy], date(2027, 1, 4), field="lines[0].date")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.PeriodClosedError: lines[0].date=datetime.date(2027, 1, 4): no ...
    """
    seen = False
    for y in years:
        seen = True
        if y.start <= day <= y.end:
            p = y.period_of(day)
            if p is not None and p.state is not PeriodState.OPEN and not (
                    allow_closed and p.state is PeriodState.CLOSED):
                raise PeriodClosedError(f"period {p.name} is {p.state.value}", field=field,
                                        value=day)
            return
    if seen:
        raise PeriodClosedError("no fiscal period covers this date", field=field, value=day)
