"""One text rule for every domain and every adapter: what a stored string may hold.

The domain checks text when a value is made, so every adapter refuses the same
values with the same :class:`~backoffice_core.errors.ValidationError` (naming the
field and the value) before anything is written:

* **free text** (names, descriptions, notes, addresses, references): no control
  characters, that is C0 characters (``\\x00``-``\\x1f``) and DEL, except tab,
  line feed and carriage return, which multi-line text needs (:func:`has_controls`,
  :func:`check_text`, :func:`check_name`); and no unpaired surrogate
  (``\\ud800``-``\\udfff`` on its own), which has no UTF-8 form, so no store could
  keep it and no hash could read it;
* **single-line codes** (SKUs, location, lot and unit codes, the book id, numbering
  patterns, audit users): no control characters at all, tab and line breaks
  included: a code is printed on one line of a label, a CSV file or a log, where a
  line break would forge another record (:func:`has_line_controls`,
  :func:`check_line`, :func:`check_code`). White space around a code, of any kind
  (line breaks included), is no part of it: a code is kept stripped, and a lookup
  takes it stripped (:func:`code_key`, :func:`check_lookup` with ``code=True``), while
  a control character inside it is refused both ways;
* **identifiers stored in an index** (idempotency keys, dimension names and values,
  ids and references used as keys) are at most :data:`MAX_KEY_CHARS` characters,
  well under PostgreSQL's B-tree entry limit (:func:`check_key`).

Pure: no I/O, no storage. The SQL adapter keeps its own guards
(:mod:`backoffice_core.adapters.sql.guards`) as a second line of defence.

Example:
    >>> has_controls("two\\nlines"), has_line_controls("two\\nlines")
    (False, True)
    >>> check_code(" WID-1 ", field="sku", what="sku")
    'WID-1'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import wraps
from hashlib import sha256
from typing import Any, ParamSpec, TypeGuard, TypeVar, cast

from backoffice_core.errors import NotFoundError, ValidationError

__all__ = [
    "MAX_KEY_CHARS",
    "check_code",
    "check_filter",
    "check_id",
    "check_key",
    "check_line",
    "check_lookup",
    "check_name",
    "check_text",
    "checked_as_new",
    "code_key",
    "derived_key",
    "has_controls",
    "has_line_controls",
    "kept_text",
    "reading_kept",
    "lookup_key",
    "not_found",
]

#: Longest identifier stored in an index (book, codes, ids, keys, dimension names and
#: values): what PostgreSQL keeps comfortably in a B-tree entry; every adapter refuses more.
MAX_KEY_CHARS = 200

#: the two noncharacters XML 1.0 has no character for: text holding them could be stored but
#: never written to a UBL file (or read back from one)
_NONCHARACTERS = frozenset("\ufffe\uffff")
#: C0 control characters but tab, line feed and carriage return, DEL, U+FFFE and U+FFFF:
#: refused in any text (so the separators of an entry's canonical text, ``\x1d``-``\x1f``,
#: never occur, and every text can be written as XML 1.0)
_CONTROLS = frozenset([*map(chr, range(0x20)), "\x7f"]) - {"\t", "\n", "\r"} | _NONCHARACTERS
#: every C0 control character, DEL, U+FFFE and U+FFFF: refused in single-line codes
_LINE_CONTROLS = frozenset([*map(chr, range(0x20)), "\x7f"]) | _NONCHARACTERS

#: the same, as rows written before U+FFFE and U+FFFF were refused hold them (:func:`kept_text`)
_KEPT_CONTROLS = _CONTROLS - _NONCHARACTERS
_KEPT_LINE_CONTROLS = _LINE_CONTROLS - _NONCHARACTERS
#: set while a store's row is read again under :func:`kept_text`
_READING_KEPT: ContextVar[bool] = ContextVar("backoffice_reading_kept_text", default=False)

_CONTROLS_MESSAGE = ("text must not contain control characters, U+FFFE, U+FFFF or unpaired "
                     "surrogates (tab and line breaks are allowed)")


def _unencodable(text: str) -> bool:
    """Whether ``text`` holds an unpaired surrogate: it has no UTF-8 form."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def lookup_key(value: object) -> TypeGuard[str]:
    """Whether ``value`` can be looked up in any store: a string with a UTF-8 form. An id
    or code that is not (a number, ``None``, a list, an unpaired surrogate) cannot be an
    id at all: it is never asked of the store (where a SQL driver would fail to encode or
    bind it), and a lookup that finds nothing refuses it with the ``ValidationError`` of
    :func:`check_filter` before it answers ``NotFoundError`` for an id of the right kind.

    Example:
        >>> lookup_key("MUG"), lookup_key(5), lookup_key("M\\ud800")
        (True, False, False)
    """
    return isinstance(value, str) and (value.isprintable() or not _unencodable(value))


