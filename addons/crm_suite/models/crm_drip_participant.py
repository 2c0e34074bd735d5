# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .crm_drip_sql import contact_opted_out_sql

EXIT_REASONS = [
    ("goal", "Reached the goal"),
    ("last_step", "Ran its last step"),
    ("left_domain", "Left the filter"),
    ("unsubscribed", "Unsubscribed"),
    ("blocklisted", "Blocklisted"),
    ("bounced", "Bounced"),
    ("manual", "Removed by hand"),
]


class CrmDripParticipant(models.Model):
    """One record's walk through a campaign."""

    _name = "crm.drip.participant"
    _inherit = ["crm.drip.engine.mixin"]
    _description = "Drip Campaign Participant"
    _order = "id desc"
    _rec_name = "record_name"
    # set by the enrolment only (see crm.drip.engine.mixin)
    _engine_fields = (
        "campaign_id",
        "company_id",
        "model_name",
        "res_id",
        "lead_id",
        "email_normalized",
        "is_test",
    )

    campaign_id = fields.Many2one(
        "crm.drip.campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    model_name = fields.Char(required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="model_name", required=True, index=True
    )
    record_name = fields.Char(string="Record", compute="_compute_record_name")
    # The lead, for campaigns on leads: record rules show salespeople the
    # participants of the leads they may read (set by the enrolment's SQL).
    lead_id = fields.Many2one(
        "crm.lead",
        compute="_compute_lead_id",
        store=True,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    email_normalized = fields.Char(string="Email", index=True, readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("completed", "Completed"), ("stopped", "Stopped")],
        default="running",
        required=True,
        index=True,
    )
    exit_reason = fields.Selection(EXIT_REASONS, readonly=True)
    exit_date = fields.Datetime(readonly=True)
    enrol_date = fields.Datetime(
        string="Enrolled On", default=fields.Datetime.now, readonly=True
    )
    is_holdout = fields.Boolean(
        string="Holdout",
        default=False,
        readonly=True,
        help="Kept apart to measure the campaign's lift: receives nothing.",
    )
    # explicit defaults: the job's SQL tests these with NOT, which a NULL fails
    is_test = fields.Boolean(string="Test", default=False, readonly=True)
    reached_goal = fields.Boolean(default=False, readonly=True)
    can_reenroll = fields.Boolean(
        default=False,
        readonly=True,
        help="The record left the filter after this participation ended: it "
        "enters again when it matches anew (campaigns with re-enrolment).",
    )
    trace_ids = fields.One2many("crm.drip.trace", "participant_id", string="Steps")

    def init(self):
        # one running participation per record and per address and campaign
        # (test participants aside); enrolment relies on these to be
        # idempotent under two workers
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS crm_drip_participant_running_uniq
                ON crm_drip_participant (campaign_id, res_id)
             WHERE state = 'running' AND NOT is_test;
            CREATE UNIQUE INDEX IF NOT EXISTS crm_drip_participant_email_uniq
                ON crm_drip_participant (campaign_id, email_normalized)
             WHERE state = 'running' AND NOT is_test
               AND email_normalized IS NOT NULL;
            """
        )

    @api.depends("model_name", "res_id")
    @api.depends_context("uid")
    def _compute_record_name(self):
        """The enrolled record's name as the reader sees it (also when read
        through a superuser's field, a trace's or a many2one's display
        name): a record they may not read shows its id only."""
        ids_by_model = defaultdict(set)
        for participant in self:
            if participant.model_name in self.env and participant.res_id:
                ids_by_model[participant.model_name].add(participant.res_id)
        names, existing = {}, set()
        for model, ids in ids_by_model.items():
            records = self.env[model].sudo(False).browse(ids).exists()
            existing.update((model, record.id) for record in records)
            for record in records._filtered_access("read"):
                try:
                    names[(model, record.id)] = record.display_name
                except AccessError:
                    continue
        for participant in self:
            key = (participant.model_name, participant.res_id)
            if key in names:
                participant.record_name = names[key]
            elif key in existing:
                participant.record_name = self.env._(
                    "Restricted record #%(id)s", id=participant.res_id
                )
            else:
                participant.record_name = self.env._(
                    "Deleted record #%(id)s", id=participant.res_id
                )

    @api.depends("record_name")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # the record's name depends on who reads it: so does the display name
        for participant in self:
            participant.display_name = participant.record_name

    @api.depends("model_name", "res_id")
    def _compute_lead_id(self):
        leads = self.filtered(lambda p: p.model_name == "crm.lead")
        existing = set(
            self.env["crm.lead"]
            .browse(leads.mapped("res_id"))
            .with_context(active_test=False)
            .exists()
            .ids
        )
        for participant in self:
            participant.lead_id = (
                participant.res_id
                if participant in leads and participant.res_id in existing
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine_create()
        campaigns = self.env["crm.drip.campaign"].browse(
            {vals["campaign_id"] for vals in vals_list if vals.get("campaign_id")}
        )
        company = {campaign.id: campaign.company_id.id for campaign in campaigns}
        for vals in vals_list:
            # always the campaign's company: the record rules follow it
            vals["company_id"] = company.get(vals.get("campaign_id")) or False
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine_write(vals)
        vals = {key: value for key, value in vals.items() if key != "company_id"}
        if "campaign_id" in vals:
            campaign = self.env["crm.drip.campaign"].browse(vals["campaign_id"])
            vals["company_id"] = campaign.company_id.id
        return super().write(vals)

    def _records(self):
        """The enrolled records of one model (missing ones left out)."""
        models_ = set(self.mapped("model_name"))
        if len(models_) > 1:
            raise ValueError("participants of several models")
        if not models_:
            return self.env["res.partner"]
        return self.env[models_.pop()].browse(self.mapped("res_id")).exists()

    def action_open_record(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model_name,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    def action_stop(self):
        self.check_access("write")
        self._finish("stopped", "manual")
        return True

    def _finish(self, state, reason, now=None):
        """End participations and cancel what they still had scheduled."""
        running = self.filtered(lambda p: p.state == "running")
        if not running:
            return
        now = now or fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_participant
                   SET state = %(state)s, exit_reason = %(reason)s,
                       exit_date = %(now)s, write_date = %(now)s,
                       reached_goal = reached_goal OR %(goal)s
                 WHERE id = ANY(%(ids)s) AND state = 'running'
                """,
                state=state,
                reason=reason,
                now=now,
                goal=reason == "goal",
                ids=running.ids,
            )
        )
        self.invalidate_recordset(["state", "exit_reason", "exit_date", "reached_goal"])
        self.env["crm.drip.trace"]._cancel_pending_of_finished(
            running.campaign_id.ids, now, participant_ids=running.ids
        )

    @api.model
    def _stop_emails(self, emails, reason):
        """Stop every running participation of these addresses (blocklist,
        unsubscribe): one statement, whatever the number of campaigns."""
        emails = [email for email in emails if email]
        if not emails:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM crm_drip_participant
                 WHERE email_normalized = ANY(%s) AND state = 'running'
                """,
                emails,
            )
        )
        participants = self.browse([row[0] for row in self.env.cr.fetchall()])
        participants._finish("stopped", reason)

    @api.model
    def _unsubscribed_contacts_sql(self, alias="p"):
        """SQL: the participant (a mailing contact) has opted out of every
        mailing list it was on."""
        return SQL(
            "%(model)s = 'mailing.contact' AND %(opted_out)s",
            model=SQL.identifier(alias, "model_name"),
            opted_out=contact_opted_out_sql(SQL.identifier(alias, "res_id")),
        )

    @api.model
    def _stop_unsubscribed_contacts(self, contact_ids):
        if not contact_ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id FROM crm_drip_participant p
                 WHERE p.res_id = ANY(%s) AND p.state = 'running' AND %s
                """,
                list(contact_ids),
                self._unsubscribed_contacts_sql(),
            )
        )
        participants = self.browse([row[0] for row in self.env.cr.fetchall()])
        participants._finish("stopped", "unsubscribed")
