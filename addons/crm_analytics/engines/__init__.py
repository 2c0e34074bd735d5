# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure arithmetic of the analytical CRM (no Odoo import): profitability ranks,
scores and grades as FEATURES.md defines them."""
# RFM quintiles and groups (segments): engines/rfm.py