_T = TypeVar("_T")


def code_key(value: _T) -> _T:
    """The code a lookup asks a store for: a string stripped of surrounding white space of
    any kind (spaces, tabs, line breaks: :meth:`str.strip`), as :func:`check_code` keeps
    every code it makes (a SKU, a location or unit code), so that ``" WID"`` names item
    ``WID``, as ``" L9"`` names lot ``L9``
    (:func:`~backoffice_core.inventory.lots.lot_code`), and a code read from a file line
    with its newline (``"WID\\n"``) names the same item. Anything else is returned as
    given, for the lookup to refuse it naming the value as given: a value that is not a
    string, and a string holding a control character *inside* the code, which
    :func:`check_lookup` refuses (``code=True``) as :func:`check_code` refuses it when a
    code is made (no code is stored with one).

    Example:
        >>> code_key(" WID-1 "), code_key("WH"), code_key("WID\\n"), code_key(5)
        ('WID-1', 'WH', 'WID', 5)
        >>> code_key("W\\nID"), code_key("WID\\x00 ")
        ('W\\nID', 'WID\\x00 ')
    """
    if isinstance(value, str):
        code = value.strip()
        if code is not value and (code.isprintable() or not has_line_controls(code)):
            return cast(_T, code)
    return value


def has_controls(text: str, *, kept: bool = False) -> bool:
    """Whether ``text`` holds a control character free text refuses (tab and line breaks
    pass), or an unpaired surrogate.

    With ``kept`` (or inside :func:`kept_text`), U+FFFE and U+FFFF pass: the rule of text
    written before they were refused, which a store may hold (they were never a separator
    of an entry's hashed text, so an entry holding them is still the ledger's own).

    Example:
        >>> has_controls("Sale\\nsecond line"), has_controls("a\\x1fb"), has_controls("")
        (False, True, False)
        >>> has_controls("a\\ud800"), has_controls("\\U0001f600"), has_controls("a\\ufffe")
        (True, False, True)
        >>> has_controls("a\\ufffe", kept=True), has_controls("a\\x1fb", kept=True)
        (False, True)
    """
    if text.isprintable():
        return False
    controls = _KEPT_CONTROLS if kept or _READING_KEPT.get() else _CONTROLS
    return not controls.isdisjoint(text) or _unencodable(text)


