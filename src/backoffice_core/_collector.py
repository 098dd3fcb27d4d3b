"""Pausing Python's cyclic garbage collector around bulk work (shared by every domain).

Bulk posting, issuing thousands of documents or valuing a million stock moves
allocates many objects that live on after the call (entries, documents, cost
records); the cyclic collector would rescan them again and again while the
call runs, which at scale was the largest single cost (docs/decisions.md).
Reference counting still frees what is dropped. The collector is switched
back on only if it was on, so a host that keeps it off stays in control.

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

__all__ = ["collector_paused"]


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
            gc.enable()
