# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one rule for the domain of an email address a customer types (web form, API,
gateway).

Odoo's ``email_normalize`` accepts any ``local@domain``; a customer's address also
needs a domain of at least two labels ending in a top-level domain, so that a typo
such as ``jane@example`` is refused while the customer can still correct it. The
address is normalized by Odoo first (``tools.normalize_customer_email``).

>>> is_customer_address("jane@example.com")
True
>>> is_customer_address("jane@example")
False
>>> is_customer_address("jane@xn--bcher-kva.xn--p1ai")
True
>>> is_customer_address("jane@[192.0.2.1]")
False
>>> is_customer_address("jane@-example.com")
False
>>> is_customer_address("")
False
"""

import re

# a host name label, and a top-level domain: letters, or an IDN's punycode
_LABEL = re.compile(r"^(?!-)[^\s.@\[\]]+(?<!-)$")
_TLD = re.compile(r"^([^\W\d_]{2,}|xn--[a-z0-9-]+)$")


def is_customer_address(email):
    """Whether the normalized address ``email`` is one a customer can be written
    to: ``local@label.tld``."""
    if not email or "@" not in email:
        return False
    labels = email.rpartition("@")[2].split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return False
    return bool(_TLD.match(labels[-1]))
