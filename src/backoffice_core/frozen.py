"""A mapping field of a frozen entity that cannot be changed through the entity.

An ``@attrs.frozen`` entity refuses ``item.attributes = {...}``, but a ``dict`` it holds
would still take ``item.attributes["colour"] = "blue"``; the in-memory adapter hands out
the very objects it stores, so that would change the stored item (or a book's posting
roles) behind the service's back: no version, no audit, and another store would not
see it. :class:`FrozenDict` is a ``dict`` (JSON, ``==``, ``isinstance(x, dict)`` and
every read work as before) whose changing methods raise ``TypeError``; ``dict(x)`` or
``x.copy()`` gives a plain dict to change, and ``attrs.evolve`` the entity with it.
:class:`FrozenList` is the same for a list held inside such a mapping (an item's
``attributes={"tags": ["a"]}``).

Example:
    >>> roles = FrozenDict({"cash": "1110"})
    >>> roles["cash"], roles == {"cash": "1110"}, isinstance(roles, dict)
    ('1110', True, True)
    >>> roles["cash"] = "1120"
    Traceback (most recent call last):
    ...
    TypeError: this mapping is read-only: change a copy (dict(...)) and save that
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

__all__ = ["FrozenDict", "FrozenList"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A ``dict`` whose contents do not change after it is made (see the module text).

    Example:
        >>> FrozenDict(a=1).copy()
        {'a': 1}
    """

    __slots__ = ()

    def _read_only(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise TypeError("this mapping is read-only: change a copy (dict(...)) and save that")

    __setitem__ = __delitem__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __ior__(self, _other: Any) -> NoReturn:  # type: ignore[misc]
        self._read_only()

    def __reduce__(self) -> tuple[Any, ...]:  # copy, deepcopy and pickle build it anew
        return (type(self), (dict(self),))

    def copy(self) -> dict[K, V]:
        """A plain, changeable ``dict`` with the same contents.

        Example:
            >>> roles = FrozenDict({"cash": "1110"}).copy()
            >>> roles["cash"] = "1120"
            >>> roles, type(roles).__name__
            ({'cash': '1120'}, 'dict')
        """
        return dict(self)


class FrozenList(list[V]):
    """A ``list`` whose contents do not change after it is made (see the module text):
    equal to the list it holds, JSON as a list; ``list(x)`` or ``x.copy()`` gives a plain
    list to change.

    Example:
        >>> tags = FrozenList(["a", "b"])
        >>> tags == ["a", "b"], isinstance(tags, list)
        (True, True)
        >>> tags.append("c")
        Traceback (most recent call last):
        ...
        TypeError: this list is read-only: change a copy (list(...)) and save that
    """

    __slots__ = ()

    def _read_only(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise TypeError("this list is read-only: change a copy (list(...)) and save that")

    __setitem__ = __delitem__ = _read_only
    append = extend = insert = pop = remove = clear = sort = reverse = _read_only

    def __iadd__(self, _other: Any) -> NoReturn:  # type: ignore[misc]
        self._read_only()

    def __imul__(self, _other: Any) -> NoReturn:  # type: ignore[misc]
        self._read_only()

    def __reduce__(self) -> tuple[Any, ...]:  # copy, deepcopy and pickle build it anew
        return (type(self), (list(self),))

    def copy(self) -> list[V]:
        """A plain, changeable ``list`` with the same contents.

        Example:
            >>> tags = FrozenList(["a"]).copy()
            >>> tags.append("b")
            >>> tags, type(tags).__name__
            (['a', 'b'], 'list')
        """
        return list(self)
