# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The address a customer types, checked once for the web form, the API and the
mail gateway."""

from odoo.tools import email_normalize

from ..engines.email_address import is_customer_address


def normalize_customer_email(text):
    """The normalized address of ``text`` (which may be "Name <address>"), or
    False when it is not one a customer can be written to."""
    email = email_normalize(text or "")
    return email if email and is_customer_address(email) else False
