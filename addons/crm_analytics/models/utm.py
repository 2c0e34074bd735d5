# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Acquisition costs where Odoo has none: on UTM campaigns and sources, per
company (a campaign shared by two companies costs each what it spent)."""

from odoo import fields, models

COST_HELP = (
    "What acquiring customers through it cost this company, in the company "
    "currency; shared equally among the company's won leads of it."
)
# Any employee may edit UTM campaigns and sources; their cost feeds every
# customer's profit and grade, so only CRM Analytics administrators see and set it.
COST_GROUPS = "crm_analytics.group_crm_analytics_manager"


def _acquisition_cost_field():
    """The same company-dependent cost field on campaigns and sources."""
    return fields.Float(
        "Acquisition Cost",
        company_dependent=True,
        digits=(16, 2),
        groups=COST_GROUPS,
        help=COST_HELP,
    )


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    crm_acquisition_cost = _acquisition_cost_field()


class UtmSource(models.Model):
    _inherit = "utm.source"

    crm_acquisition_cost = _acquisition_cost_field()
