"""Journal entries: what a caller asks to post, and the permanent record of it.

A caller describes an entry with :class:`NewEntry` and :class:`Line` (signed
amounts: positive debits, negative credits; or the :func:`debit` and
:func:`credit` helpers). The ledger stores a :class:`JournalEntry` made of
:class:`Posting` rows in integer minor units, with its place in the hash
chain. A stored entry is never changed; corrections are new entries.

Example:
    >>> from datetime import date
    >>> e = NewEntry(date(2026, 1, 5), "Owner invests",
    ...              [debit("1110", "1000.00"), credit("3100", "1000.00")])
    >>> [str(line.amount) for line in e.lines]
    ['1000.00', '-1000.00']
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from hashlib import sha256
from typing import Any, NamedTuple

import attrs

from backoffice_core.errors import BackofficeError, ValidationError
from backoffice_core.money import Money, from_minor, to_decimal
from backoffice_core.text import MAX_KEY_CHARS, check_key, check_text, has_controls, kept_text

__all__ = [
    "RESOLUTIONS",
    "EntryKind",
    "EntryRecord",
    "EntryStatus",
    "JournalEntry",
    "Line",
    "NewEntry",
    "Posting",
    "credit",
    "debit",
]

Dimensions = tuple[tuple[str, str], ...]
MAX_MINOR = 10**17  # comfortably inside BIGINT, after summing many lines


def line_amounts(minor: int) -> list[int]:
    """``minor`` as the amounts of lines a book holds: parts of at most :data:`MAX_MINOR`,
    of its sign, that sum to it exactly (one part when it fits). For entries that sum many
    postings into one line, such as a day's summary of stock moves.

    Example:
        >>> line_amounts(-250), line_amounts(2 * MAX_MINOR + 5) == [MAX_MINOR, MAX_MINOR, 5]
        ([-250], True)
    """
    if -MAX_MINOR <= minor <= MAX_MINOR:
        return [minor]
    whole, rest = divmod(abs(minor), MAX_MINOR)
    sign = 1 if minor > 0 else -1
    return [sign * MAX_MINOR] * whole + ([sign * rest] if rest else [])


def check_dimension(name: str, value: str) -> None:
    """Refuse a dimension whose name or value holds a control character or is longer than
    :data:`~backoffice_core.text.MAX_KEY_CHARS` (both are stored in an index); the
    documents, which post their dimensions to the ledger, check theirs with this too.

    Example:
        >>> check_dimension("shift", "10:30")
        >>> try:
        ...     check_dimension("project", "P\\x01")
        ... except ValidationError as err:
        ...     print(err.field)
        dimensions.project
    """
    if (has_controls(name) or has_controls(value) or len(name) > MAX_KEY_CHARS
            or len(value) > MAX_KEY_CHARS):
        check_key("dimensions", name)
        check_key(f"dimensions.{name}", value)


def _dims(value: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Dimensions:
    if not value:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    out: dict[str, str] = {}  # one value per name: the last given, as a mapping keeps it
    for k, v in items:
        if not isinstance(k, str) or not k:
            raise ValidationError("dimension names must be non-empty strings",
                                  field="dimensions", value=k)
        if v is None:
            continue
        v = str(v)
        check_dimension(k, v)
        out[k] = v
    return tuple(sorted(out.items()))


def _rate(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value, field="rate")


def _amount(value: Any) -> Decimal | Money:
    if type(value) is Decimal and value.is_finite():
        return value
    if isinstance(value, Money):
        return value
    return to_decimal(value, field="amount")


def _text(name: str) -> Any:
    def check(_: object, __: object, value: object) -> None:
        if type(value) is not str or not value.isprintable():
            check_text(name, value)
    return check


def _check_line(memo: object, functional: object) -> None:
    check_text("memo", memo)
    if functional is not None and not isinstance(functional, Money):
        raise ValidationError("the functional amount is Money in the functional currency",
                              field="functional", value=functional)


@attrs.frozen(slots=True)
class Line:
    """One line of an entry to post: an account and a signed amount.

    ``amount`` is a :class:`Money`, or a plain ``str``/``int``/``Decimal`` in
    ``currency`` (the book's functional currency when omitted). Positive is a
    debit, negative a credit. ``rate`` converts this line into the functional
    currency when the entry balances only through exchange rates; ``functional``
    gives that converted amount exactly instead.

    Example:
        >>> Line("1110", Money("5.00", "USD")).amount
        Money('5.00', 'USD')
    """

    account: str
    amount: Decimal | Money = attrs.field(converter=_amount)
    currency: str | None = None
    dimensions: Dimensions = attrs.field(default=(), converter=_dims)
    memo: str = ""
    rate: Decimal | None = attrs.field(default=None, converter=_rate)
    functional: Money | None = None

    def __attrs_post_init__(self) -> None:
        # one check for both fields (the bulk path builds millions of lines)
        memo = self.memo
        if type(memo) is not str or not memo.isprintable() or (
                self.functional is not None and not isinstance(self.functional, Money)):
            _check_line(self.memo, self.functional)

    @property
    def code(self) -> str | None:
        """The currency code of this line, if known before posting."""
        if isinstance(self.amount, Money):
            return self.amount.code
        return self.currency


def debit(account: str, amount: Any, currency: str | None = None, **dimensions: Any) -> Line:
    """A debit line. ``dimensions`` are keyword tags such as ``project="P1"``.

    Example:
        >>> debit("1110", "10.00", project="P1").dimensions
        (('project', 'P1'),)
    """
    value = _amount(amount)
    if (value.amount if isinstance(value, Money) else value) < 0:
        raise ValidationError("debit amounts are positive; use credit()", field="amount",
                              value=amount)
    return Line(account, value, currency, dimensions)


def credit(account: str, amount: Any, currency: str | None = None, **dimensions: Any) -> Line:
    """A credit line (stored as a negative amount).

    Example:
        >>> credit("4000", "10.00").amount
        Decimal('-10.00')
    """
    value = _amount(amount)
    if (value.amount if isinstance(value, Money) else value) < 0:
        raise ValidationError("credit amounts are positive; use debit()", field="amount",
                              value=amount)
    # copy_negate: exact whatever the caller's decimal context (unary minus rounds to it)
    return Line(account, value.copy_negate() if isinstance(value, Decimal) else -value,
                currency, dimensions)


def _rates(value: Mapping[str, Any] | None) -> Mapping[str, Decimal]:
    if not value:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError("rates must map currency codes to rates", field="rates",
                              value=value)
    out = {}
    for code, rate in value.items():
        if not isinstance(code, str):
            raise ValidationError("rate keys are currency codes", field="rates", value=code)
        try:
            Money(0, code)  # a known ISO 4217 code
        except BackofficeError as err:
            raise ValidationError(err.message, field=f"rates.{code}", value=code) from None
        r = to_decimal(rate, field=f"rates.{code}")
        if r <= 0:
            raise ValidationError("rate must be positive", field=f"rates.{code}", value=rate)
        out[code.upper()] = r
    return out


def _key(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None:
        if type(value) is not str or not value:
            raise ValidationError("idempotency key must be non-empty text",
                                  field="idempotency_key", value=value)
        if not value.isprintable() or len(value) > MAX_KEY_CHARS:
            check_key("idempotency_key", value)


def _lines(value: Iterable[Line]) -> tuple[Line, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class NewEntry:
    """An entry a caller wants posted.

    Attributes:
        date: the accounting date (decides the period).
        description: free text.
        lines: two or more :class:`Line` values.
        reference: the source document (``"INV-2026-00001"``), free text.
        idempotency_key: posting the same key twice returns the first entry.
        dimensions: tags applied to every line (a line's own tags win).
        rates: currency -> rate into the functional currency, for lines without one.
    """

    date: date
    description: str = attrs.field(validator=_text("description"))
    lines: tuple[Line, ...] = attrs.field(converter=_lines)
    reference: str = attrs.field(default="", validator=_text("reference"))
    idempotency_key: str | None = attrs.field(default=None, validator=_key)
    dimensions: Dimensions = attrs.field(default=(), converter=_dims)
    rates: Mapping[str, Decimal] = attrs.field(factory=dict, converter=_rates)


_KEPT_ENTRY = kept_text(NewEntry)


def kept_entry(day: date, description: str, lines: Iterable[Line] = (), *, reference: str = "",
               idempotency_key: str | None = None) -> NewEntry:
    """A :class:`NewEntry` whose text is a stored entry's (a reversal, an undo, a hold's
    posting, void or expiry): text an older version kept with U+FFFE or U+FFFF passes, as it
    reads back (:func:`~backoffice_core.text.kept_text`); a caller's own text is checked as
    new input before (``NewEntry``), and ``lines`` were checked when they were made.

    Example:
        >>> kept_entry(date(2026, 1, 9), "Reversal of Rent\\uffff").description
        'Reversal of Rent\\uffff'
    """
    return _KEPT_ENTRY(day, description, lines, reference=reference,
                       idempotency_key=idempotency_key)


class EntryRecord(NamedTuple):
    """An imported entry of plain lines, already priced in the functional currency.

    Built by ``Ledger.import_entries`` for an entry whose lines are all whole
    functional-currency amounts that balance (no dimensions, rates or foreign
    lines: those are imported as :class:`NewEntry`). ``postings`` are the stored
    rows to be and ``text`` their canonical text (:func:`postings_text`), so the
    bulk path only checks the accounts; when one is not a plain account,
    :meth:`to_entry` hands the entry to the full posting rules, which name the
    error. A named tuple: a bulk import builds millions.

    Example:
        >>> e = EntryRecord(date(2026, 1, 2), "Sale", (Posting("1110", 500, "USD", 500),
        ...                 Posting("4100", -500, "USD", -500)), "")
        >>> [line.amount for line in e.to_entry().lines]
        [Money('5.00', 'USD'), Money('-5.00', 'USD')]
    """

    date: date
    description: str
    postings: tuple[Posting, ...]
    text: str
    reference: str = ""
    idempotency_key: str | None = None

    def to_entry(self) -> NewEntry:
        """The same entry as a :class:`NewEntry` (amounts as exact :class:`Money`)."""
        return NewEntry(self.date, self.description,
                        [Line(p.account, from_minor(p.amount, p.currency), memo=p.memo)
                         for p in self.postings],
                        self.reference, self.idempotency_key)


class EntryStatus(enum.Enum):
    """``POSTED`` entries move balances; ``PENDING`` ones only reserve (two-phase)."""

    POSTED = "posted"
    PENDING = "pending"


class EntryKind(enum.Enum):
    """Why an entry exists. Every kind is an ordinary, immutable, chained entry."""

    STANDARD = "standard"
    REVERSAL = "reversal"
    CLOSING = "closing"
    REVALUATION = "revaluation"
    PENDING_POST = "pending_post"  # resolves a pending entry by posting (part of) it
    PENDING_VOID = "pending_void"  # resolves a pending entry by voiding it
    PENDING_EXPIRE = "pending_expire"  # resolves a pending entry at its timeout


#: the kinds of entry that resolve a pending entry (a hold): post, void, expire
RESOLUTIONS = (EntryKind.PENDING_POST, EntryKind.PENDING_VOID, EntryKind.PENDING_EXPIRE)


class Posting(NamedTuple):
    """A stored line: integer minor units, signed (debit positive).

    ``functional`` is the same amount in the book's functional currency. A named
    tuple rather than an attrs class: millions are built on the bulk path, and a
    tuple is built several times faster (see docs/decisions.md).

    Example:
        >>> Posting("1110", -1250, "USD", -1250).credit
        Money('12.50', 'USD')
    """

    account: str
    amount: int
    currency: str
    functional: int
    dimensions: Dimensions = ()
    memo: str = ""

    @property
    def money(self) -> Money:
        """The signed amount as :class:`Money`."""
        return from_minor(self.amount, self.currency)

    @property
    def debit(self) -> Money:
        """The debit side (zero for a credit line)."""
        return from_minor(self.amount if self.amount > 0 else 0, self.currency)

    @property
    def credit(self) -> Money:
        """The credit side, positive (zero for a debit line)."""
        return from_minor(-self.amount if self.amount < 0 else 0, self.currency)


class JournalEntry(NamedTuple):
    """A stored entry. Immutable: corrections are new entries.

    A named tuple rather than an attrs class: a book holds millions of them, a
    tuple is built faster, and a tuple of plain values drops out of the cyclic
    garbage collector's scans, which otherwise dominate bulk posting
    (docs/decisions.md). Use ``entry._replace(...)`` for a modified copy.

    Attributes:
        id: time-ordered identifier.
        seq: position in the book's chain (1, 2, 3, ...).
        date: accounting date.
        description, reference, idempotency_key: as given.
        postings: the lines, in minor units.
        status: posted or pending.
        kind: standard, reversal, closing, revaluation, or a pending resolution.
        related: the entry this one reverses or resolves, if any.
        expires_at: for pending entries, when they lapse.
        recorded_at: when it was written (from the injected clock).
        fingerprint: hash of the caller's content, for idempotency checks.
        prev_hash, hash: the chain; ``hash`` covers the content and ``prev_hash``.
    """

    id: str
    seq: int
    date: date
    description: str
    postings: tuple[Posting, ...]
    reference: str = ""
    idempotency_key: str | None = None
    status: EntryStatus = EntryStatus.POSTED
    kind: EntryKind = EntryKind.STANDARD
    related: str | None = None
    expires_at: datetime | None = None
    recorded_at: datetime | None = None
    fingerprint: str = ""
    prev_hash: str = ""
    hash: str = ""

    def content_hash(self) -> str:
        """Recompute this entry's chained hash from its content and ``prev_hash``: equal
        to the stored ``hash`` unless the entry was changed after posting
        (:meth:`~backoffice_core.ledger.service.Ledger.verify` checks every entry so).

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> e = bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale",
            ...     [bc.debit("1110", "80.00"), bc.credit("4100", "80.00")])).entry
            >>> e.content_hash() == e.hash, len(e.hash)
            (True, 64)
        """
        return chain_hash(self)

    def totals(self) -> dict[str, tuple[int, int]]:
        """Per currency: (total debits, total credits) in minor units; a posted entry's
        two are equal.

        Example:
            >>> import backoffice_core as bc
            >>> from datetime import date
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("X", currency="USD", chart="generic")
            >>> bo.ledger.post(bc.NewEntry(date(2026, 1, 5), "Sale", [bc.debit("1110", "80.00"),
            ...     bc.credit("4100", "75.00"), bc.credit("2140", "5.00")])).entry.totals()
            {'USD': (8000, 8000)}
        """
        out: dict[str, tuple[int, int]] = {}
        for p in self.postings:
            d, c = out.get(p.currency, (0, 0))
            if p.amount > 0:
                d += p.amount
            else:
                c -= p.amount
            out[p.currency] = (d, c)
        return out


def postings_text(postings: Iterable[Posting]) -> str:
    """Canonical text of postings (shared by the chain hash and the fingerprint).

    Example:
        >>> postings_text([Posting("1110", 500, "USD", 500, (("project", "P1"),))])
        '1110:500:USD:500:project=P1:'
    """
    out = []
    for account, amount, currency, fn, dims, memo in postings:
        if dims:
            out.append(f"{account}:{amount}:{currency}:{fn}:{tags_text(dims)}:{memo}")
        else:
            out.append(f"{account}:{amount}:{currency}:{fn}::{memo}")
    return "\x1e".join(out)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=") \
        .replace(":", "\\:")


def tags_text(dims: Dimensions) -> str:
    """The canonical text of a line's dimensions: ``name=value`` pairs joined by commas.

    A backslash escapes ``\\``, ``,``, ``=`` and ``:`` inside a name or value, so different
    dimensions never read alike (``{"a": "x,b=c"}`` is not ``{"a": "x", "b": "c"}``);
    ordinary names and values are written as they are.

    Example:
        >>> tags_text((("project", "P1"), ("shift", "10:30")))
        'project=P1,shift=10\\\\:30'
        >>> tags_text((("a", "x,b=c"),)) != tags_text((("a", "x"), ("b", "c")))
        True
    """
    text = ",".join([f"{k}={v}" for k, v in dims])
    if (":" in text or "\\" in text or text.count("=") != len(dims)
            or text.count(",") != len(dims) - 1):
        return ",".join([f"{_escaped(k)}={_escaped(v)}" for k, v in dims])
    return text


def header_tail(status: EntryStatus, kind: EntryKind, related: str | None,
                expires_at: datetime | None, recorded_at: str) -> str:
    """The last header fields, which the bulk path formats once per batch.

    Example:
        >>> header_tail(EntryStatus.POSTED, EntryKind.STANDARD, None, None, "T").split("\\x1f")
        ['posted', 'standard', '', '', 'T']
    """
    return "\x1f".join((status.value, kind.value, related or "",
                         expires_at.isoformat() if expires_at else "", recorded_at))


def chain_digest(prev_hash: str, entry_id: str, seq: int, day_iso: str, description: str,
                 reference: str, key: str | None, tail: str, postings: str) -> str:
    """The chain hash from an entry's parts: SHA-256 over the previous hash, the header
    fields and the postings text (:func:`postings_text`); ``tail`` is :func:`header_tail`.

    The one place the hashed layout lives: :func:`chain_hash` gives it a stored entry's
    parts, the bulk path the parts it has at hand (the tail formatted once per batch).

    Example:
        >>> tail = header_tail(EntryStatus.POSTED, EntryKind.STANDARD, None, None, "T")
        >>> len(chain_digest("", "e-1", 1, "2026-01-02", "Sale", "", None, tail, "x"))
        64
    """
    return sha256(f"{prev_hash}\x1d{entry_id}\x1f{seq}\x1f{day_iso}\x1f{description}\x1f"
                  f"{reference}\x1f{key or ''}\x1f{tail}\x1d{postings}".encode()).hexdigest()


def _writable(entry: JournalEntry) -> bool:
    """Whether the ledger could have written this entry's text: no control characters in
    its fields, no ``:`` in an account or currency code (what keeps the canonical text
    unambiguous). U+FFFE and U+FFFF pass: no separator, and the ledger wrote them before
    the text rules refused them (``has_controls(kept=True)``)."""
    parts = [entry.description, entry.reference, entry.idempotency_key or ""]
    for p in entry.postings:
        if ":" in p.account or ":" in p.currency:
            return False
        parts.append(p.memo)
        for k, v in p.dimensions:
            parts.append(k)
            parts.append(v)
    return not has_controls("".join(parts), kept=True)


def chain_hash(entry: JournalEntry) -> str:
    """SHA-256 over the previous hash and the entry's content (:func:`chain_digest`).

    An entry holding text the ledger refuses (a control character, a ``:`` in a code)
    was not written by it: its chain hash is ``""``, which ``verify()`` takes as matching no
    stored hash, and names the entry as altered.

    Example:
        >>> import backoffice_core as bc
        >>> from datetime import date
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("X", currency="USD", chart="generic")
        >>> e = bo.ledger.post_many([bc.NewEntry(date(2026, 1, 2), "Sale",
        ...     [bc.debit("1110", "3.00"), bc.credit("4100", "3.00")])])[0]
        >>> chain_hash(e) == e.hash  # the bulk path's digest, recomputed from the entry
        True
    """
    if not _writable(entry):
        return ""
    tail = header_tail(entry.status, entry.kind, entry.related, entry.expires_at,
                       entry.recorded_at.isoformat() if entry.recorded_at else "")
    return chain_digest(entry.prev_hash, entry.id, entry.seq, entry.date.isoformat(),
                        entry.description, entry.reference, entry.idempotency_key, tail,
                        postings_text(entry.postings))
