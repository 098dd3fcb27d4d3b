"""How far allowances may go: never across zero, on a line or in a VAT group (internal).

An allowance lowers what its line, or its document's VAT group, comes to; it may take
it to zero, never beyond. Both rules compare magnitudes on the side of the amount the
allowances apply to, so a return line or a group of return lines (negative) keeps its
discounts as the mirror of a sale. A percentage allowance above 100 is refused outright.

On a document a charge may sit on the other side of zero from the group's lines (freight
on an invoice of returns): it neither makes room for the allowances nor takes any, and
an allowance that pushes the group away from zero (a fixed one on a group of returns)
takes none. :mod:`.totals` calls these while it computes.

Example:
    >>> from backoffice_core.documents.lines import AllowanceCharge
    >>> from backoffice_core.documents.taxes import Tax
    >>> acs = [AllowanceCharge.allowance("60.00", tax=Tax.standard(19))]
    >>> check_group(Decimal("50.00"), [(0, Decimal("-60.00"))], acs)
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: allowances_charges[0].amount=Decimal('60.00'): ...
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from backoffice_core.documents.lines import AllowanceCharge
from backoffice_core.errors import ValidationError

__all__ = ["check_group", "check_percent", "group_base", "line_base", "refuse_beyond"]

_ZERO = Decimal(0)


def check_percent(ac: AllowanceCharge, field: str, what: str) -> None:
    """Refuse an allowance of more than 100 percent; ``field`` names it.

    Example:
        >>> check_percent(AllowanceCharge.allowance(percent=150), "lines[0]."
        ...               "allowances_charges[0]", "a line allowance")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: lines[0].allowances_charges[0].percent=...
    """
    if not ac.is_charge and ac.percent is not None and ac.percent > 100:
        raise ValidationError(f"{what} is at most 100 percent", field=f"{field}.percent",
                              value=ac.percent)


def line_base(ac: AllowanceCharge, field: str) -> Decimal | None:
    """The explicit base of a line's allowance or charge, a magnitude (the line's sign
    applies to it, as to a fixed amount): a negative one, which would turn an allowance
    into a charge, is refused; ``field`` names it.

    Example:
        >>> line_base(AllowanceCharge.allowance(percent=10, base="-50"),
        ...           "lines[0].allowances_charges[0]")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: lines[0].allowances_charges[0].base=...
    """
    base = ac.base_value()
    if base is not None and base < 0:
        raise ValidationError("a line's base is a magnitude (the line's sign applies to it); "
                              "it must not be negative", field=f"{field}.base", value=base)
    return base


def group_base(ac: AllowanceCharge, field: str, nets: Decimal) -> Decimal | None:
    """The explicit base of a document allowance or charge, taken with its sign: a
    negative one mirrors a group of returns (``nets`` below zero); on any other group it
    would turn an allowance into a charge (or a charge into an allowance), and is refused.

    Example:
        >>> group_base(AllowanceCharge.allowance(percent=10, base="-50"),
        ...            "allowances_charges[0]", Decimal("-50.00"))
        Decimal('-50')
    """
    base = ac.base_value()
    if base is not None and base < 0 <= nets:
        raise ValidationError("a negative base mirrors a VAT group of returns; the line nets "
                              "of this one are not negative", field=f"{field}.base", value=base)
    return base


def refuse_beyond(prefix: str, acs: Sequence[AllowanceCharge], room: Decimal,
                  taken: Sequence[tuple[int, Decimal]], message: str) -> None:
    """Name the allowance that takes more than ``room``: ``taken`` holds ``(index,
    magnitude)`` of each allowance in order; nothing is raised while they fit.

    Example:
        >>> acs = [AllowanceCharge.allowance("30.00"), AllowanceCharge.allowance(percent=50)]
        >>> refuse_beyond("lines[0].allowances_charges", acs, Decimal("50.00"),
        ...               [(0, Decimal("30.00")), (1, Decimal("25.00"))], "too much")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: lines[0].allowances_charges[1].percent=...
    """
    for j, value in taken:
        room -= value
        if room < 0:
            ac = acs[j]
            name = "amount" if ac.percent is None else "percent"
            raise ValidationError(message, field=f"{prefix}[{j}].{name}",
                                  value=ac.amount_value() if ac.percent is None else ac.percent)


def check_group(nets: Decimal, parts: Sequence[tuple[int, Decimal]],
                acs: Sequence[AllowanceCharge]) -> None:
    """Refuse the document allowances of one VAT group that take it across zero.

    ``nets`` is the group's line nets, ``parts`` its allowances and charges as
    ``(index in acs, amount signed as it counts in the taxable amount)``. The group's
    side is that of its line nets (a group of no line, or of nets adding up to zero, is
    on the positive side): the allowances towards zero take at most the nets plus the
    charges on the same side.

    Example:
        >>> from backoffice_core.documents.taxes import Tax
        >>> s19 = Tax.standard(19)
        >>> returns_with_freight = [AllowanceCharge.allowance(percent=10, tax=s19),
        ...                         AllowanceCharge.charge("80.00", tax=s19)]
        >>> check_group(Decimal("-50.00"), [(0, Decimal("5.00")), (1, Decimal("80.00"))],
        ...             returns_with_freight)  # -50.00 + 5.00 + 80.00: fine
    """
    side = -1 if nets < 0 else 1
    room, taken = nets * side, []
    for j, signed in parts:
        ac, towards = acs[j], signed * side
        if ac.is_charge:
            if towards > 0:
                room += towards
        elif towards < 0:  # (above 100 percent: refused before, with check_percent)
            taken.append((j, -towards))
    if taken and sum((v for _, v in taken), _ZERO) > room:
        refuse_beyond("allowances_charges", acs, room, taken, "the document's allowances "
                      "exceed the line nets and charges of their VAT group")
