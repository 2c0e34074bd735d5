# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.osv import expression


class CrmDripCampaign(models.Model):
    _inherit = "crm.drip.campaign"

    def _crm_enrol_records(self, ids):
        """Enrol the records ``ids`` that match the campaign now, through the
        campaign's own enrolment (``_sync_enrol``: filter, company, dedup on
        email, blocklist, re-enrolment, first steps): segments and event rules
        feed a campaign this way."""
        self.ensure_one()
        return self.with_context(crm_analytics_enrol_ids=list(ids))._sync_enrol(
            fields.Datetime.now()
        )

    def _records_query(self, domain):
        # the context only ever narrows the audience (records among those ids)
        ids = self.env.context.get("crm_analytics_enrol_ids")
        if ids is not None:
            domain = expression.AND([domain, [("id", "in", list(ids))]])
        return super()._records_query(domain)
