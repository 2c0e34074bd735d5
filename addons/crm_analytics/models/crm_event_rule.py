# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.crm_suite.tools import auto_commit

_logger = logging.getLogger(__name__)
METRICS = [
    ("revenue_12m", "Revenue of the last 12 months"),
    ("overdue_amount", "Overdue amount"),
    ("days_since_last_invoice", "Days since the last invoice"),
    ("ticket_closed", "Tickets closed in the last 30 days"),
    ("rating_given", "Latest ticket rating (1-5)"),
]
ACTION_TYPES = [
    ("set_tier", "Set the tier"),
    ("add_tag", "Add a tag"),
    ("activity", "Schedule an activity"),
    ("email", "Send an email"),
    ("drip", "Enrol in a drip campaign"),
    ("ticket_priority", "Raise the priority of open tickets"),
]
# first key of the two-key advisory lock of one company's evaluation
EVENT_LOCK_KEY = 1_401_018


class CrmEventRule(models.Model):
    """When a customer's metric crosses a threshold, act once: set a tier, tag
    it, schedule an activity, send an email (a feedback request), enrol it in a
    drip campaign or raise its open tickets' priority. It fires again only
    after the customer has left the condition and re-entered it."""

    _name = "crm.event.rule"
    _description = "Customer Event Rule"
    _inherit = ["mail.thread", "crm.event.rule.engine"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    metric = fields.Selection(METRICS, required=True, tracking=True)
    operator = fields.Selection(
        [(">=", "at least"), ("<=", "at most")],
        required=True,
        default=">=",
        tracking=True,
    )
    threshold = fields.Float(required=True, tracking=True)
    action_type = fields.Selection(
        ACTION_TYPES, "Action", required=True, default="add_tag", tracking=True
    )
    tier_id = fields.Many2one(
        "crm.customer.tier",
        "Tier",
        check_company=True,
        help="Set tier: the customers inside the condition are at least in this "
        "tier. Raise ticket priority: the customers of this tier only.",
    )
    tag_id = fields.Many2one("res.partner.category", "Tag")
    activity_type_id = fields.Many2one("mail.activity.type", "Activity Type")
    activity_summary = fields.Char(translate=True)
    activity_days = fields.Integer("Activity Due In (days)", default=3)
    mail_template_id = fields.Many2one(
        "mail.template",
        "Email Template",
        domain="[('model', '=', 'res.partner')]",
    )
    drip_campaign_id = fields.Many2one(
        "crm.drip.campaign",
        "Drip Campaign",
        domain="[('model_name', '=', 'res.partner'), ('company_id', '=', company_id)]",
    )
    ticket_priority = fields.Selection(
        [("1", "Medium"), ("2", "High"), ("3", "Urgent")],
        string="Priority",
        default="2",
        help="Open tickets of the customer below this priority are raised to it.",
    )
    member_count = fields.Integer(
        "Customers Inside", compute="_compute_counts", help="As of the last evaluation."
    )
    firing_count = fields.Integer("Firings", compute="_compute_counts")
    last_evaluation = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "activity_days_positive",
            "CHECK(activity_days >= 0)",
            "The due delay of an activity cannot be negative.",
        ),
    ]

    @api.constrains(
        "action_type",
        "tier_id",
        "tag_id",
        "activity_type_id",
        "mail_template_id",
        "drip_campaign_id",
        "metric",
        "threshold",
    )
    def _check_action(self):
        required = {
            "set_tier": "tier_id",
            "add_tag": "tag_id",
            "activity": "activity_type_id",
            "email": "mail_template_id",
            "drip": "drip_campaign_id",
        }
        for rule in self:
            fname = required.get(rule.action_type)
            if fname and not rule[fname]:
                raise ValidationError(
                    self.env._(
                        "The rule %(rule)s needs a %(field)s for its action.",
                        rule=rule.name,
                        field=rule._fields[fname]._description_string(self.env),
                    )
                )
            campaign = rule.drip_campaign_id
            if campaign and (
                campaign.model_name != "res.partner"
                or campaign.company_id != rule.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "The drip campaign of the rule %(rule)s must target contacts "
                        "in the rule's company.",
                        rule=rule.name,
                    )
                )
            if rule.metric == "rating_given" and not 0 <= rule.threshold <= 5:
                raise ValidationError(
                    self.env._("A rating threshold is between 1 and 5.")
                )

    def _compute_counts(self):
        # sudo: the rules' own state (managers only); counted for the rules
        # the reader may read
        Member = self.env["crm.event.rule.member"].sudo()
        Firing = self.env["crm.event.rule.firing"]
        members = dict(
            Member._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["__count"])
        )
        firings = dict(
            Firing._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["__count"])
        )
        for rule in self:
            rule.member_count = members.get(rule, 0)
            rule.firing_count = firings.get(rule, 0)

    def write(self, vals):
        res = super().write(vals)
        if {"metric", "operator", "threshold", "company_id"} & set(vals):
            # a new condition: whoever is inside it now is a new crossing
            # sudo: the rule's own state, not readable to its editors
            self.env["crm.event.rule.member"].sudo().search(
                [("rule_id", "in", self.ids)]
            ).unlink()
        return res

    def action_evaluate(self):
        """Evaluate the rules' companies now (every rule of those companies,
        and their customers' tiers)."""
        self.check_access("write")
        # sudo: the rules act for every customer of their company
        companies = self.sudo().company_id
        for company in companies:
            self.env["crm.event.rule"].sudo()._evaluate_company(company)
        return True

    def action_view_firings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Firings"),
            "res_model": "crm.event.rule.firing",
            "view_mode": "list,pivot,graph",
            "domain": [("rule_id", "=", self.id)],
        }

    @api.model
    def _cron_evaluate(self):
        """Daily and on the metrics' events: each company in turn, one
        transaction each (committed outside tests); a company another worker is
        evaluating is left to it (its advisory lock is taken)."""
        # sudo: a scheduled job, for every company
        Rule = self.sudo()
        for company in self.env["res.company"].sudo().search([], order="id"):
            self.env.cr.execute(
                SQL(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)",
                    EVENT_LOCK_KEY,
                    company.id,
                )
            )
            if not self.env.cr.fetchone()[0]:
                _logger.info("Event rules of %s: another worker has them", company.name)
                continue
            Rule._evaluate_company(company)
            if auto_commit(self.env):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True
