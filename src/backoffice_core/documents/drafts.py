"""Drafts to create in bulk: :class:`DraftSpec`, and creating many in one unit of work.

``bo.documents.create_many(specs)`` takes :class:`DraftSpec` values, one per
draft, with the parameters of ``bo.documents.create()``. Each draft goes
through the very rules of ``create()`` (:func:`._issuing.build_draft`), in
order, inside one unit of work; the drafts are stored together (with the
adapter's ``add_documents`` when it offers one), so either all of them are
created or, when one is refused, none: the error names it, ``drafts[n].<field>``.

Example:
    >>> from datetime import date
    >>> from backoffice_core.documents import DraftSpec, Tax, line
    >>> spec = DraftSpec("sales_invoice", "p-1", date(2026, 3, 2),
    ...                  [line("Widget", 3, "19.99", Tax.standard(19))], fields={"note": "Hi"})
    >>> spec.currency, dict(spec.fields)
    (None, {'note': 'Hi'})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from backoffice_core._collector import collector_paused
from backoffice_core.documents._issuing import build_draft
from backoffice_core.documents._work import Work
from backoffice_core.documents.lines import DocumentLine
from backoffice_core.documents.model import Document, DocumentType
from backoffice_core.documents.parties import Party
from backoffice_core.errors import BackofficeError, ValidationError

__all__ = ["DraftSpec", "create_many"]


def _frozen_fields(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


@attrs.frozen
class DraftSpec:
    """One draft for :meth:`~backoffice_core.documents.Documents.create_many`.

    The parameters of :meth:`~backoffice_core.documents.Documents.create`:
    ``type`` (a :class:`~backoffice_core.documents.DocumentType` or its value),
    ``party_id``, ``date``, ``lines``, ``currency`` (default: the party's, then
    the book's) and ``fields``, the optional fields ``create()`` takes as
    keywords (``due_date``, ``note``, ``references``...). The values are
    checked when the drafts are created, by the rules of ``create()``. A plain
    mapping with these keys becomes one with ``DraftSpec(**mapping)``.

    Example:
        >>> from datetime import date
        >>> from backoffice_core.documents import Tax, line
        >>> row = {"type": "quote", "party_id": "p-1", "date": date(2026, 1, 5),
        ...        "lines": [line("Design", 10, "80.00", Tax.standard(20))]}
        >>> DraftSpec(**row).type
        'quote'
    """

    type: DocumentType | str
    party_id: str
    date: date
    lines: Sequence[DocumentLine]
    currency: str | None = None
    fields: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_fields)


def _name(err: BackofficeError, i: int) -> None:
    """Name the draft in an error: ``drafts[i].<field>``."""
    err.field = f"drafts[{i}].{err.field}" if err.field else f"drafts[{i}]"


def _renamed(err: BackofficeError) -> None:
    """An error of ``add_documents`` about ``documents[k]...``, told about ``drafts[k]``."""
    field = err.field or ""
    if field.startswith("documents["):
        err.field = "drafts[" + field[len("documents["):]


def create_many(w: Work, drafts: Iterable[DraftSpec], *, user: str) -> list[Document]:
    """Create the drafts in order in ``w`` (internal: see ``Documents.create_many``).

    Every draft is built by ``build_draft``, the function behind ``create()``,
    with the parties read once per call; then all are stored in one step.

    Example:
        >>> from datetime import date
        >>> import backoffice_core as bc
        >>> from backoffice_core.documents import Tax, line
        >>> bo = bc.Backoffice.open("memory://")
        >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
        >>> c = bo.documents.create_party("Acme")
        >>> with bo.documents._work() as w:
        ...     docs = create_many(w, [DraftSpec("quote", c.id, date(2026, 1, 5),
        ...                       [line("A", 1, "1.00", Tax.zero())])], user="ann")
        >>> [(d.type.value, d.history[0].user) for d in docs]
        [('quote', 'ann')]
    """
    if isinstance(drafts, str | bytes | Mapping | DraftSpec) or not isinstance(drafts, Iterable):
        raise ValidationError("give a list of DraftSpec values", field="drafts",
                              value=drafts)
    specs = list(drafts)
    for i, spec in enumerate(specs):
        if not isinstance(spec, DraftSpec):
            raise ValidationError("each draft is a DraftSpec (DraftSpec(**mapping) for a "
                                  "mapping)", field=f"drafts[{i}]", value=spec)
        if not isinstance(spec.fields, Mapping):
            raise ValidationError("fields is a mapping of field names to values",
                                  field=f"drafts[{i}].fields", value=spec.fields)
    if not specs:
        return []
    parties: dict[str, Party] = {}
    out: list[Document] = []
    with collector_paused():
        for i, spec in enumerate(specs):
            try:  # no context manager here: this loop runs once per draft
                out.append(build_draft(w, spec.type, spec.party_id, spec.date, spec.lines,
                                       currency=spec.currency, user=user,
                                       fields=spec.fields, parties=parties))
            except BackofficeError as err:
                _name(err, i)
                raise
        add_documents = getattr(w.repo, "add_documents", None)  # optional in the port
        if add_documents is not None:
            try:
                add_documents(out)
            except BackofficeError as err:
                _renamed(err)
                raise
        else:
            for i, doc in enumerate(out):
                try:
                    w.repo.add_document(doc)
                except BackofficeError as err:
                    _name(err, i)
                    raise
    return out
