"""Parse untrusted XML safely with the standard library: no DOCTYPE, no entities.

A document type declaration is where every XML entity attack starts (external
entities that read local files or URLs, "billion laughs" expansion), and UBL never
needs one. So a first pass with expat refuses any DOCTYPE, entity declaration or
external entity reference before anything is expanded; only then is the tree built.
defusedxml does the same with more machinery; the standard library is enough here.

Example:
    >>> parse_xml(b"<a><b>1</b></a>").find("b").text
    '1'
    >>> parse_xml(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    Traceback (most recent call last):
    ...
    backoffice_core.errors.ValidationError: xml='DOCTYPE': a DOCTYPE is not allowed ...
"""

from __future__ import annotations

from typing import Any, NoReturn
from xml.etree import ElementTree as ET
from xml.parsers import expat

from backoffice_core.errors import ValidationError

__all__ = ["MAX_XML_BYTES", "parse_xml"]

#: The largest document accepted (bytes); an e-invoice is far smaller.
MAX_XML_BYTES = 50 * 1024 * 1024


class _Refused(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _refuse_doctype(*_args: Any) -> NoReturn:
    raise _Refused("DOCTYPE")


def _refuse_entity(*_args: Any) -> NoReturn:
    raise _Refused("ENTITY")


def _refuse_external(*_args: Any) -> NoReturn:
    raise _Refused("external entity")


def parse_xml(data: bytes | str) -> ET.Element:
    """Parse ``data`` into an element tree, refusing DOCTYPE, entities and malformed XML.

    Raises:
        ValidationError: ``field="xml"``; the value says what was refused or where the
            XML is malformed (``"line 3, column 7"``).

    Example:
        >>> parse_xml(b"<a><b></a>")
        Traceback (most recent call last):
        ...
        backoffice_core.errors.ValidationError: xml='line 1, column 8': malformed XML: ...
    """
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes | str):
        raise ValidationError("XML must be bytes or str", field="xml", value=type(data).__name__)
    if len(data) > MAX_XML_BYTES:
        raise ValidationError(f"larger than {MAX_XML_BYTES} bytes", field="xml", value=len(data))
    check = expat.ParserCreate()
    check.StartDoctypeDeclHandler = _refuse_doctype
    check.EntityDeclHandler = _refuse_entity
    check.UnparsedEntityDeclHandler = _refuse_entity
    check.ExternalEntityRefHandler = _refuse_external
    try:
        check.Parse(data, True)
    except _Refused as refused:
        raise ValidationError(f"a {refused.what} is not allowed in an e-invoice (XML entity "
                              "attacks start there)", field="xml", value=refused.what) from None
    except expat.ExpatError as err:
        where = f"line {err.lineno}, column {err.offset}"
        raise ValidationError(f"malformed XML: {expat.ErrorString(err.code)}", field="xml",
                              value=where) from None
    try:
        return ET.fromstring(data)
    except ET.ParseError as err:  # pragma: no cover - expat accepted it above
        raise ValidationError(f"malformed XML: {err}", field="xml", value=str(err)) from None
