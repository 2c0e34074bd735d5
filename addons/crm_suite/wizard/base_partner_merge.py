# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import SQL


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """An agent's merge of two contacts is the verified path that puts a web
    form's ticket (on a contact of its own) on the existing customer: the
    ticket follows the kept contact, and its customer company with it."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        res = super()._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )
        # Odoo moves every foreign key in SQL, the tickets' stored customer
        # company too: it becomes the kept contact itself rather than its
        # company, which would hide the ticket from the company's portal
        kept = self.env["res.partner"].browse(partner_ids).exists()
        if kept:
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            self.env["crm.ticket"].flush_model(["partner_id"])
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE crm_ticket t
                       SET commercial_partner_id = p.commercial_partner_id
                      FROM res_partner p
                     WHERE p.id = t.partner_id
                       AND t.partner_id IN %s
                       AND t.commercial_partner_id IS DISTINCT FROM
                           p.commercial_partner_id
                    """,
                    tuple(kept.ids),
                )
            )
            self.env["crm.ticket"].invalidate_model(["commercial_partner_id"])
        return res
