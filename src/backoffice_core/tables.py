"""Tables for people and notebooks: plain text, escaped HTML and exact pandas frames.

Every report of every domain renders through these three (values first, rendering
second): a report keeps exact amounts and turns them into text, HTML for
``_repr_html_`` or a ``DataFrame`` only when asked.

Example:
    >>> print(text_table(["Code", "Amount"], [["1110", "5.00"], ["4100", "-5.00"]], "lr"))
    Code  Amount
    ----  ------
    1110    5.00
    4100   -5.00
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

__all__ = ["PANDAS_HINT", "cell_text", "display_width", "html_table", "one_line", "pandas_frame",
           "text_table"]

PANDAS_HINT = "to_pandas() needs pandas: pip install backoffice-core[pandas]"


def display_width(text: str) -> int:
    """The number of terminal columns ``text`` takes: East Asian wide and full-width
    characters take two, combining marks and zero-width characters none.

    Example:
        >>> display_width("Cash"), display_width("現金"), display_width("e\u0301")
        (4, 4, 1)
    """
    width = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def one_line(text: str) -> str:
    """``text`` on one line: each line break (``\\n``, ``\\r\\n``, ``\\r``, U+2028...) and
    tab shows as a space. Free text (a name, a description) may hold them; a table row
    that printed them would break in two, or a carriage return would overwrite it.

    Example:
        >>> one_line("Sale\\r\\nto Bob\\tR-1")
        'Sale to Bob R-1'
    """
    return " ".join(text.replace("\t", " ").splitlines())


def cell_text(value: Any) -> str:
    """A table cell's text: a ``Decimal`` in plain digits (never an exponent, as
    ``str`` writes ``1E-8`` or ``1E+3``; a negative zero as zero), ``None`` as empty,
    anything else as ``str`` gives it.

    Example:
        >>> [cell_text(v) for v in (Decimal("1E-8"), Decimal("1.00E+3"), Decimal("-0.00"),
        ...                         Decimal("-2.50"), None, 7)]
        ['0.00000001', '1000', '0.00', '-2.50', '', '7']
    """
    if value is None:
        return ""
    if isinstance(value, Decimal) and value.is_finite():
        return format(value if value else value.copy_abs(), "f")
    return str(value)


def text_table(headers: Sequence[str], rows: Iterable[Sequence[str]], align: str) -> str:
    """A plain-text table: columns padded to width, ``align`` one ``l``/``r`` per column.

    Widths are display widths (:func:`display_width`), so a column of Japanese or
    Chinese names lines up in a terminal or a notebook's monospaced output; each cell
    and header is put on one line (:func:`one_line`).

    Example:
        >>> print(text_table(["A", "B"], [["x", "1"]], "lr"))
        A  B
        -  -
        x  1
        >>> print(text_table(["Name", "Amount"], [["現金", "5"], ["Cash", "10"]], "lr"))
        Name  Amount
        ----  ------
        現金       5
        Cash      10
    """
    headers = [one_line(h) for h in headers]
    body = [[one_line(c) for c in r] for r in rows]
    widths = [display_width(h) for h in headers]
    for r in body:
        for i, cell in enumerate(r):
            widths[i] = max(widths[i], display_width(cell))

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, c in enumerate(cells):
            pad = " " * (widths[i] - display_width(c))
            out.append(pad + c if align[i] == "r" else c + pad)
        return "  ".join(out).rstrip()

    lines = [line(headers), "  ".join("-" * w for w in widths)]
    lines.extend(line(r) for r in body)
    return "\n".join(lines)


def html_table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               numeric: Iterable[int] = (), indent: Sequence[int] | None = None) -> str:
    """An HTML table with every caption, header and cell escaped; a cell's value shows
    as :func:`cell_text` writes it (a ``Decimal`` in plain digits).

    ``indent`` gives, per row, a nesting level applied to the second column.

    Example:
        >>> html_table("<TB>", ["Name"], [["<b>"]])
        '<table><caption>&lt;TB&gt;</caption><thead><tr><th>Name</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'
    """
    nums = set(numeric)
    out = ["<table>", f"<caption>{html.escape(caption)}</caption>", "<thead><tr>"]
    out.extend(f"<th>{html.escape(str(h))}</th>" for h in headers)
    out.append("</tr></thead><tbody>")
    for n, row in enumerate(rows):
        out.append("<tr>")
        for i, cell in enumerate(row):
            text = html.escape(cell_text(cell))
            style = []
            if i in nums:
                style.append("text-align:right")
            if indent is not None and i == 1 and indent[n]:
                style.append(f"padding-left:{indent[n]}em")
            attr = f' style="{";".join(style)}"' if style else ""
            out.append(f"<td{attr}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def pandas_frame(rows: list[dict[str, Any]], columns: Sequence[str] = ()) -> Any:
    """A pandas DataFrame of ``rows`` with exact (object) ``Decimal`` columns, never floats.

    ``columns`` names the columns when there may be no rows.

    Raises:
        ImportError: without pandas, naming ``pip install backoffice-core[pandas]``.

    Example:
        >>> df = pandas_frame([{"code": "1110", "level": 1, "amount": Decimal("0.10")}])
        >>> [str(t) for t in df.dtypes], df["amount"][0]
        (['object', 'int64', 'object'], Decimal('0.10'))
    """
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - exercised only without pandas
        raise ImportError(PANDAS_HINT) from err
    if not rows:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})
    names = list(rows[0])
    data = {c: pd.Series([r[c] for r in rows], dtype=_dtype(rows, c)) for c in names}
    return pd.DataFrame(data, columns=names)


def _dtype(rows: list[dict[str, Any]], column: str) -> str:
    values = [r[column] for r in rows]
    if all(isinstance(v, bool) for v in values):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int64"
    return "object"
