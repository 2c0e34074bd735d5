# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class CrmSuiteDemo(models.AbstractModel):
    """Demo data only: what XML records cannot say (a past creation date,
    a campaign already running). Private methods, called from demo/*.xml."""

    _name = "crm.suite.demo"
    _description = "CRM Suite Demo Data"

    @api.model
    def _demo_run_campaign(self, campaign_id):
        """Mark a demo campaign running with its history (participants and
        steps of the demo XML) without enrolling or sending anything: each
        email step gets its technical mailing, which the demo's email traces
        then belong to (Email Marketing's statistics of the step)."""
        campaign = self.env["crm.drip.campaign"].browse(campaign_id)
        if not campaign.utm_campaign_id:
            campaign.utm_campaign_id = self.env["utm.campaign"].create(
                {"name": campaign.name}
            )
        campaign.write({"state": "running", "last_sync_date": fields.Datetime.now()})
        campaign.step_ids.filtered(lambda s: s.action_type == "email")._ensure_mailing()
        traces = self.env["mailing.trace"].search(
            [
                ("crm_drip_trace_id.campaign_id", "=", campaign.id),
                ("mass_mailing_id", "=", False),
            ]
        )
        for step, step_traces in traces.grouped(
            lambda t: t.crm_drip_trace_id.step_id
        ).items():
            step_traces.write({"mass_mailing_id": step.mailing_id.id})

    @api.model
    def _demo_backdate_ticket(self, ticket_id, days, message_ids=()):
        """Make a demo ticket ``days`` old: its creation (and what was posted
        then, its acknowledgement) and the clock of its SLA targets start
        then, so their deadlines are those of a real ticket of that age (past
        ones fail). ``message_ids`` (demo XML, dated) are its conversation:
        the first agent's answer is the first response."""
        ticket = self.env["crm.ticket"].browse(ticket_id)
        created = fields.Datetime.now() - timedelta(days=days)
        conversation = self.env["mail.message"].browse(message_ids).sorted("date")
        (ticket.message_ids - conversation).write({"date": created})
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_ticket SET create_date = %s WHERE id = %s",
                created,
                ticket.id,
            )
        )
        ticket.invalidate_recordset(["create_date"])
        running = ticket.sla_status_ids.filtered("segment_start")
        running.write({"segment_start": created})
        running._compute_deadlines()
        agents = conversation.filtered(
            lambda m: m.author_id != ticket.partner_id
            and any(not user.share for user in m.author_id.user_ids)
        )
        customers = conversation - agents
        vals = {}
        if customers:
            vals["last_customer_message_date"] = customers[-1].date
        if agents:
            vals["last_agent_message_date"] = agents[-1].date
            vals["first_response_date"] = agents[0].date
        ticket.write(vals)
        if agents:
            ticket._compute_work_hours("first_response_date", "first_response_hours")
            self.env["crm.ticket.sla.status"]._sla_mark_reached(
                ticket, "response", agents[0].date
            )
