# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from pytz import all_timezones

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import auto_commit
from .crm_drip_privileges import campaign_owner
from .crm_suite_domain import (
    DomainError,
    domain_eval_context,
    eval_domain,
    validate_domain,
)

_logger = logging.getLogger(__name__)

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
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
    # statistics
    participant_count = fields.Integer(compute="_compute_statistics")
    running_count = fields.Integer(compute="_compute_statistics")
    completed_count = fields.Integer(compute="_compute_statistics")
    stopped_count = fields.Integer(compute="_compute_statistics")
    holdout_count = fields.Integer(compute="_compute_statistics")
    goal_rate = fields.Float(
        compute="_compute_statistics",
        string="Goal Rate (%)",
        help="Participants (holdout excluded) who reached the goal.",
    )
    holdout_goal_rate = fields.Float(
        compute="_compute_statistics", string="Holdout Goal Rate (%)"
    )
    lift = fields.Float(
        compute="_compute_statistics",
        string="Lift (%)",
        help="How much more often participants reached the goal than the "
        "holdout group: (goal rate - holdout goal rate) / holdout goal rate.",
    )
    trace_count = fields.Integer(compute="_compute_statistics")

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

    # ------------------------------------------------------------------
    # Domains
    # ------------------------------------------------------------------

    @api.model
    def _domain_eval_context(self):
        """Plain values only (no record, no environment): see crm_suite_domain."""
        return domain_eval_context(self.env)

    def _parse_domain(self, domain_text, model_name=None, validate=False):
        """The domain as a list, a plain literal (it runs no code, whoever
        stored it); with ``validate``, also checked against the target model
        with the rights of the current user (on save).

        :raise ValidationError: when the text is no valid domain there
        """
        model_name = model_name or self.model_name
        try:
            if validate:
                return validate_domain(self.env, domain_text, model_name)
            return eval_domain(self.env, domain_text)
        except DomainError as error:
            raise ValidationError(
                _(
                    "The filter %(domain)s is not valid on %(model)s: %(error)s",
                    domain=domain_text,
                    model=self.env["ir.model"]._get(model_name).name,
                    error=error,
                )
            ) from None

    @api.constrains("domain", "goal_domain", "model_id")
    def _check_domains(self):
        for campaign in self:
            if campaign.model_name not in DRIP_MODELS:
                raise ValidationError(
                    _("A drip campaign targets leads, contacts or mailing contacts.")
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
                    _("The target of a campaign with participants cannot change.")
                )

    def _audience_company_domain(self):
        """Records of the campaign's company (and shared ones) only."""
        self.ensure_one()
        if "company_id" not in self.env[self.model_name]._fields:
            return []
        return [("company_id", "in", [False, self.company_id.id])]

    def _audience_model(self):
        """The target model with the rights of the campaign's responsible (or
        its creator), in the campaign's company only: the job runs as
        superuser, the audience is what that person may see.

        :raise UserError: when that person may not read the target there
        """
        self.ensure_one()
        owner = self.user_id or self.create_uid
        # sudo: the companies of the owner, which a manager may not read
        if not owner or self.company_id not in owner.sudo().company_ids:
            raise UserError(
                _(
                    "The responsible of the campaign %(campaign)s must belong "
                    "to its company %(company)s.",
                    campaign=self.name,
                    company=self.company_id.name,
                )
            )
        Model = (
            self.env[self.model_name]
            .with_user(owner)
            .with_context(allowed_company_ids=self.company_id.ids, active_test=True)
        )
        if not Model.has_access("read"):
            raise UserError(
                _(
                    "The responsible of the campaign %(campaign)s may not read "
                    "its target records: choose another responsible.",
                    campaign=self.name,
                )
            )
        return Model

    def _audience_search(self, domain, ids=None):
        """Ids of the target records among ``ids`` matching ``domain``, as
        the campaign's responsible, in its company."""
        self.ensure_one()
        domain = expression.AND([domain, self._audience_company_domain()])
        if ids is not None:
            domain = expression.AND([[("id", "in", list(ids))], domain])
        return self._audience_model().search(domain).ids

    def _records_query(self, domain):
        """SQL selecting the ids of the target records matching ``domain``,
        as the campaign's responsible and in the campaign's company (see
        _audience_model)."""
        Model = self._audience_model()
        return Model._search(
            expression.AND([domain, self._audience_company_domain()])
        ).subselect()

    # ------------------------------------------------------------------
    # Statistics
    # ------------------------------------------------------------------

    def _compute_statistics(self):
        stats = {
            campaign.id: dict.fromkeys(
                (
                    "participant_count",
                    "running_count",
                    "completed_count",
                    "stopped_count",
                    "holdout_count",
                    "goal",
                    "goal_holdout",
                    "trace_count",
                ),
                0,
            )
            for campaign in self
        }
        if self.ids:
            self.env["crm.drip.participant"].flush_model()
            self.env["crm.drip.trace"].flush_model(["participant_id"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.campaign_id,
                           count(*) FILTER (WHERE NOT p.is_holdout),
                           count(*) FILTER (WHERE p.state = 'running'),
                           count(*) FILTER (WHERE p.state = 'completed'),
                           count(*) FILTER (WHERE p.state = 'stopped'),
                           count(*) FILTER (WHERE p.is_holdout),
                           count(*) FILTER (WHERE p.reached_goal AND NOT p.is_holdout),
                           count(*) FILTER (WHERE p.reached_goal AND p.is_holdout),
                           (SELECT count(*) FROM crm_drip_trace t
                              JOIN crm_drip_participant tp ON tp.id = t.participant_id
                             WHERE tp.campaign_id = p.campaign_id AND NOT tp.is_test)
                      FROM crm_drip_participant p
                     WHERE p.campaign_id = ANY(%s) AND NOT p.is_test
                     GROUP BY p.campaign_id
                    """,
                    self.ids,
                )
            )
            for row in self.env.cr.fetchall():
                stats[row[0]].update(
                    participant_count=row[1],
                    running_count=row[2],
                    completed_count=row[3],
                    stopped_count=row[4],
                    holdout_count=row[5],
                    goal=row[6],
                    goal_holdout=row[7],
                    trace_count=row[8],
                )
        for campaign in self:
            values = stats.get(campaign.id) or stats[campaign._origin.id]
            campaign.participant_count = values["participant_count"]
            campaign.running_count = values["running_count"]
            campaign.completed_count = values["completed_count"]
            campaign.stopped_count = values["stopped_count"]
            campaign.holdout_count = values["holdout_count"]
            campaign.trace_count = values["trace_count"]
            rate = (
                100.0 * values["goal"] / values["participant_count"]
                if values["participant_count"]
                else 0.0
            )
            holdout_rate = (
                100.0 * values["goal_holdout"] / values["holdout_count"]
                if values["holdout_count"]
                else 0.0
            )
            campaign.goal_rate = rate
            campaign.holdout_goal_rate = holdout_rate
            campaign.lift = (
                100.0 * (rate - holdout_rate) / holdout_rate if holdout_rate else 0.0
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_startable(self):
        for campaign in self:
            if not campaign.step_ids.filtered(lambda s: not s.parent_id):
                raise UserError(
                    _(
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
                    _(
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
            "name": _("Test %(campaign)s", campaign=self.name),
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
            _("Participants"),
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
            _("Traces"),
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
                vals["name"] = _("%(name)s (copy)", name=campaign.name)
        return vals_list

    def unlink(self):
        if any(c.state == "running" for c in self):
            raise UserError(_("Stop a running campaign before deleting it."))
        mailings = self.step_ids.mailing_id
        res = super().unlink()
        # sudo: the technical mailings of the steps are hidden from users
        mailings.sudo().unlink()
        return res

    # ------------------------------------------------------------------
    # Enrolment and exits (set-based: one statement per campaign each)
    # ------------------------------------------------------------------

    @api.model
    def _cron_sync_participants(self):
        campaigns = self.search([("state", "=", "running")])
        for index, campaign in enumerate(campaigns, start=1):
            try:
                with self.env.cr.savepoint():
                    campaign._sync_participants()
            except UserError as error:
                # its responsible may not act for it: the others still sync
                _logger.warning("Drip campaign %s not synced: %s", campaign.id, error)
            if auto_commit(self.env):
                # one campaign at a time: a long sync keeps what it did
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env["ir.cron"]._notify_progress(
                done=index, remaining=len(campaigns) - index
            )
        self.env["crm.drip.trace"]._expire_dormant()

    def _sync_participants(self):
        """Exit, complete and enrol participants of running campaigns.

        Every statement is set-based; running it twice (or in two workers at
        once) enrols nobody twice: a unique index guards a running
        participant per record.
        """
        now = fields.Datetime.now()
        self.env.flush_all()
        created = self.env["crm.drip.participant"]
        for campaign in self.filtered(lambda c: c.state == "running"):
            # serialize syncs of one campaign (two workers at once)
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM crm_drip_campaign WHERE id = %s FOR NO KEY UPDATE",
                    campaign.id,
                )
            )
            campaign._sync_exits(now)
            created |= campaign._sync_enrol(now)
            campaign.last_sync_date = now
        self.env["crm.drip.participant"].invalidate_model()
        self.env["crm.drip.trace"].invalidate_model()
        if created:
            self.env["crm.drip.trace"]._trigger_process(now)
        return created

    def _sync_exits(self, now):
        """Stop participants that left the filter or are blocklisted, complete
        those that reached the goal; their pending steps are canceled."""
        self.ensure_one()
        cr = self.env.cr
        domain = self._parse_domain(self.domain)
        goal = self._parse_domain(self.goal_domain) if self.goal_domain else None
        if goal is not None:
            cr.execute(
                SQL(
                    """
                    UPDATE crm_drip_participant p
                       SET state = 'completed', reached_goal = TRUE,
                           exit_date = %(now)s, exit_reason = 'goal',
                           write_date = %(now)s
                     WHERE p.campaign_id = %(campaign)s AND p.state = 'running'
                       AND p.res_id IN %(goal)s
                    """,
                    now=now,
                    campaign=self.id,
                    goal=self._records_query(goal),
                )
            )
        cr.execute(
            SQL(
                """
                UPDATE crm_drip_participant p
                   SET state = 'stopped', exit_date = %(now)s,
                       exit_reason = CASE
                           WHEN bl.id IS NOT NULL THEN 'blocklisted'
                           ELSE 'left_domain' END,
                       write_date = %(now)s
                  FROM crm_drip_participant p2
                  LEFT JOIN mail_blacklist bl
                    ON bl.email = p2.email_normalized AND bl.active
                 WHERE p2.id = p.id AND p.campaign_id = %(campaign)s
                   AND p.state = 'running' AND NOT p.is_test
                   AND (bl.id IS NOT NULL OR p.res_id NOT IN %(records)s)
                """,
                now=now,
                campaign=self.id,
                records=self._records_query(domain),
            )
        )
        if self.model_name == "mailing.contact":
            # opted out of every mailing list: unsubscribed
            cr.execute(
                SQL(
                    """
                    UPDATE crm_drip_participant p
                       SET state = 'stopped', exit_date = %(now)s,
                           exit_reason = 'unsubscribed', write_date = %(now)s
                     WHERE p.campaign_id = %(campaign)s AND p.state = 'running'
                       AND NOT p.is_test AND %(unsubscribed)s
                    """,
                    now=now,
                    campaign=self.id,
                    unsubscribed=self.env[
                        "crm.drip.participant"
                    ]._unsubscribed_contacts_sql(),
                )
            )
        if self.allow_reenrollment:
            # a finished participant whose record no longer matches may
            # enter again when it matches anew
            cr.execute(
                SQL(
                    """
                    UPDATE crm_drip_participant p SET can_reenroll = TRUE
                     WHERE p.campaign_id = %(campaign)s AND p.state != 'running'
                       AND NOT p.can_reenroll AND NOT p.is_test
                       AND p.res_id NOT IN %(records)s
                    """,
                    campaign=self.id,
                    records=self._records_query(domain),
                )
            )
        self.env["crm.drip.trace"]._cancel_pending_of_finished(self.ids, now)

    def _sync_enrol(self, now):
        """Enrol matching records (dedup on email) and schedule their first
        steps. Returns the new participants."""
        self.ensure_one()
        cr = self.env.cr
        domain = self._parse_domain(self.domain)
        if self.goal_domain:
            # a record that already reached the goal does not enter
            domain = expression.AND(
                [domain, ["!"] + self._parse_domain(self.goal_domain)]
            )
        table = self.env[self.model_name]._table
        cr.execute(
            SQL(
                """
                INSERT INTO crm_drip_participant (
                    campaign_id, model_name, res_id, email_normalized, state,
                    is_holdout, is_test, reached_goal, can_reenroll, enrol_date,
                    company_id, lead_id, create_uid, create_date, write_uid,
                    write_date)
                SELECT %(campaign)s, %(model)s, r.id, r.email_normalized,
                       'running', random() * 100 < %(holdout)s, FALSE, FALSE,
                       FALSE, %(now)s, %(company)s, %(lead)s, %(uid)s, %(now)s,
                       %(uid)s, %(now)s
                  FROM (
                        SELECT DISTINCT ON (COALESCE(t.email_normalized, t.id::text))
                               t.id, t.email_normalized
                          FROM %(table)s t
                         WHERE t.id IN %(records)s
                         ORDER BY COALESCE(t.email_normalized, t.id::text), t.id
                       ) r
                 WHERE NOT EXISTS (
                        SELECT 1 FROM crm_drip_participant p
                         WHERE p.campaign_id = %(campaign)s AND NOT p.is_test
                           AND (p.res_id = r.id
                                OR p.email_normalized = r.email_normalized)
                           AND (p.state = 'running' OR NOT p.can_reenroll))
                   AND NOT EXISTS (
                        SELECT 1 FROM mail_blacklist bl
                         WHERE bl.email = r.email_normalized AND bl.active)
                   AND %(subscribed)s
                ON CONFLICT DO NOTHING
                RETURNING id
                """,
                campaign=self.id,
                model=self.model_name,
                holdout=self.holdout_percent,
                now=now,
                company=self.company_id.id,
                lead=SQL("r.id") if self.model_name == "crm.lead" else None,
                uid=self.env.uid,
                table=SQL.identifier(table),
                records=self._records_query(domain),
                # a mailing contact that opted out of all its lists stays out
                subscribed=SQL(
                    """
                    NOT (EXISTS (SELECT 1 FROM mailing_subscription ms
                                  WHERE ms.contact_id = r.id)
                         AND NOT EXISTS (SELECT 1 FROM mailing_subscription ms
                                          WHERE ms.contact_id = r.id
                                            AND NOT COALESCE(ms.opt_out, FALSE)))
                    """
                )
                if self.model_name == "mailing.contact"
                else SQL("TRUE"),
            )
        )
        participants = self.env["crm.drip.participant"].browse(
            [row[0] for row in cr.fetchall()]
        )
        if participants:
            # the earlier participations of these records are over for good
            cr.execute(
                SQL(
                    """
                    UPDATE crm_drip_participant old SET can_reenroll = FALSE
                      FROM crm_drip_participant new
                     WHERE new.id = ANY(%(new)s) AND old.id != new.id
                       AND old.campaign_id = new.campaign_id
                       AND old.res_id = new.res_id AND old.can_reenroll
                    """,
                    new=participants.ids,
                )
            )
            self.env["crm.drip.trace"]._schedule_first_steps(
                participants.ids, self.id, now
            )
            _logger.info(
                "Drip campaign %s: %s participants enrolled", self.id, len(participants)
            )
        return participants

    # ------------------------------------------------------------------
    # Send window
    # ------------------------------------------------------------------

    def _send_weekdays(self):
        self.ensure_one()
        return {day for field, day in WEEKDAYS if self[field]}

    def _has_send_window(self):
        self.ensure_one()
        return (
            self.send_hour_from > 0
            or self.send_hour_to < 24
            or len(self._send_weekdays()) < 7
        )

    @api.constrains(*[field for field, __ in WEEKDAYS])
    def _check_send_weekdays(self):
        for campaign in self:
            if not campaign._send_weekdays():
                raise ValidationError(
                    _("Choose at least one weekday on which emails may be sent.")
                )