def has_line_controls(text: str, *, kept: bool = False) -> bool:
    """Whether ``text`` holds a control character a single-line code refuses (any C0
    character, tab and line breaks included, or DEL), or an unpaired surrogate.

    Example:
        >>> has_line_controls("WID-1"), has_line_controls("WID\\t1"), has_line_controls("é ü")
        (False, True, False)
        >>> has_line_controls("W\\uffff"), has_line_controls("W\\uffff", kept=True)
        (True, False)
    """
    if text.isprintable():
        return False
    controls = _KEPT_LINE_CONTROLS if kept or _READING_KEPT.get() else _LINE_CONTROLS
    return not controls.isdisjoint(text) or _unencodable(text)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def kept_text(read: Callable[_P, _R]) -> Callable[_P, _R]:
    """Wrap a store's reader of one row so that text written before U+FFFE and U+FFFF were
    refused reads back as it was kept (and a value past a later bound that says so:
    :func:`reading_kept`).

    The text rules (:func:`check_text`, :func:`check_name`, :func:`check_code`...) are of
    what is given: a row an older version wrote (an item's name, an account's, a party's,
    a document line's description, a lot code) may hold one of the two, and must not make
    its object, or every list holding it, unreadable. The reader runs as it is; only when
    it refuses a value (``ValidationError``) does it run again with the two allowed, so
    the common row costs nothing more. New input is still refused (a UBL export refuses
    such text at its element).

    Example:
        >>> from backoffice_core.inventory.units import Unit
        >>> read = kept_text(lambda name: Unit("box", name, "count", 1).name)
        >>> read("Box\\uffff")
        'Box\\uffff'
        >>> read("Box\\x00")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: name='Box\\x00': text must not contain ...
    """

    @wraps(read)
    def read_kept(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return read(*args, **kwargs)
        except ValidationError:
            if _READING_KEPT.get():
                raise
            token = _READING_KEPT.set(True)
            try:
                return read(*args, **kwargs)
            finally:
                _READING_KEPT.reset(token)

    return read_kept


def checked_as_new(cls: type[Any], changes: Mapping[str, Any]) -> None:
    """Check ``changes`` to an entity of the attrs class ``cls`` as new input (each through
    its field's converter, U+FFFE and U+FFFF refused), before the entity read back from a
    store is revised under :func:`kept_text`: what is changed is given, what is left alone
    is kept as it was. For a class whose text rules are its converters (an item, a party);
    a name that is no field is left to the revision to refuse.

    Example:
        >>> from backoffice_core.inventory.items import Item
        >>> checked_as_new(Item, {"name": "Box"})
        >>> checked_as_new(Item, {"name": "Box\\uffff"})
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: name='Box\\uffff': text must not contain ...
    """
    fields = {a.name: a for a in getattr(cls, "__attrs_attrs__", ())}
    token = _READING_KEPT.set(False)
    try:
        for name, value in changes.items():
            field = fields.get(name)
            if field is not None and field.converter is not None:
                field.converter(value)
    finally:
        _READING_KEPT.reset(token)


def reading_kept() -> bool:
    """Whether a store's row is being read again under :func:`kept_text`: a bound of new
    input that rows written before it may be past lets such a row through then (a document
    line's price base quantity, bounded only after books of revision 0005 were written).

    Example:
        >>> reading_kept(), kept_text(reading_kept)()
        (False, False)
    """
    return _READING_KEPT.get()


def check_text(field: str, value: object) -> None:
    """Refuse a value that is not text, or text holding a control character.

    Example:
        >>> check_text("memo", "net 30")
        >>> try:
        ...     check_text("memo", "a\\x00b")
        ... except ValidationError as err:
        ...     print(err.field, repr(err.value))
        memo 'a\\x00b'
    """
    if type(value) is not str:
        raise ValidationError("must be text", field=field, value=value)
    if has_controls(value):
        raise ValidationError(_CONTROLS_MESSAGE, field=field, value=value)


def check_line(field: str, value: object) -> None:
    """Refuse a value that is not a string, or one holding any control character (tab
    and line breaks included): the rule of single-line codes.

    Example:
        >>> check_line("pattern", "INV-{seq}")
        >>> check_line("pattern", "INV\\n{seq}")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: pattern='INV\\n{seq}': must be one line ...
    """
    if not isinstance(value, str):
        raise ValidationError("must be a string", field=field, value=value)
    if has_line_controls(value):
        raise ValidationError("must be one line without control characters (no tab or "
                              "line break)", field=field, value=value)


def check_key(field: str, value: object, *, limit: int = MAX_KEY_CHARS) -> None:
    """Refuse an identifier stored in an index: not a string, holding a control character
    (as free text: tab and line breaks pass), or longer than ``limit`` characters.

    Example:
        >>> check_key("idempotency_key", "sale-1")
        >>> try:
        ...     check_key("idempotency_key", "k" * 201)
        ... except ValidationError as err:
        ...     print(err.field, len(err.value))
        idempotency_key 201
    """
    if not isinstance(value, str):
        raise ValidationError("must be a string", field=field, value=value)
    if len(value) > limit:
        raise ValidationError(f"identifiers are at most {limit} characters", field=field,
                              value=value)
    if has_controls(value):
        raise ValidationError(_CONTROLS_MESSAGE, field=field, value=value)


def check_id(field: str, value: object) -> None:
    """Refuse an id or number kept in an index (a document, party or payment id, a
    document number): a string of one line (:func:`check_line`) of at most
    :data:`MAX_KEY_CHARS` characters (:func:`check_key`). One cheap test for the common
    value, the exact checks naming the field only for a suspect one.

    Example:
        >>> check_id("id", "INV-2026-00001")
        >>> check_id("id", "INV\\t1")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: id='INV\\t1': must be one line ...
    """
    if type(value) is not str or not value.isprintable() or len(value) > MAX_KEY_CHARS:
        check_key(field, value)
        check_line(field, value)


def check_code(value: object, *, field: str, what: str, limit: int = 64) -> str:
    """A single-line code of 1-``limit`` characters, stripped; any control character
    (tab and line breaks included) is refused.

    Example:
        >>> check_code("A-01 ", field="code", what="location code")
        'A-01'
        >>> check_code("W\\x073", field="sku", what="sku")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: sku='W\\x073': sku must be one line ...
    """
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValidationError(f"{what} must be 1-{limit} characters", field=field,
                              value=value)
    code = value.strip()
    if has_line_controls(code):
        raise ValidationError(f"{what} must be one line without control characters (no "
                              "tab or line break)", field=field, value=value)
    return code


def check_name(value: object, *, field: str, what: str, limit: int | None = None) -> str:
    """The name of ``what``: non-blank text of at most ``limit`` characters (``None``: no
    limit), without control characters (tab and line breaks pass); returned as given.

    Example:
        >>> check_name("Widget", field="name", what="an item")
        'Widget'
        >>> check_name("Wid\\x00get", field="name", what="an item")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: name='Wid\\x00get': text must not contain ...
    """
    if (not isinstance(value, str) or not value.strip()
            or (limit is not None and len(value) > limit)):
        raise ValidationError(f"{what} needs a name" + (
            "" if limit is None else f" of at most {limit} characters"), field=field,
            value=value)
    if has_controls(value):
        raise ValidationError(_CONTROLS_MESSAGE, field=field, value=value)
    return value



def not_found(what: str, field: str, value: object, *, code: bool = False) -> NotFoundError:
    """The error of a lookup of ``value`` that found nothing, for the caller to raise:
    ``NotFoundError("no such <what>")`` for an id of the right kind; a value that cannot
    be an id at all (a number, ``None``, a list, an unpaired surrogate) is refused here
    with the ``ValidationError`` of :func:`check_filter`, and so is one holding a control
    character (tab and line breaks included): no id or code is stored with one
    (:func:`check_id`, :func:`check_code`); with ``code``, the value names a code
    (:func:`check_lookup`), whose surrounding white space is not part of it. One contract
    for every store.

    Example:
        >>> err = not_found("party", "party_id", "p-9")
        >>> type(err).__name__, err.field, err.value
        ('NotFoundError', 'party_id', 'p-9')
        >>> not_found("party", "party_id", 5)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: party_id=5: must be a string
        >>> not_found("party", "party_id", "p\\x07")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: party_id='p\\x07': an id or code is one line ...
    """
    check_lookup(field, value, code=code)
    return NotFoundError(f"no such {what}", field=field, value=value)


def check_lookup(field: str, value: object, *, optional: bool = False,
                 code: bool = False) -> None:
    """Refuse the id or code a read or a write looks up (or filters by; ``None``: no
    filter, when ``optional``) when it cannot be one: what :func:`check_filter` refuses (a
    non-string, an unpaired surrogate), and a string holding a control character (tab and
    line breaks included), which no id or code is ever stored with (:func:`check_id`,
    :func:`check_code`; U+FFFE and U+FFFF pass, which a code written before they were
    refused may hold: :func:`kept_text`). A ``ValidationError`` naming ``field``, before
    any store is asked,
    so that ``NotFoundError`` is left for an id of the right kind that names nothing. Not
    for free-text search filters (a name searched for may hold a tab): those take
    :func:`check_filter`.

    With ``code``, the value names a code (a SKU, a location, lot or unit code), which
    :func:`check_code` keeps stripped of surrounding white space of any kind: white space
    around it, line breaks included, is not part of it (:func:`code_key`), and only a
    control character inside it is refused, as :func:`check_code` refuses it. An id
    (:func:`check_id`) is kept as given, so one with a line break anywhere is refused.

    Example:
        >>> check_lookup("sku", "WID-1"), check_lookup("lot", None, optional=True)
        (None, None)
        >>> check_lookup("sku", "WID\\n1")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: sku='WID\\n1': an id or code is one line ...
        >>> check_lookup("sku", "WID\\n", code=True)  # a file line's newline is no part
        >>> check_lookup("id", "INV-1\\n")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: id='INV-1\\n': an id or code is one line ...
    """
    check_filter(field, value, optional=optional)
    if isinstance(value, str) and has_line_controls(code_key(value) if code else value,
                                                    kept=True):
        raise ValidationError("an id or code is one line without control characters (no "
                              "tab or line break)", field=field, value=value)

def check_filter(field: str, value: object, kind: type[str] | type[bool] = str, *,
                 optional: bool = True) -> None:
    """Refuse an argument of the wrong kind: a search filter, or the id or code a read or
    a write looks up (``None``: no filter, when ``optional``).

    ``kind=str`` wants a string that every store can hold (no unpaired surrogate, which
    has no UTF-8 form); ``kind=bool`` wants ``True`` or ``False`` (not ``1`` or ``"yes"``).
    Every store then answers the same call alike: without it a number given for an id
    matched nothing in memory://, failed to bind in SQLite and raised a ``StorageError``
    in PostgreSQL, and a text filter that is not text raised a bare ``AttributeError``.

    Example:
        >>> check_filter("party_id", "p-1"), check_filter("archived", None, bool)
        (None, None)
        >>> check_filter("party_id", 5)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: party_id=5: must be a string
        >>> check_filter("archived", 1, bool)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: archived=1: must be True or False
    """
    if value is None and optional:
        return
    if kind is bool:
        if type(value) is not bool:
            raise ValidationError("must be True or False", field=field, value=value)
        return
    if not isinstance(value, str):
        raise ValidationError("must be a string", field=field, value=value)
    if not lookup_key(value):
        raise ValidationError("must not contain an unpaired surrogate (it has no UTF-8 "
                              "form)", field=field, value=value)


def derived_key(prefix: str, ident: str) -> str:
    """An idempotency key derived from an id (``"documents:issue:" + id``) that always fits
    :data:`MAX_KEY_CHARS`: an id too long to follow the prefix is replaced by its SHA-256
    digest (still one key per id, and the same on every retry).

    Example:
        >>> derived_key("documents:issue", "d-1")
        'documents:issue:d-1'
        >>> len(derived_key("documents:issue", "d" * 200)) <= MAX_KEY_CHARS
        True
    """
    key = f"{prefix}:{ident}"
    if len(key) <= MAX_KEY_CHARS:
        return key
    return f"{prefix}:sha256:{sha256(ident.encode()).hexdigest()}"
