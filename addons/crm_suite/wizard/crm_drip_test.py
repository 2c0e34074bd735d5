# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.crm_drip_campaign import DRIP_MODELS


class CrmDripTest(models.TransientModel):
    """Run a campaign on one chosen record, step by step, by hand."""

    _name = "crm.drip.test"
    _description = "Test a Drip Campaign"

    campaign_id = fields.Many2one("crm.drip.campaign", required=True)
    model_id = fields.Many2one(related="campaign_id.model_id")
    model_name = fields.Char(related="campaign_id.model_name")
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        string="Record",
        required=True,
        help="The campaign runs on this record; its steps wait for you to run "
        "them (emails are really sent to its address).",
    )

    @api.model
    def _selection_record_ref(self):
        """The models campaigns target; only the campaign's own when the wizard
        opens on one (the form's widget then offers its records only)."""
        models_ = DRIP_MODELS
        campaign_id = self.env.context.get("default_campaign_id")
        if isinstance(campaign_id, int):
            campaign = self.env["crm.drip.campaign"].browse(campaign_id).exists()
            if campaign.has_access("read") and campaign.model_name in DRIP_MODELS:
                models_ = [campaign.model_name]
        # sudo: the labels of the campaigns' models (a CRM Suite manager may
        # not read ir.model)
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([("model", "in", models_)])
        ]

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        campaign = self.env["crm.drip.campaign"].browse(res.get("campaign_id"))
        if campaign and "record_ref" in fields_list and not res.get("record_ref"):
            record = self.env[campaign.model_name].search(
                campaign._parse_domain(campaign.domain)
                + campaign._audience_company_domain(),
                limit=1,
            )
            if record:
                res["record_ref"] = f"{record._name},{record.id}"
        return res

    def action_launch(self):
        self.ensure_one()
        campaign = self.campaign_id
        campaign.check_access("write")
        record = self.record_ref
        if not record or record._name != campaign.model_name:
            raise UserError(
                self.env._(
                    "Choose a record of %(model)s: the campaign targets them.",
                    model=campaign.model_id.name,
                )
            )
        record.check_access("read")
        campaign._check_startable()
        if not self.env.su:
            # the test runs the steps as the campaign's owner, for this user
            campaign.step_ids._check_server_action_privileges(self.env.user)
        campaign.step_ids.filtered(lambda s: s.action_type == "email")._ensure_mailing()
        # sudo: participants and traces are the engine's; the user's right to
        # run the campaign on this record was checked above
        Participant = self.env["crm.drip.participant"].sudo()
        participant = Participant.create(
            {
                "campaign_id": campaign.id,
                "company_id": campaign.company_id.id,
                "model_name": record._name,
                "res_id": record.id,
                "email_normalized": record.email_normalized or False,
                "is_test": True,
            }
        )
        now = fields.Datetime.now()
        # sudo: see above
        self.env["crm.drip.trace"].sudo().create(
            [
                {
                    "participant_id": participant.id,
                    "step_id": step.id,
                    "campaign_id": campaign.id,
                    "schedule_date": now + step._delay(),
                }
                for step in campaign.step_ids.filtered(lambda s: not s.parent_id)
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.drip.participant",
            "res_id": participant.id,
            "view_mode": "form",
            "target": "current",
        }
