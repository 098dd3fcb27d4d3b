"""Reading a party (seller or buyer) of a UBL 2.1 invoice or credit note.

Part of :func:`~.reader.from_ubl`: the party's endpoint, postal address, tax ids, legal
name and contact, each refusal named at its element (its XPath).
"""

from __future__ import annotations

from backoffice_core.documents.parties import Address, Contact, Party, TaxId, TaxScheme
from backoffice_core.documents.ubl._nodes import Node, at_path
from backoffice_core.documents.ubl.common import endpoint_tax_id
from backoffice_core.errors import ValidationError

__all__ = ["read_party"]


def read_party(node: Node, role: str) -> Party:
    """The :class:`~backoffice_core.documents.parties.Party` of a UBL ``cac:Party``
    (``role`` is ``"seller"`` or ``"buyer"``); its id is the endpoint (``scheme:id``).
    A value the party model refuses is named at its element.

    Example:
        >>> from xml.etree import ElementTree as ET
        >>> from backoffice_core.documents.ubl.common import NS
        >>> xml = (f'<P xmlns:cac="{NS["cac"]}" xmlns:cbc="{NS["cbc"]}">'
        ...        '<cbc:EndpointID schemeID="9930">DE123456789</cbc:EndpointID>'
        ...        '<cac:PostalAddress><cac:Country><cbc:IdentificationCode>DE'
        ...        '</cbc:IdentificationCode></cac:Country></cac:PostalAddress>'
        ...        '<cac:PartyLegalEntity><cbc:RegistrationName>Seller AG'
        ...        '</cbc:RegistrationName></cac:PartyLegalEntity></P>')
        >>> party = read_party(Node(ET.fromstring(xml), "/P"), "seller")
        >>> party.id, party.legal_name, party.is_supplier
        ('9930:DE123456789', 'Seller AG', True)
    """
    ep = node.req("cbc:EndpointID")
    scheme, ident = ep.attr("schemeID"), ep.text()
    if not ident:
        raise ValidationError("must not be empty", field=ep.path, value=ident)
    ident_node = node.opt("cac:PartyIdentification")
    code = ident_node.opt_text("cbc:ID") if ident_node is not None else ""
    pa = node.req("cac:PostalAddress")
    lines = [pa.opt_text("cbc:StreetName"), pa.opt_text("cbc:AdditionalStreetName")]
    lines += [al.req_text("cbc:Line") for al in pa.all("cac:AddressLine")]
    country = pa.req("cac:Country").req_text("cbc:IdentificationCode")
    with at_path(pa.path):
        address = Address(lines, pa.opt_text("cbc:CityName"), pa.opt_text("cbc:PostalZone"),
                          country, pa.opt_text("cbc:CountrySubentity"))
    tax_ids: list[TaxId] = []
    for pts in node.all("cac:PartyTaxScheme"):
        value = pts.req_text("cbc:CompanyID")
        scheme_name = pts.req("cac:TaxScheme").req_text("cbc:ID").upper()
        kind = TaxScheme(scheme_name) if scheme_name in TaxScheme.__members__ else \
            TaxScheme.OTHER
        with at_path(f"{pts.path}/cbc:CompanyID"):
            tax_ids.append(TaxId(kind, value))
    with at_path(ep.path):
        extra = endpoint_tax_id(scheme, ident)
    if extra is not None and extra not in tax_ids:
        tax_ids.append(extra)
    legal = node.req("cac:PartyLegalEntity").req_text("cbc:RegistrationName")
    contacts = []
    contact = node.opt("cac:Contact")
    if contact is not None:
        name, phone = contact.opt_text("cbc:Name"), contact.opt_text("cbc:Telephone")
        email = contact.opt_text("cbc:ElectronicMail")
        if name or phone or email:
            with at_path(contact.path):
                contacts.append(Contact(name or email or phone, email, phone))
    with at_path(node.path):
        return Party(f"{scheme}:{ident}", legal, is_customer=role == "buyer",
                     is_supplier=role == "seller", code=code, tax_ids=tax_ids,
                     addresses=[address], contacts=contacts)
