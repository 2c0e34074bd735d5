# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The drip campaign: its settings, checks and buttons. Its audience
(``crm_drip_audience.py``), figures (``crm_drip_campaign_statistics.py``) and
sync job (``crm_drip_sync_job.py``) are mixins it inherits."""

from pytz import all_timezones

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engines.send_window import has_send_window
from .crm_drip_privileges import campaign_owner

DRIP_MODELS = ("crm.lead", "res.partner", "mailing.contact")

WEEKDAYS = [
    ("send_monday", 0),
    ("send_tuesday", 1),
    ("send_wednesday", 2),
    ("send_thursday", 3),
    ("send_friday", 4),
    ("send_saturday", 5),
    ("send_sunday", 6),
]


def _tz_selection(self):
    return [(tz, tz) for tz in sorted(all_timezones, key=lambda tz: tz)]


class CrmDripCampaign(models.Model):
    """An automated sequence of steps run for every record of a domain.

    Participants are enrolled by a recurring sync (and when the campaign
    starts); each of them walks the step tree through ``crm.drip.trace``
    records processed by the campaign job.
    """

    _name = "crm.drip.campaign"
    _description = "Drip Campaign"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "crm.drip.campaign.audience",
        "crm.drip.campaign.statistics",
        "crm.drip.sync.job",
    ]
    _order = "id desc"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Activities of the campaign go to the record's salesperson, else "
        "to this user. Its server actions run and its emails are rendered with "
        "this user's rights (the creator's when empty).",
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Target",
        required=True,
        ondelete="cascade",
        domain=[("model", "in", DRIP_MODELS)],
        default=lambda self: self.env["ir.model"]._get("crm.lead"),
        help="Leads, contacts or mailing contacts.",
    )
    model_name = fields.Char(related="model_id.model", store=True, string="Model")
    domain = fields.Char(
        string="Filter",
        default="[]",
        required=True,
        help="Records matching this filter are enrolled; a participant whose "
        "record stops matching leaves the campaign.",
    )
    goal_domain = fields.Char(
        string="Goal",
        help="A participant whose record matches this filter has reached the "
        "goal: it completes the campaign (e.g. the lead is won).",
    )
    holdout_percent = fields.Float(
        string="Holdout (%)",
        help="Share of enrolled records kept apart: they receive nothing, and "
        "their goal rate measures the campaign's lift.",
    )
    allow_reenrollment = fields.Boolean(
        string="Re-enrolment",
        help="A record whose participation ended may enter again once it has "
        "left the filter and matches it again.",
    )
    reaction_days = fields.Integer(
        string="Reaction Window (days)",
        default=30,
        help="How long a reaction step (opened, clicked, replied, bounced) "
        "waits for its event after the email was sent.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("stopped", "Stopped")],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    step_ids = fields.One2many(
        "crm.drip.step", "campaign_id", string="Steps", copy=True
    )
    root_step_ids = fields.One2many(
        "crm.drip.step",
        "campaign_id",
        domain=[("parent_id", "=", False)],
        string="First Steps",
    )
    participant_ids = fields.One2many("crm.drip.participant", "campaign_id")
    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM Campaign",
        copy=False,
        ondelete="restrict",
        help="Tags the links of the campaign's emails (and the leads they bring).",
    )
    last_sync_date = fields.Datetime(readonly=True, copy=False)
    # Send window: emails wait for the next allowed hour in the recipient's
    # time zone (the campaign's when the record has none).
    send_hour_from = fields.Float(
        string="Send From", default=0.0, help="Hour of day, e.g. 9.5 for 9:30."
    )
    send_hour_to = fields.Float(string="Send Until", default=24.0)
    send_monday = fields.Boolean(string="Monday", default=True)
    send_tuesday = fields.Boolean(string="Tuesday", default=True)
    send_wednesday = fields.Boolean(string="Wednesday", default=True)
    send_thursday = fields.Boolean(string="Thursday", default=True)
    send_friday = fields.Boolean(string="Friday", default=True)
    send_saturday = fields.Boolean(string="Saturday", default=True)
    send_sunday = fields.Boolean(string="Sunday", default=True)
    send_tz = fields.Selection(
        _tz_selection,
        string="Time Zone",
        default=lambda self: self.env.user.tz or "UTC",
        help="Used for records without a time zone of their own.",
    )
    frequency_cap_count = fields.Integer(
        related="company_id.crm_drip_cap_count",
        readonly=False,
        help="Most campaign emails one address receives per period, all "
        "campaigns of the company together (0: no cap). An email over the cap "
        "waits until the address is below it again.",
    )
    frequency_cap_days = fields.Integer(
        related="company_id.crm_drip_cap_days", readonly=False
    )
    _sql_constraints = [
        (
            "holdout_range",
            "CHECK(holdout_percent >= 0 AND holdout_percent < 100)",
            "The holdout is a percentage from 0 to 99.",
        ),
        (
            "send_hours",
            "CHECK(send_hour_from >= 0 AND send_hour_to <= 24 "
            "AND send_hour_from < send_hour_to)",
            "The send window's hours must be between 0 and 24, the start before "
            "the end.",
        ),
        (
            "reaction_days_positive",
            "CHECK(reaction_days > 0)",
            "The reaction window must be at least one day.",
        ),
    ]

    @api.constrains("domain", "goal_domain", "model_id")
    def _check_domains(self):
        for campaign in self:
            if campaign.model_name not in DRIP_MODELS:
                raise ValidationError(
                    self.env._(
                        "A drip campaign targets leads, contacts or mailing contacts."
                    )
                )
            campaign._parse_domain(campaign.domain, validate=True)
            campaign._parse_domain(campaign.goal_domain, validate=True)

    @api.constrains("model_id")
    def _check_model_fixed(self):
        for campaign in self:
            if campaign.participant_ids and any(
                p.model_name != campaign.model_name
                for p in campaign.participant_ids[:1]
            ):
                raise ValidationError(
                    self.env._(
                        "The target of a campaign with participants cannot change."
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_startable(self):
        for campaign in self:
            if not campaign.step_ids.filtered(lambda s: not s.parent_id):
                raise UserError(
                    self.env._(
                        "Campaign %(name)s has no first step: add a step "
                        "without a parent before starting it.",
                        name=campaign.name,
                    )
                )
            campaign.step_ids._check_action_settings()

    @api.constrains("user_id", "domain", "company_id", "model_id")
    def _check_server_action_owner(self):
        """Who changes whose rights a campaign's server actions use, or the
        records they run on, must be able to run them too."""
        if self.env.su:
            return
        self.step_ids._check_server_action_privileges(self.env.user)

    @api.constrains("user_id")
    def _check_owner_is_a_person(self):
        """The superuser bypasses every right: only the system makes it the
        owner of a campaign (its own data)."""
        if self.env.su:
            return
        for campaign in self:
            if campaign.user_id and campaign.user_id._is_superuser():
                raise ValidationError(
                    self.env._(
                        "Choose a person as the responsible of campaign %(name)s: "
                        "its server actions and emails run with the "
                        "responsible's rights.",
                        name=campaign.name,
                    )
                )

    def _owner(self):
        """The user the campaign acts as (server actions, email rendering)."""
        self.ensure_one()
        return campaign_owner(self)

    def action_start(self):
        self.check_access("write")
        self._check_startable()
        if not self.env.su:
            self.step_ids._check_server_action_privileges(self.env.user)
        for campaign in self:
            if not campaign.utm_campaign_id:
                campaign.utm_campaign_id = self.env["utm.campaign"].create(
                    {"name": campaign.name}
                )
        self.write({"state": "running"})
        self.step_ids.filtered(lambda s: s.action_type == "email")._ensure_mailing()
        self._sync_participants()
        return True

    def action_stop(self):
        self.check_access("write")
        self.write({"state": "stopped"})
        return True

    def action_draft(self):
        self.check_access("write")
        self.filtered(lambda c: c.state == "stopped").write({"state": "draft"})
        return True

    def action_sync(self):
        self.check_access("write")
        running = self.filtered(lambda c: c.state == "running")
        if running:
            running._sync_participants()
        return True

    def action_open_test(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Test %(campaign)s", campaign=self.name),
            "res_model": "crm.drip.test",
            "view_mode": "form",
            "target": "new",
            "context": {"default_campaign_id": self.id},
        }

    def _action_view(self, model, name, domain, context=None):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": domain,
            "context": dict(context or {}, create=False),
        }

    def action_view_participants(self):
        self.ensure_one()
        self.check_access("read")
        return self._action_view(
            "crm.drip.participant",
            self.env._("Participants"),
            [("campaign_id", "=", self.id)],
            # the stat button's count: holdout and test participants excluded
            {
                "search_default_filter_not_test": 1,
                "search_default_filter_not_holdout": 1,
            },
        )

    def action_view_traces(self):
        self.ensure_one()
        self.check_access("read")
        return self._action_view(
            "crm.drip.trace",
            self.env._("Traces"),
            [("campaign_id", "=", self.id)],
            # the stat button's count: test runs excluded
            {"search_default_filter_not_test": 1},
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A form that does not show the company (single-company users)
            # computes the company's frequency cap on a record without a
            # company: 0 and 0. Those are not the company's settings; written
            # through, they would break its cap (a 0-day period is invalid).
            if "frequency_cap_days" in vals and not vals["frequency_cap_days"]:
                vals.pop("frequency_cap_days")
                vals.pop("frequency_cap_count", None)
        return super().create(vals_list)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for campaign, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%(name)s (copy)", name=campaign.name)
        return vals_list

    def unlink(self):
        if any(c.state == "running" for c in self):
            raise UserError(self.env._("Stop a running campaign before deleting it."))
        mailings = self.step_ids.mailing_id
        res = super().unlink()
        # sudo: the technical mailings of the steps are hidden from users
        mailings.sudo().unlink()
        return res

    # ------------------------------------------------------------------
    # Send window
    # ------------------------------------------------------------------

    def _send_weekdays(self):
        self.ensure_one()
        return {day for field, day in WEEKDAYS if self[field]}

    def _has_send_window(self):
        self.ensure_one()
        return has_send_window(
            self.send_hour_from, self.send_hour_to, self._send_weekdays()
        )

    @api.constrains(*[field for field, __ in WEEKDAYS])
    def _check_send_weekdays(self):
        for campaign in self:
            if not campaign._send_weekdays():
                raise ValidationError(
                    self.env._(
                        "Choose at least one weekday on which emails may be sent."
                    )
                )
