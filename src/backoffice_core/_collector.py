"""Pausing Python's cyclic garbage collector around bulk work (shared by every domain).

Bulk posting, issuing thousands of documents or valuing a million stock moves
allocates many objects that live on after the call (entries, documents, cost
records); the cyclic collector would rescan them again and again while the
call runs, which at scale was the largest single cost (docs/decisions.md).
Reference counting still frees what is dropped. The collector is switched
back on only if it was on, so a host that keeps it off stays in control.

When it is switched back on after bulk work that left at least
:data:`PROMOTE_AFTER` young objects behind, every object the collector tracks
moves straight to its oldest generation (``gc.freeze()`` then ``gc.unfreeze()``, two list
splices): the bulk work's results, which would survive the two young
collections anyway, are not scanned by them, and they do not count towards
the next full collection either (a million posted entries used to trigger
full collections that walked every object in the process). They are scanned
by full collections like any long-lived object. The price: young objects of
the host that are cyclic garbage at that moment wait for the next full
collection; a small call (a few entries posted from a web request) moves
nothing, so a host's short-lived cycles are collected young as before. A host
that froze objects itself (a pre-fork server) is left alone: nothing is moved
then.

Example:
    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["PROMOTE_AFTER", "collector_paused"]

#: Young objects (the collector's count of allocations since its last young collection)
#: from which the results of bulk work are moved to the oldest generation unscanned.
PROMOTE_AFTER = 2_000  # three young collections (700); 1,000 posted entries leave 4,500+


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (see the module text).

    Example:
        >>> with collector_paused():
        ...     pass
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # only after bulk work that left many young objects behind (a small call moves
            # nothing), and only when the host froze nothing (a pre-fork server may)
            if gc.get_count()[0] >= PROMOTE_AFTER and not gc.get_freeze_count():
                gc.freeze()  # every tracked object to the oldest generation, unscanned:
                gc.unfreeze()  # the bulk work's results skip two young scans they'd survive
            gc.enable()
