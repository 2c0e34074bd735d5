# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The contact's demographic data and its per-company RFM scores and tier
(mixed into res.partner: one class per model in this addon)."""

from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import make_index_name

DEMOGRAPHICS = "crm_analytics.group_crm_analytics_demographics"
# demographic fields: a segment condition on one of them holds only when it is filled
DEMOGRAPHIC_FIELDS = (
    "crm_birth_date",
    "crm_gender",
    "crm_income_band",
    "crm_interest_ids",
)
RFM_FIELDS = (
    "rfm_recency_days",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_r",
    "rfm_f",
    "rfm_m",
    "rfm_group",
)
# company-dependent fields Odoo would index (btree_not_null) but nothing searches
# by: indexing only rfm_group (segments search by group) makes the RFM write
# (bench/README.md) cheaper, as each written row is a new tuple in every index
RFM_UNINDEXED = RFM_FIELDS[:-1]
# written by the jobs (as superuser) only: dropped from anyone else's writes
JOB_FIELDS = ("crm_grade", "crm_tier_id") + RFM_FIELDS
RFM_GROUP_SELECTION = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential"),
    ("new", "New"),
    ("at_risk", "At Risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]


class CrmPartnerSegmentFields(models.AbstractModel):
    _name = "crm.partner.segment.fields"
    _description = "Contact: demographic data, RFM and tier"

    # demographic data: optional, and only for the Demographic Data group
    crm_birth_date = fields.Date("Birth Date", groups=DEMOGRAPHICS)
    crm_gender = fields.Selection(
        [("female", "Female"), ("male", "Male"), ("other", "Other")],
        "Gender",
        groups=DEMOGRAPHICS,
    )
    crm_income_band = fields.Selection(
        [
            ("low", "Low"),
            ("lower_middle", "Lower middle"),
            ("middle", "Middle"),
            ("upper_middle", "Upper middle"),
            ("high", "High"),
        ],
        "Income Band",
        groups=DEMOGRAPHICS,
    )
    crm_interest_ids = fields.Many2many(
        "crm.partner.interest",
        "crm_partner_interest_rel",
        "partner_id",
        "interest_id",
        "Interests",
        groups=DEMOGRAPHICS,
    )

    # RFM of the current company (FEATURES.md, "Profitability and RFM arithmetic")
    rfm_recency_days = fields.Integer(
        "Recency (days)",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="Days since the customer's last posted invoice in this company.",
    )
    rfm_frequency = fields.Integer(
        "Frequency",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="Posted customer invoices of the last 365 days in this company.",
    )
    rfm_monetary = fields.Float(
        "Monetary",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="Revenue of the last 365 days in this company (invoices minus "
        "credit notes, untaxed, company currency).",
    )
    rfm_r = fields.Integer(
        "R",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="1-5, 5 = best.",
    )
    rfm_f = fields.Integer(
        "F",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="1-5, 5 = best.",
    )
    rfm_m = fields.Integer(
        "M",
        company_dependent=True,
        index=False,
        readonly=True,
        copy=False,
        help="1-5, 5 = best.",
    )
    rfm_group = fields.Selection(
        RFM_GROUP_SELECTION,
        "RFM Group",
        company_dependent=True,
        readonly=True,
        copy=False,
    )
    crm_tier_id = fields.Many2one(
        "crm.customer.tier",
        "Customer Tier",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="The tier with the largest minimum revenue the customer's revenue "
        "of the last 12 months reaches in this company.",
    )

    def init(self):
        super().init()
        if self._abstract:
            return
        # Odoo keeps an index a field no longer asks for: drop the ones the
        # earlier versions made (idempotent, cheap on every update)
        for fname in RFM_UNINDEXED:
            self.env.cr.execute(
                SQL(
                    "DROP INDEX IF EXISTS %s",
                    SQL.identifier(make_index_name(self._table, fname)),
                )
            )
