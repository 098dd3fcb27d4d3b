"""Creating many drafts at once (internal; see :class:`.service.Documents`)."""

from __future__ import annotations

from collections.abc import Iterable

from backoffice_core.documents import drafts as _drafts
from backoffice_core.documents._service_base import ServiceBase
from backoffice_core.documents.drafts import DraftSpec
from backoffice_core.documents.model import Document

__all__ = ["DraftsApi"]


class DraftsApi(ServiceBase):
    """Bulk creation of drafts, all or none."""

    def create_many(self, drafts: Iterable[DraftSpec], *,
                    user: str = "system") -> list[Document]:
        """Create many drafts in one unit of work: all of them, or none.

        ``drafts`` holds one :class:`~backoffice_core.documents.DraftSpec` per
        draft (the parameters of :meth:`create`; ``DraftSpec(**mapping)`` turns a
        mapping into one). Each draft passes the very rules of :meth:`create`, in
        order, and the result is what :meth:`create` called for each would give
        (the same documents, ids in the same order, the same audit trail), except
        that the drafts share the unit of work's instant. The parties are read
        once per call and the drafts stored in one step. If any draft is refused,
        nothing is saved and the typed error names it: ``drafts[n].<field>``.

        Example:
            >>> from datetime import date
            >>> import backoffice_core as bc
            >>> from backoffice_core.documents import DraftSpec, Tax, line
            >>> bo = bc.Backoffice.open("memory://")
            >>> bo.ledger.setup("Shop", currency="EUR", chart="generic")
            >>> c = bo.documents.create_party("Acme")
            >>> specs = [DraftSpec("sales_invoice", c.id, date(2026, 1, d),
            ...                    [line("A", d, "10.00", Tax.standard(20))]) for d in (5, 6)]
            >>> [d.totals.amount_due for d in bo.documents.create_many(specs, user="shop")]
            [Money('60.00', 'EUR'), Money('72.00', 'EUR')]
            >>> bo.documents.create_many([specs[0], DraftSpec("sales_invoice", "nobody",
            ...                           date(2026, 1, 7), [])])
            Traceback (most recent call last):
            ...
            backoffice_core.errors.NotFoundError: drafts[1].party_id='nobody': no such party
            >>> len(bo.documents.find())
            2
        """
        with self._work() as w:
            return _drafts.create_many(w, drafts, user=user)
