"""Settings and parties of the documents service (internal; see :class:`.service.Documents`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from backoffice_core.documents._service_base import ServiceBase
from backoffice_core.documents._work import Work
from backoffice_core.documents.parties import Party
from backoffice_core.documents.rounding import check_minor_unit
from backoffice_core.documents.settings import DocumentSettings
from backoffice_core.errors import (
    ConcurrencyError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from backoffice_core.text import check_filter, check_lookup, checked_as_new, kept_text

__all__ = ["PartiesApi"]

_PARTY_FIELDS = frozenset(f.name for f in attrs.fields(Party) if f.init) - {"id", "version"}


def _party_fields(given: Mapping[str, Any]) -> None:
    """Refuse a keyword that is no :class:`Party` field, naming it and its value, before
    anything is read or written."""
    bad = sorted(set(given) - _PARTY_FIELDS)
    if bad:
        raise ValidationError("not a field of a party", field=bad[0], value=given[bad[0]])


def _by_code(w: Work, code: str) -> list[Party]:
    """The parties of the book (archived ones too) whose code is ``code`` ignoring case
    (:attr:`.parties.Party.code_key`), by id: through the port's optional
    ``find_parties_by_code`` (one indexed read), else a search of the parties."""
    if not code:
        return []
    key = code.casefold()
    read = getattr(w.repo, "find_parties_by_code", None)
    found = read(code) if read is not None else w.repo.find_parties(code, None, None, True)
    return sorted((p for p in found if p.code_key == key), key=lambda p: p.id)


def _with_code(w: Work, code: str) -> Party | None:
    """The party whose code is ``code``: the one with exactly this code, else the one whose
    code differs only in case (a book has at most one since codes are compared ignoring
    case; an older book may hold both "ACME" and "acme", then the exact one wins)."""
    found = _by_code(w, code)
    exact = [p for p in found if p.code == code]
    return (exact or found)[0] if found else None


def _check_code(w: Work, party: Party) -> None:
    """Refuse a code another party of the book already has, ignoring case (codes are
    unique keys: "ACME" and "acme" name one party)."""
    other = next((p for p in _by_code(w, party.code) if p.id != party.id), None)
    if other is not None:
        raise DuplicateError(f"party {other.id} already has this code ({other.code!r}; "
                             "codes are compared ignoring case)", field="code",
                             value=party.code)


class PartiesApi(ServiceBase):
    """The book's document settings and its customers and suppliers."""

    # ------------------------------------------------------------------ settings
    def settings(self) -> DocumentSettings:
        """The book's document settings (defaults until configured).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> bo.documents.settings().pattern("sales_invoice")
            'INV-{year}-{seq:05}'
        """
        with self._read() as w:
            return w.settings

    def configure(self, **changes: Any) -> DocumentSettings:
        """Change the settings: ``company``, ``patterns``, ``approval_rules``, ``rounding``,
        ``payment_terms``, ``write_off_limits``, ``match_tolerance``,
        ``reverse_charge_rate``, ``numbers_in_date_order``, ``payment_numbers_in_date_order``.

        Each setting named is replaced as a whole, the others are kept: ``patterns`` or
        ``write_off_limits`` given here are the new collection, so to add one entry pass
        the current ones with it (``dict(settings().patterns)``).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> bo.documents.configure(patterns={"sales_invoice": "R{year}/{seq:04}"}).version
            1
            >>> kept = dict(bo.documents.settings().patterns)
            >>> s = bo.documents.configure(patterns={**kept, "credit_note": "G{year}/{seq:04}"})
            >>> s.pattern("sales_invoice"), s.pattern("credit_note")
            ('R{year}/{seq:04}', 'G{year}/{seq:04}')
        """
        allowed = {f.name for f in attrs.fields(DocumentSettings)} - {"version"}
        bad = sorted(set(changes) - allowed)
        if bad:
            raise ValidationError("not a document setting", field=bad[0], value=changes[bad[0]])
        with self._work() as w:
            stored = w.repo.get_settings()
            new = attrs.evolve(w.settings, **changes, version=w.settings.version + 1)
            _check_changes(new, changes, w.functional)
            w.repo.save_settings(new, None if stored is None else stored.version)
            return new

    # ------------------------------------------------------------------ parties
    def create_party(self, legal_name: str, **fields: Any) -> Party:
        """Add a customer (the default) or supplier; ``fields`` are :class:`Party` fields.

        A ``code`` is the party's unique key in the book (imports and integrations
        match by it), compared ignoring case ("acme" is the code "ACME"): one another
        party has, archived or not, raises
        :class:`~backoffice_core.errors.DuplicateError` (``field="code"``) and nothing
        is saved. Any number of parties may have no code.

        Example:
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import TaxId
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> p = bo.documents.create_party("Vostok LLC", is_supplier=True,
            ...                               tax_ids=[TaxId("INN", "7707083893")])
            >>> p.is_customer, p.is_supplier, p.tax_id("INN")
            (True, True, '7707083893')
        """
        if "id" in fields or "version" in fields:
            raise ValidationError("id and version are assigned by the book", field="id",
                                  value=fields.get("id"))
        _party_fields(fields)
        with self._work() as w:
            party = _limit_checked(Party(w.new_id(), legal_name, **fields))
            _check_code(w, party)
            w.repo.add_party(party)
            return party

    def update_party(self, party_id: str, *, version: int, **changes: Any) -> Party:
        """Change a party (optimistic: ``version`` is the one you read; stale raises
        :class:`~backoffice_core.errors.ConcurrencyError`). ``archived=True`` archives it.
        A new ``code`` must not be another party's (:class:`~backoffice_core.errors.
        DuplicateError`, ``field="code"``, nothing changed).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> p = bo.documents.create_party("Acme")
            >>> bo.documents.update_party(p.id, version=0, tags=["key account"]).tags
            ('key account',)
        """
        if "id" in changes or "version" in changes:
            raise ValidationError("id and version cannot change", field="id", value=party_id)
        _party_fields(changes)
        with self._work() as w:
            old = w.party(party_id)
            if old.version != version:
                raise ConcurrencyError("the party changed since it was read", field="version",
                                       value=version)
            checked_as_new(Party, changes)  # (text kept with U+FFFE or U+FFFF is kept)
            new = kept_text(attrs.evolve)(old, **changes, version=old.version + 1)
            if "credit_limit" in changes:  # a limit stored before the check still loads
                _limit_checked(new)
            if new.code != old.code:
                _check_code(w, new)
            w.repo.update_party(new, old.version)
            return new

    def party(self, party_id: str) -> Party:
        """The party ``party_id``; :class:`~backoffice_core.errors.NotFoundError` otherwise.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> bo.documents.party(bo.documents.create_party("Acme").id).legal_name
            'Acme'
        """
        check_lookup("party_id", party_id)
        with self._read() as w:
            return w.party(party_id)

    def party_by_code(self, code: str) -> Party:
        """The party whose code is ``code`` ignoring case, as codes are unique (archived
        ones included); :class:`~backoffice_core.errors.NotFoundError` otherwise. A whole
        code, not a prefix: :meth:`parties` searches names and codes by substring instead.
        (Should an older book hold codes that differ only in case, the exact one wins.)

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> _ = bo.documents.create_party("Acme", code="C-10")
            >>> _ = bo.documents.create_party("Acme Two", code="C-1")
            >>> bo.documents.party_by_code("C-1").legal_name
            'Acme Two'
            >>> bo.documents.party_by_code("c-10").legal_name
            'Acme'
        """
        check_lookup("code", code)
        with self._read() as w:
            found = _with_code(w, code.strip())
        if found is None:
            raise NotFoundError("no party has this code", field="code", value=code)
        return found

    def parties(self, text: str | None = None, *, tax_id: str | None = None,
                tag: str | None = None, include_archived: bool = False) -> list[Party]:
        """Search parties by name or code, tax id, tag (all criteria must hold).

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> _ = bo.documents.create_party("Acme GmbH", tags=["de"])
            >>> _ = bo.documents.create_party("Zeta SA", tags=["fr"])
            >>> [p.legal_name for p in bo.documents.parties(tag="de")]
            ['Acme GmbH']
        """
        for field, value in (("text", text), ("tax_id", tax_id), ("tag", tag)):
            check_filter(field, value)
        check_filter("include_archived", include_archived, bool, optional=False)
        with self._read() as w:
            return w.repo.find_parties(text, tax_id, tag, include_archived)

    def import_party(self, data: Mapping[str, Any]) -> Party:
        """Create a party from untrusted JSON-like data (validated by ``schemas``).

        Every wrong field is reported at once, with its path, in one
        :class:`~backoffice_core.errors.ValidationError`; nothing is saved then.

        Example:
            >>> import backoffice_core as bc
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> bo.documents.import_party({"legal_name": "Acme", "tags": ["x"]}).tags
            ('x',)
        """
        from backoffice_core.schemas import parse_party

        fields = parse_party(data)
        return self.create_party(**fields)


