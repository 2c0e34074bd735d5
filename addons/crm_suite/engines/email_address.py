# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one check of an email address a customer types (web form, API, gateway).

Odoo's ``email_normalize`` accepts any ``local@domain``; a customer's address also
needs a domain of at least two labels ending in a top-level domain, so that a typo
such as ``jane@example`` is refused while the customer can still correct it.

>>> normalize_customer_email("Jane <Jane@Example.com>")
'jane@example.com'
>>> normalize_customer_email("jane@example")
False
>>> normalize_customer_email("jane@xn--bcher-kva.xn--p1ai")
'jane@xn--bcher-kva.xn--p1ai'
>>> normalize_customer_email("jane@[192.0.2.1]")
False
>>> normalize_customer_email("not an email")
False
"""

import re

from odoo.tools import email_normalize

# a host name label, and a top-level domain: letters, or an IDN's punycode
_LABEL = re.compile(r"^(?!-)[^\s.@\[\]]+(?<!-)$")
_TLD = re.compile(r"^([^\W\d_]{2,}|xn--[a-z0-9-]+)$")


def normalize_customer_email(text):
    """The normalized address of ``text`` (which may be "Name <address>"), or
    False when it is not one a customer can be written to."""
    email = email_normalize(text or "")
    if not email:
        return False
    labels = email.rpartition("@")[2].split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    return email if _TLD.match(labels[-1]) else False
