# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure Python rules of crm_collab (no ORM import), tested without Odoo."""
