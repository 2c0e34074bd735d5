# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from odoo.addons.crm_suite.models.crm_suite_domain import (
    DomainError,
    eval_domain,
    validate_domain,
)
from odoo.addons.crm_suite.tools import auto_commit, trigger_cron

from ..engines.rfm import RFM_GROUPS
from .crm_customer_profitability_export import SEGMENT_XLSX_ROUTE
from .res_partner_segment import DEMOGRAPHIC_FIELDS

_logger = logging.getLogger(__name__)
CRON_BATCH = 20


class CrmSegment(models.Model):
    """Customers (commercial entities) of one company chosen by a rule (a
    filter on contacts: their fields, demographic data, grade, RFM, tier) or by
    their RFM groups; members are refreshed by a daily job and on demand, and
    can feed a mailing list and a drip campaign."""

    _name = "crm.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread", "crm.segment.sync", "crm.customer.profitability.export"]
    _order = "sequence, name, id"
    _crm_xlsx_route = SEGMENT_XLSX_ROUTE

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    segment_type = fields.Selection(
        [("rule", "Rule"), ("rfm", "RFM")],
        "Type",
        required=True,
        default="rule",
        tracking=True,
    )
    domain = fields.Char(
        "Filter",
        default="[]",
        tracking=True,
        help="Contacts matching this filter (rule segments); their commercial "
        "entities are the members. A condition on a demographic field holds only "
        "for contacts where it is filled.",
    )
    rfm_groups = fields.Char(
        "RFM Groups",
        tracking=True,
        help="Comma-separated groups (RFM segments): champions, loyal, potential, "
        "new, at_risk, hibernating, lost.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "crm_segment_partner_rel",
        "segment_id",
        "partner_id",
        "Members",
        readonly=True,
        copy=False,
    )
    member_count = fields.Integer("Members Count", readonly=True, copy=False)
    mailing_list_id = fields.Many2one(
        "mailing.list",
        "Mailing List",
        help="Refreshing the segment makes its members with an email address "
        "exactly the contacts of this list.",
    )
    drip_campaign_id = fields.Many2one(
        "crm.drip.campaign",
        "Drip Campaign",
        domain="[('model_name', '=', 'res.partner'), ('company_id', '=', company_id)]",
        help="A running campaign on contacts: refreshing enrols the new members.",
    )
    last_refresh = fields.Datetime("Last Refreshed", readonly=True, copy=False)

    @api.constrains("segment_type", "domain", "rfm_groups")
    def _check_definition(self):
        for segment in self:
            if segment.segment_type == "rfm":
                segment._get_rfm_groups()
            else:
                try:
                    # as the writer: unknown fields, fields they may not read
                    # (demographic data without the group) are refused
                    validate_domain(self.env, segment.domain or "[]", "res.partner")
                except DomainError as error:
                    raise ValidationError(
                        self.env._(
                            "The filter of the segment %(segment)s is not valid: "
                            "%(error)s",
                            segment=segment.name,
                            error=error,
                        )
                    ) from None

    @api.constrains("drip_campaign_id", "company_id")
    def _check_drip_campaign(self):
        for segment in self.filtered("drip_campaign_id"):
            campaign = segment.drip_campaign_id
            if (
                campaign.model_name != "res.partner"
                or campaign.company_id != segment.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "The drip campaign of the segment %(segment)s must target "
                        "contacts in the segment's company.",
                        segment=segment.name,
                    )
                )

    def _get_rfm_groups(self):
        self.ensure_one()
        keys = [k.strip() for k in (self.rfm_groups or "").split(",") if k.strip()]
        unknown = [k for k in keys if k not in RFM_GROUPS]
        if not keys or unknown:
            raise ValidationError(
                self.env._(
                    "The RFM groups of the segment %(segment)s must be one or more "
                    "of %(groups)s, separated by commas.",
                    segment=self.name,
                    groups=", ".join(RFM_GROUPS),
                )
            )
        return keys

    def _partner_domain(self):
        """The members' filter on res.partner: the rule (each demographic field
        it names must be filled) or the RFM groups, in the segment's company."""
        self.ensure_one()
        if self.segment_type == "rfm":
            domain = [("rfm_group", "in", self._get_rfm_groups())]
        else:
            domain = eval_domain(self.env, self.domain or "[]")
            used = {
                str(leaf[0]).split(".")[0]
                for leaf in domain
                if expression.is_leaf(leaf)
                and leaf not in (expression.TRUE_LEAF, expression.FALSE_LEAF)
            }
            filled = [(f, "!=", False) for f in DEMOGRAPHIC_FIELDS if f in used]
            domain = expression.AND([domain, *[[leaf] for leaf in filled]])
        return expression.AND(
            [domain, [("company_id", "in", [False, self.company_id.id])]]
        )

    def action_refresh(self):
        """Recompute the members now (an RFM segment first recomputes its
        company's RFM), sync the mailing list and enrol the drip campaign."""
        self.check_access("write")
        # sudo: members, mailing list and campaign are written for the caller
        # (checked above: they may manage these segments); the members are
        # still searched with the caller's own rights (see _refresh)
        self.sudo()._refresh(acting_user=self.env.user)
        return True

    def _refresh(self, rfm_done=None, acting_user=None):
        """Members, count, mailing list and drip campaign of each segment;
        ``rfm_done``: the companies whose RFM this run already computed.

        The filter is run with the rights of ``acting_user`` (the user who
        refreshes; the daily job acts for the segment's author), never as
        superuser: a condition through a relation (``opportunity_ids``,
        ``message_ids``...) must not reveal records that user cannot read."""
        rfm_done = set() if rfm_done is None else rfm_done
        Partner = self.env["res.partner"].with_context(active_test=True)
        now = fields.Datetime.now()
        for segment in self:
            company = segment.company_id
            if segment.segment_type == "rfm" and company.id not in rfm_done:
                self.env["crm.segment.rfm"]._rfm_compute(company)
                rfm_done.add(company.id)
            try:
                domain = segment._partner_domain()
                user = acting_user or segment.create_uid
                matched = Partner.browse(
                    Partner.with_user(user)
                    .with_company(company)
                    .with_context(allowed_company_ids=[company.id])
                    .search(domain)
                    .ids
                )
            except (DomainError, ValueError, AccessError) as error:
                raise UserError(
                    self.env._(
                        "The segment %(segment)s cannot be refreshed: %(error)s",
                        segment=segment.name,
                        error=error,
                    )
                ) from None
            members = matched.commercial_partner_id
            segment.write(
                {
                    "partner_ids": [fields.Command.set(members.ids)],
                    "member_count": len(members),
                    "last_refresh": now,
                }
            )
            segment._sync_mailing_list(members)
            segment._sync_drip_campaign(members)
        return True

    @api.model
    def _cron_refresh(self):
        """Daily: the segments not refreshed today, a batch at a time, each
        batch locked (``FOR UPDATE SKIP LOCKED``: a second worker takes the
        next ones) and committed; the job wakes itself up for the rest."""
        today_start = fields.Datetime.to_datetime(fields.Date.today())
        rfm_done = set()
        # sudo: a scheduled job, for every company
        Segment = self.sudo()
        while True:
            self.env["crm.segment"].flush_model(["active", "last_refresh"])
            self.env.cr.execute(
                """
                SELECT id FROM crm_segment
                 WHERE active AND (last_refresh IS NULL OR last_refresh < %s)
              ORDER BY last_refresh NULLS FIRST, id
                 LIMIT %s FOR UPDATE SKIP LOCKED
                """,
                (today_start, CRON_BATCH),
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return True
            for segment in Segment.browse(ids):
                try:
                    with self.env.cr.savepoint():
                        segment._refresh(rfm_done)
                except (UserError, ValidationError) as error:
                    # a broken filter must not stop the others: logged, retried
                    # tomorrow
                    _logger.warning("Segment %s not refreshed: %s", segment.id, error)
                    segment.last_refresh = fields.Datetime.now()
            if not auto_commit(self.env):
                continue
            self.env.cr.commit()  # pylint: disable=invalid-commit
            if len(ids) == CRON_BATCH:
                trigger_cron(self.env, "crm_analytics.ir_cron_crm_segment_refresh")
                return True