def _check_changes(settings: DocumentSettings, changes: Mapping[str, Any],
                   functional: str) -> None:
    """Refuse, among the settings ``changes`` gives: two approval rules for one document
    type or two write-off limits in one currency (only the first would ever apply); a
    threshold or limit finer than its currency's minor unit; a default cash increment
    that is not a whole number of the book currency's minor units. (Settings stored
    before these checks still load as they are.)"""
    checks = (("approval_rules", [(r.type.value, "threshold", r.threshold)
                                  for r in settings.approval_rules]),
              ("write_off_limits", [(m.code, "", m) for m in settings.write_off_limits]))
    for name, entries in checks:
        if name not in changes:
            continue
        seen: set[str] = set()
        for i, (key, part, amount) in enumerate(entries):
            if key in seen:
                raise ValidationError(f"a second entry for {key}: only the first would apply",
                                      field=f"{name}[{i}]", value=key)
            seen.add(key)
            check_minor_unit(f"{name}[{i}]" + (f".{part}" if part else ""), amount)
    if "rounding" in changes:
        settings.rounding.check_currency(functional)


def _limit_checked(party: Party) -> Party:
    """``party`` if its credit limit (if any) is a whole number of minor units."""
    if party.credit_limit is not None:
        check_minor_unit("credit_limit", party.credit_limit)
    return party
