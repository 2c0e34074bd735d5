# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A campaign step: a node of the step tree, its trigger (branch semantics in
``engines/drip_branch.py``), its action's settings and checks. Its figures are
in ``crm_drip_step_statistics.py``; the executors of its actions, which run on
the step's traces, in ``crm_drip_step_actions.py`` and ``crm_drip_step_email.py``."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..engines.drip_branch import MAIL_TRIGGERS
from .crm_drip_privileges import campaign_owner, server_action_refusal

TRIGGERS = [
    ("begin", "Beginning of the campaign"),
    ("after_parent", "After the parent step"),
    ("opened", "Opened"),
    ("not_opened", "Not opened"),
    ("clicked", "Clicked"),
    ("not_clicked", "Not clicked"),
    ("replied", "Replied"),
    ("not_replied", "Not replied"),
    ("bounced", "Bounced"),
]
DELAY_UNITS = [
    ("hours", "Hours"),
    ("days", "Days"),
    ("weeks", "Weeks"),
    ("months", "Months"),
]


class CrmDripStep(models.Model):
    """One node of a campaign's step tree."""

    _name = "crm.drip.step"
    _inherit = ["crm.drip.step.statistics"]
    _description = "Drip Campaign Step"
    _order = "campaign_id, parent_path, sequence, id"
    _parent_store = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    campaign_id = fields.Many2one(
        "crm.drip.campaign", required=True, ondelete="cascade", index=True
    )
    model_name = fields.Char(related="campaign_id.model_name")
    parent_id = fields.Many2one(
        "crm.drip.step",
        string="Parent Step",
        ondelete="cascade",
        index=True,
        domain="[('campaign_id', '=', campaign_id), ('id', '!=', id)]",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.drip.step", "parent_id", string="Next Steps")
    parent_action_type = fields.Selection(
        related="parent_id.action_type", string="Parent Action"
    )
    trigger = fields.Selection(
        TRIGGERS,
        required=True,
        default="begin",
        help="When the step runs: at enrolment, after its parent, or on the "
        "recipient's reaction to the parent's email. The branches of one "
        "decision exclude each other: once 'not opened' has run, a late open "
        "does not run 'opened' (and the other way round). A click or a reply "
        "counts as an open.",
    )
    delay_number = fields.Integer(
        string="Delay",
        default=0,
        help="Waiting time before the step runs: after enrolment, after the "
        "parent ran, after the event, or the time the recipient has to react "
        "for 'not ...' triggers.",
    )
    delay_unit = fields.Selection(DELAY_UNITS, default="days", required=True)
    domain = fields.Char(
        string="Filter",
        default="[]",
        help="Only records matching this filter (and the filters of the parent "
        "steps) run the step; the others are rejected and their branch ends.",
    )
    action_type = fields.Selection(
        [
            ("email", "Send an email"),
            ("activity", "Schedule an activity"),
            ("score", "Add score points"),
            ("server_action", "Run a server action"),
            ("split", "A/B split"),
        ],
        required=True,
        default="email",
    )
    split_percent = fields.Float(
        string="Split (%)",
        default=50.0,
        help="Share of the participants that take this arm of the parent split.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        ondelete="restrict",
        domain="[('model', '=', model_name)]",
        help="Rendered for each recipient, in the recipient's language.",
    )
    mailing_id = fields.Many2one(
        "mailing.mailing",
        string="Technical Mailing",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="Carries tracking, unsubscribe links and statistics of the emails.",
    )
    activity_type_id = fields.Many2one("mail.activity.type")
    activity_summary = fields.Char(translate=True)
    activity_note = fields.Html(translate=True)
    activity_days = fields.Integer(string="Due in (days)", default=0)
    activity_user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        help="Empty: the record's salesperson, else the campaign's responsible.",
    )
    score_rule_id = fields.Many2one(
        "crm.score.rule",
        string="Scoring Rule",
        help="The rule the points are booked under (the lead's score shows it "
        "with this step as source).",
    )
    score_points = fields.Float(string="Points", default=10.0)
    server_action_id = fields.Many2one(
        "ir.actions.server",
        string="Server Action",
        domain="[('model_name', '=', model_name)]",
    )
    # statistics (non-test participants)

    _sql_constraints = [
        ("delay_positive", "CHECK(delay_number >= 0)", "A delay cannot be negative."),
        (
            "split_percent_range",
            "CHECK(split_percent >= 0 AND split_percent <= 100)",
            "A split share is a percentage from 0 to 100.",
        ),
    ]

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.constrains("parent_id", "trigger", "campaign_id", "action_type")
    def _check_tree(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A step cannot be its own ancestor."))
        for step in self:
            parent = step.parent_id
            if parent and parent.campaign_id != step.campaign_id:
                raise ValidationError(
                    self.env._("A step and its parent belong to the same campaign.")
                )
            if not parent and step.trigger != "begin":
                raise ValidationError(
                    self.env._(
                        "Step %(step)s has no parent: its trigger must be "
                        "'Beginning of the campaign'.",
                        step=step.name,
                    )
                )
            if parent and step.trigger == "begin":
                raise ValidationError(
                    self.env._(
                        "Step %(step)s follows another step: choose a trigger "
                        "relative to its parent.",
                        step=step.name,
                    )
                )
            if step.trigger in MAIL_TRIGGERS and parent.action_type != "email":
                raise ValidationError(
                    self.env._(
                        "Step %(step)s reacts to an email: its parent must send "
                        "one.",
                        step=step.name,
                    )
                )
            if parent.action_type == "split" and step.trigger != "after_parent":
                raise ValidationError(
                    self.env._(
                        "Step %(step)s is an arm of an A/B split: its trigger "
                        "must be 'After the parent step'.",
                        step=step.name,
                    )
                )

    @api.constrains("domain", "campaign_id")
    def _check_domain(self):
        for step in self:
            step.campaign_id._parse_domain(step.domain, validate=True)

    @api.constrains("mail_template_id", "action_type", "campaign_id")
    def _check_template_model(self):
        for step in self:
            template = step.mail_template_id
            if template and template.model != step.campaign_id.model_name:
                raise ValidationError(
                    self.env._(
                        "The template %(template)s is for %(template_model)s, "
                        "the campaign targets %(model)s.",
                        template=template.name,
                        template_model=template.model_id.name,
                        model=step.campaign_id.model_id.name,
                    )
                )

    @api.constrains("server_action_id", "action_type", "campaign_id")
    def _check_server_action(self):
        """Only who could run a server action may have a step run it, for a
        campaign whose owner may run it too (checked again when it runs)."""
        if self.env.su:
            return
        self._check_server_action_privileges(self.env.user)

    def _check_server_action_privileges(self, user=None):
        """Refuse server actions that ``user`` (and each campaign's owner)
        could not run themselves."""
        for step in self:
            action = step.server_action_id
            # whatever the step's type: a refused action must not wait in the
            # field for a later change of type
            if not action:
                continue
            campaign = step.campaign_id
            owner = campaign_owner(campaign)
            for judged in (user, owner):
                reason = judged and server_action_refusal(
                    action, judged, campaign.model_name
                )
                if reason:
                    raise ValidationError(
                        self.env._(
                            "Step %(step)s cannot run this server action. %(reason)s",
                            step=step.name,
                            reason=reason,
                        )
                    )
            if user and user != owner and not user.has_group("base.group_system"):
                # the step runs with the owner's rights, not the user's
                raise ValidationError(
                    self.env._(
                        "Step %(step)s runs its server action as %(owner)s, the "
                        "campaign's responsible: only they or a Settings "
                        "administrator may set it up or change what it runs on.",
                        step=step.name,
                        owner=owner.name,
                    )
                )

    def _check_action_settings(self):
        """What a step needs to run; checked when its campaign starts."""
        for step in self:
            if step.action_type == "email" and not step.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s sends an email: choose its template.",
                        step=step.name,
                    )
                )
            if step.action_type == "activity" and not step.activity_type_id:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s schedules an activity: choose its type.",
                        step=step.name,
                    )
                )
            if step.action_type == "score" and not step.score_rule_id:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s adds score points: choose the scoring "
                        "rule they count for.",
                        step=step.name,
                    )
                )
            if step.action_type == "server_action" and not step.server_action_id:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s runs a server action: choose it.",
                        step=step.name,
                    )
                )
            if step.action_type == "split":
                if not step.child_ids:
                    raise ValidationError(
                        self.env._(
                            "The A/B split %(step)s has no arms.", step=step.name
                        )
                    )
                total = sum(step.child_ids.mapped("split_percent"))
                if abs(total - 100.0) > 0.01:
                    raise ValidationError(
                        self.env._(
                            "The arms of the A/B split %(step)s share %(total)s%% "
                            "of the participants; they must share 100%%.",
                            step=step.name,
                            total=round(total, 2),
                        )
                    )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _delay(self):
        self.ensure_one()
        return relativedelta(**{self.delay_unit: self.delay_number})

    def _applied_domain(self):
        """The campaign filter and the filters of this step and its ancestors."""
        self.ensure_one()
        campaign = self.campaign_id
        domains = [campaign._parse_domain(campaign.domain)]
        step = self
        while step:
            domains.append(campaign._parse_domain(step.domain))
            step = step.parent_id
        return expression.AND(domains)

    def _mailing_values(self):
        self.ensure_one()
        campaign = self.campaign_id
        template = self.mail_template_id
        return {
            "name": self.env._(
                "%(campaign)s: %(step)s", campaign=campaign.name, step=self.name
            ),
            "subject": template.subject or self.name,
            "body_html": template.body_html or "",
            "mailing_type": "mail",
            "mailing_model_id": campaign.model_id.id,
            "mailing_domain": "[(0, '=', 1)]",
            "campaign_id": campaign.utm_campaign_id.id,
            "state": "done",
            "active": False,
            "kpi_mail_required": False,
            "keep_archives": False,
            "reply_to_mode": "update",
            "crm_drip_step_id": self.id,
            "user_id": campaign.user_id.id,
        }

    def _ensure_mailing(self):
        """The technical mailing of each email step (created on first need)."""
        # sudo: the mailing is technical, hidden from Email Marketing; the
        # campaign's administrators need no Email Marketing rights
        Mailing = self.env["mailing.mailing"].sudo().with_context(active_test=False)
        for step in self.filtered(lambda s: s.action_type == "email"):
            if step.mailing_id:
                if step.mailing_id.campaign_id != step.campaign_id.utm_campaign_id:
                    step.mailing_id.campaign_id = step.campaign_id.utm_campaign_id
                continue
            step.mailing_id = Mailing.create(step._mailing_values())
        return self.mailing_id

    def write(self, vals):
        res = super().write(vals)
        if "mail_template_id" in vals or "name" in vals:
            for step in self.filtered("mailing_id"):
                # sudo: see _ensure_mailing
                step.mailing_id.sudo().write(
                    {
                        "subject": step.mail_template_id.subject or step.name,
                        "name": self.env._(
                            "%(campaign)s: %(step)s",
                            campaign=step.campaign_id.name,
                            step=step.name,
                        ),
                    }
                )
        return res

    def unlink(self):
        mailings = self.mailing_id
        res = super().unlink()
        # sudo: see _ensure_mailing; their traces stay with the drip traces
        mailings.sudo().unlink()
        return res

    def action_view_traces(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "crm.drip.trace",
            "view_mode": "list,form",
            "domain": [("step_id", "=", self.id)],
            # as the step's statistics: test runs excluded
            "context": {"create": False, "search_default_filter_not_test": 1},
        }
