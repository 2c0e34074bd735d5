# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from .crm_suite_domain import DomainError, eval_domain, validate_domain
from .crm_ticket import TICKET_PRIORITIES

_logger = logging.getLogger(__name__)


class CrmTicketSla(models.Model):
    """A service level: the working hours within which a matching ticket gets
    its first response and its resolution."""

    _name = "crm.ticket.sla"
    _description = "Ticket SLA Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Html(translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    # which tickets
    team_ids = fields.Many2many(
        "crm.ticket.team",
        string="Teams",
        check_company=True,
        help="Tickets of these teams; empty means every team.",
    )
    priority = fields.Selection(
        TICKET_PRIORITIES,
        string="Minimum Priority",
        default="0",
        required=True,
        help="Tickets of this priority or higher.",
    )
    type_ids = fields.Many2many(
        "crm.ticket.type",
        string="Types",
        help="Tickets of one of these types; empty means any type.",
    )
    tag_ids = fields.Many2many(
        "crm.ticket.tag",
        string="Tags",
        help="Tickets with at least one of these tags; empty means any.",
    )
    partner_domain = fields.Char(
        string="Customers",
        default="[]",
        help="A filter on the ticket's customer (e.g. a country, a tag, a "
        "customer tier); empty means every customer.",
    )
    # targets
    response_hours = fields.Float(
        string="First Response (Working Hours)",
        default=0.0,
        help="Working hours to the first public answer of an agent; 0 means no "
        "response target.",
    )
    resolution_hours = fields.Float(
        string="Resolution (Working Hours)",
        default=0.0,
        help="Working hours to a closing stage; 0 means no resolution target.",
    )
    pause_stage_ids = fields.Many2many(
        "crm.ticket.stage",
        string="Pause Stages",
        help="The clock stops while the ticket is in one of these stages (e.g. "
        "waiting on the customer).",
    )
    warning_hours = fields.Float(
        string="Warn Before (Hours)",
        default=1.0,
        help="An activity warns the assignee this long (in real time) before a "
        "deadline.",
    )
    status_ids = fields.One2many("crm.ticket.sla.status", "sla_id")
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    _sql_constraints = [
        (
            "hours_positive",
            "CHECK (response_hours >= 0 AND resolution_hours >= 0 "
            "AND warning_hours >= 0)",
            "SLA hours cannot be negative.",
        )
    ]

    def _compute_ticket_count(self):
        groups = self.env["crm.ticket.sla.status"]._read_group(
            [("sla_id", "in", self.ids)], ["sla_id"], ["ticket_id:count_distinct"]
        )
        counts = {sla.id: count for sla, count in groups}
        for sla in self:
            sla.ticket_count = counts.get(sla.id, 0)

    @api.constrains("response_hours", "resolution_hours")
    def _check_targets(self):
        for sla in self:
            if not sla.response_hours and not sla.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "The SLA policy %(name)s needs a first-response or a "
                        "resolution target.",
                        name=sla.name,
                    )
                )

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for sla in self:
            try:
                # as the user who saves it: fields they may not read are refused
                validate_domain(self.env, sla.partner_domain or "[]", "res.partner")
            except DomainError as error:
                raise ValidationError(
                    self.env._(
                        "The customer filter of the SLA policy %(name)s is not "
                        "valid: %(error)s",
                        name=sla.name,
                        error=error,
                    )
                ) from None

    def _get_partner_domain(self):
        """The customer filter as a domain, a plain literal: it runs no code,
        whoever stored it (raises DomainError on a bad filter)."""
        self.ensure_one()
        return eval_domain(self.env, self.partner_domain or "[]")

    # ------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------

    @api.model
    def _match_tickets(self, tickets):
        """{ticket: policies} for every ticket, with one search of the
        policies and one customer search per policy that filters customers."""
        policies = self.search([("company_id", "in", tickets.company_id.ids)])
        result = {ticket: self.browse() for ticket in tickets}
        if not policies:
            return result
        partner_ids = tickets.partner_id.ids
        partner_match = {}
        for policy in policies:
            try:
                domain = policy._get_partner_domain()
            except DomainError:
                # refused on save; a bad stored filter matches nobody
                _logger.warning("SLA policy %s has an invalid filter", policy.id)
                domain = expression.FALSE_DOMAIN
            if domain:
                # In the policy's company only (its customers and shared
                # contacts), whoever triggers the matching.
                Partner = self.env["res.partner"].with_context(
                    active_test=False, allowed_company_ids=policy.company_id.ids
                )
                partner_match[policy] = set(
                    Partner.search(
                        expression.AND(
                            [
                                domain,
                                [
                                    ("id", "in", partner_ids),
                                    ("company_id", "in", [False, policy.company_id.id]),
                                ],
                            ]
                        )
                    ).ids
                )
        for ticket in tickets:
            for policy in policies:
                if policy.company_id != ticket.company_id:
                    continue
                if policy.team_ids and ticket.team_id not in policy.team_ids:
                    continue
                if ticket.priority < policy.priority:
                    continue
                if policy.type_ids and ticket.type_id not in policy.type_ids:
                    continue
                if policy.tag_ids and not (policy.tag_ids & ticket.tag_ids):
                    continue
                if (
                    policy in partner_match
                    and ticket.partner_id.id not in partner_match[policy]
                ):
                    continue
                result[ticket] |= policy
        return result

    def action_view_tickets(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_suite.crm_ticket_action"
        )
        action["domain"] = [("sla_status_ids.sla_id", "=", self.id)]
        action["context"] = {}
        return action
