"""What an adapter under test can do, so that a contract skips with a reason instead of forking.

An adapter author returns an :class:`AdapterCapabilities` from the optional
``adapter_capabilities`` fixture. Every flag defaults to what the reference
(in-memory) adapter does, so a new adapter runs the whole kit unless it opts out.

Example:
    >>> caps = AdapterCapabilities(durable=True, url="jsonl:///tmp/books.jsonl")
    >>> caps.concurrent_writers, caps.multi_process, caps.large_volume
    (True, False, 20000)
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from backoffice_core.errors import ValidationError

__all__ = ["AdapterCapabilities"]


def _check_volume(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError("large_volume is a number of entries, 0 or more",
                              field=attribute.name, value=value)


@attrs.frozen(slots=True, kw_only=True)
class AdapterCapabilities:
    """Capabilities of the adapter under test.

    Attributes:
        concurrent_writers: units of work from several threads may run at once on
            one factory (the adapter serializes writers of a book itself). When
            False the thread contracts skip.
        multi_process: several processes may write one store at once. Needs
            ``url``: each child process opens it with ``Backoffice.open(url)``,
            so its scheme must be built in or installed as an entry point.
        durable: committed data survives reopening the store. Needs ``url``:
            the kit reopens the store with ``Backoffice.open(url)`` and reads back.
        url: the storage URL of the very store that ``uow_factory`` writes to.
        large_volume: how many entries the volume contract posts; 0 skips it.
        documents: the unit of work holds a documents repository (``uow.documents``);
            when False the documents contract skips.
        inventory: the unit of work offers an ``inventory`` repository (the inventory
            port); when False the inventory contract skips.
        expected_failures: contract test name (``test_x`` or, for one parameter
            set, ``test_x[param]``) -> the reason it is known to fail. Those tests
            are marked ``xfail(strict=True)``: they must fail, and the suite goes
            red the day they pass, so the entry is removed with the fix. A name
            that is no contract test's is refused (``ValidationError``).

    Example:
        >>> AdapterCapabilities(multi_process=True)
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: url=None: multi_process needs the url ...
    """

    concurrent_writers: bool = True
    multi_process: bool = False
    durable: bool = False
    url: str | None = None
    large_volume: int = attrs.field(default=20_000, validator=_check_volume)
    inventory: bool = True
    documents: bool = True
    expected_failures: Mapping[str, str] = attrs.field(
        factory=dict, converter=dict, hash=False)

    def __attrs_post_init__(self) -> None:
        for flag in ("multi_process", "durable"):
            if getattr(self, flag) and not self.url:
                raise ValidationError(
                    f"{flag} needs the url of the store under test (the kit opens it "
                    "with Backoffice.open)", field="url", value=self.url)
        if self.url is not None and "://" not in self.url:
            raise ValidationError("url must look like scheme://...", field="url",
                                  value=self.url)
        if self.expected_failures:
            from backoffice_core.testing._contracts import AdapterContract  # only when used

            known = {n for n in dir(AdapterContract) if n.startswith("test_")}
            for key in self.expected_failures:
                if not isinstance(key, str) or key.partition("[")[0] not in known:
                    raise ValidationError(
                        "expected_failures names no contract test (a typo, or a test "
                        "the kit renamed): use the test name pytest reports, "
                        "test_x or test_x[params]", field="expected_failures", value=key)

    def expected_failure(self, name: str, original: str) -> str | None:
        """The recorded reason why test ``name`` (function ``original``) fails, if any.

        Example:
            >>> one = "test_uow_rollback_leaves_nothing[rate_add-exception]"
            >>> caps = AdapterCapabilities(expected_failures={one: "bug 12"})
            >>> caps.expected_failure(one, "test_uow_rollback_leaves_nothing")
            'bug 12'
            >>> caps.expected_failure("test_uow_exception_propagates",
            ...                       "test_uow_exception_propagates") is None
            True
            >>> AdapterCapabilities(expected_failures={"test_uow_rolback": "typo"})
            Traceback (most recent call last):
            ...
            backoffice_core.errors.ValidationError: expected_failures='test_uow_rolback': ...
        """
        return self.expected_failures.get(name) or self.expected_failures.get(original)
