"""One exception tree; each class also inherits the builtin a caller would expect."""

from __future__ import annotations

import inspect

import pytest

import backoffice_core as bc
from backoffice_core import errors
from backoffice_core.errors import (
    BackofficeError,
    CurrencyMismatchError,
    DuplicateError,
    FloatNotAllowedError,
    IdempotencyConflictError,
    NotFoundError,
    UnbalancedEntryError,
    ValidationError,
)

ALL = [getattr(errors, name) for name in errors.__all__]


def test_every_error_is_a_backoffice_error() -> None:
    for cls in ALL:
        assert issubclass(cls, BackofficeError), cls
    assert issubclass(BackofficeError, Exception)


def test_every_exception_class_of_the_module_is_exported() -> None:
    defined = {name for name, obj in vars(errors).items()
               if inspect.isclass(obj) and issubclass(obj, BaseException)
               and obj.__module__ == errors.__name__}
    assert defined == set(errors.__all__)


@pytest.mark.parametrize(
    ("cls", "builtins"),
    [
        (ValidationError, (ValueError,)),
        (UnbalancedEntryError, (ValidationError, ValueError)),
        (FloatNotAllowedError, (ValidationError, ValueError, TypeError)),
        (CurrencyMismatchError, (TypeError,)),
        (NotFoundError, (LookupError,)),
        (IdempotencyConflictError, (DuplicateError,)),
    ],
)
def test_subclasses_inherit_the_right_builtin(cls: type, builtins: tuple[type, ...]) -> None:
    for base in builtins:
        assert issubclass(cls, base), (cls, base)


@pytest.mark.parametrize("cls", ALL)
def test_str_shows_field_and_value(cls: type[BackofficeError]) -> None:
    err = cls("something is wrong", field="lines[2].amount", value="1.005")
    assert str(err) == "lines[2].amount='1.005': something is wrong"
    assert err.field == "lines[2].amount"
    assert err.value == "1.005"
    assert err.message == "something is wrong"
    bare = cls("just a message")
    assert str(bare) == "just a message"
    assert bare.field is None
    with pytest.raises(BackofficeError):
        raise err


def test_validation_error_collects_problems() -> None:
    err = ValidationError("bad", field="qty", value=-1)
    assert err.errors == [("qty", -1, "bad")]
    many = ValidationError("2 problems", errors=[("a", 1, "x"), ("b", 2, "y")])
    assert len(many.errors) == 2


def test_real_errors_carry_field_and_value(bo: bc.Backoffice) -> None:
    with pytest.raises(FloatNotAllowedError) as info:
        bc.Money(0.1, "USD")
    assert str(info.value).startswith("amount=0.1: ")
    with pytest.raises(NotFoundError) as nf:
        bo.ledger.account("0000")
    assert str(nf.value).startswith("code='0000': ")


def test_top_level_exports_the_main_errors() -> None:
    for name in ("BackofficeError", "ValidationError", "UnbalancedEntryError",
                 "PeriodClosedError", "NotFoundError", "DuplicateError",
                 "CurrencyMismatchError", "FloatNotAllowedError", "ConcurrencyError"):
        assert getattr(bc, name) is getattr(errors, name)
