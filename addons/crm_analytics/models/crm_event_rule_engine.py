# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The evaluation of one company's event rules with a constant number of
queries: one grouped statement for the five metrics of every customer, one
read of the rules' members, one delete of the leavers, one insert of the
entrants (``ON CONFLICT DO NOTHING RETURNING``: a crossing fires once even
with two evaluations at once), one batch of firings and of chatter notes, a
set-based step per action, one write of the tiers."""

from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL, format_amount

from ..engines.event_rules import crossings, is_inside
from .crm_profitability_sql import revenue_lines

METRIC_COLUMNS = (
    "revenue_12m",
    "overdue_amount",
    "days_since_last_invoice",
    "ticket_closed",
    "rating_given",
)


class CrmEventRuleEngine(models.AbstractModel):
    _name = "crm.event.rule.engine"
    _description = "Event rules: evaluation"

    @api.model
    def _event_metrics(self, company, today=None):
        """{commercial partner id: {metric: value}} of every customer of
        ``company`` (a posted customer invoice or a ticket there); ``None`` for
        a metric without a value (no invoice yet, no rating)."""
        today = today or fields.Date.context_today(self)
        for model in ("account.move", "account.move.line", "crm.ticket"):
            self.env[model].flush_model()
        self.env["rating.rating"].flush_model()
        date_from = today - relativedelta(months=12)
        self.env.cr.execute(
            SQL(
                """
                WITH moves AS (
                    SELECT move.commercial_partner_id AS partner_id,
                           MAX(move.invoice_date) FILTER (
                               WHERE move.move_type = 'out_invoice') AS last_invoice,
                           COALESCE(SUM(move.amount_residual_signed) FILTER (
                               WHERE move.invoice_date_due < %(today)s), 0) AS overdue
                      FROM account_move move
                     WHERE move.company_id = %(company)s
                       AND move.state = 'posted'
                       AND move.move_type IN ('out_invoice', 'out_refund')
                       AND move.commercial_partner_id IS NOT NULL
                  GROUP BY move.commercial_partner_id
                ), revenue AS (
                    SELECT partner.commercial_partner_id AS partner_id,
                           SUM(-line.balance) AS revenue
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                      JOIN res_partner partner ON partner.id = line.partner_id
                     WHERE %(revenue_lines)s
                  GROUP BY partner.commercial_partner_id
                ), tickets AS (
                    SELECT ticket.commercial_partner_id AS partner_id,
                           COUNT(*) FILTER (
                               WHERE ticket.is_closed
                                 AND ticket.close_date >= %(closed_since)s) AS closed
                      FROM crm_ticket ticket
                     WHERE ticket.company_id = %(company)s
                       AND ticket.commercial_partner_id IS NOT NULL
                  GROUP BY ticket.commercial_partner_id
                ), ratings AS (
                    SELECT DISTINCT ON (ticket.commercial_partner_id)
                           ticket.commercial_partner_id AS partner_id,
                           rating.rating
                      FROM rating_rating rating
                      JOIN crm_ticket ticket
                        ON rating.res_model = 'crm.ticket' AND ticket.id = rating.res_id
                     WHERE ticket.company_id = %(company)s
                       AND ticket.commercial_partner_id IS NOT NULL
                       AND rating.consumed AND rating.rating > 0
                  ORDER BY ticket.commercial_partner_id,
                           rating.write_date DESC, rating.id DESC
                ), customers AS (
                    SELECT partner_id FROM moves
                     UNION
                    SELECT partner_id FROM tickets
                )
                SELECT customers.partner_id,
                       COALESCE(revenue.revenue, 0),
                       COALESCE(moves.overdue, 0),
                       %(today)s::date - moves.last_invoice,
                       COALESCE(tickets.closed, 0),
                       ratings.rating
                  FROM customers
                  JOIN res_partner partner
                    ON partner.id = customers.partner_id AND partner.active
             LEFT JOIN moves ON moves.partner_id = customers.partner_id
             LEFT JOIN revenue ON revenue.partner_id = customers.partner_id
             LEFT JOIN tickets ON tickets.partner_id = customers.partner_id
             LEFT JOIN ratings ON ratings.partner_id = customers.partner_id
                """,
                company=company.id,
                today=today,
                closed_since=fields.Datetime.to_datetime(today) - timedelta(days=30),
                revenue_lines=revenue_lines(company, date_from, today),
            )
        )
        return {
            row[0]: {
                metric: (float(value) if value is not None else None)
                for metric, value in zip(METRIC_COLUMNS, row[1:], strict=True)
            }
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _evaluate_company(self, company):
        """Evaluate every active rule of ``company`` (called as superuser by
        ``action_evaluate`` and the job) and write its customers' tiers."""
        metrics = self._event_metrics(company)
        rules = self.env["crm.event.rule"].search(
            [("company_id", "=", company.id)], order="sequence, id"
        )
        Member = self.env["crm.event.rule.member"]
        members = defaultdict(set)
        for rule_id, partner_id in Member._read_group(
            [("rule_id", "in", rules.ids)], ["rule_id", "partner_id"]
        ):
            members[rule_id.id].add(partner_id.id)
        inside, entering, leaving = {}, {}, []
        for rule in rules:
            inside[rule] = {
                pid
                for pid, values in metrics.items()
                if is_inside(values[rule.metric], rule.operator, rule.threshold)
            }
            entering[rule], gone = crossings(inside[rule], members[rule.id])
            leaving.extend((rule.id, pid) for pid in gone)
        self._event_leave(leaving)
        fired = self._event_enter(entering)
        self._event_write_tiers(company, metrics, inside)
        self._event_log(company, fired, metrics)
        for rule in rules:
            partners = self.env["res.partner"].browse(sorted(fired.get(rule.id, ())))
            if partners:
                getattr(rule, f"_event_action_{rule.action_type}")(partners)
        rules.write({"last_evaluation": fields.Datetime.now()})
        rules.invalidate_recordset(["member_count", "firing_count"])
        return fired

    @api.model
    def _event_leave(self, pairs):
        if not pairs:
            return
        self.env["crm.event.rule.member"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM crm_event_rule_member member
                 USING unnest(%s::int[], %s::int[]) AS gone(rule_id, partner_id)
                 WHERE member.rule_id = gone.rule_id
                   AND member.partner_id = gone.partner_id
                """,
                [rule_id for rule_id, _pid in pairs],
                [pid for _rule_id, pid in pairs],
            )
        )
        self.env["crm.event.rule.member"].invalidate_model()

    @api.model
    def _event_enter(self, entering):
        """Insert the entrants; {rule id: partner ids} of the rows inserted now
        (another evaluation that inserted them first fires them, not this one)."""
        pairs = [(rule.id, pid) for rule, pids in entering.items() for pid in pids]
        if not pairs:
            return {}
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_event_rule_member (rule_id, partner_id, company_id,
                       date, create_uid, create_date, write_uid, write_date)
                SELECT new.rule_id, new.partner_id, rule.company_id,
                       %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(rules)s::int[], %(partners)s::int[])
                       AS new(rule_id, partner_id)
                  JOIN crm_event_rule rule ON rule.id = new.rule_id
                ON CONFLICT (rule_id, partner_id) DO NOTHING
             RETURNING rule_id, partner_id
                """,
                now=now,
                uid=self.env.uid,
                rules=[rule_id for rule_id, _pid in pairs],
                partners=[pid for _rule_id, pid in pairs],
            )
        )
        fired = defaultdict(set)
        for rule_id, partner_id in self.env.cr.fetchall():
            fired[rule_id].add(partner_id)
        return fired

    @api.model
    def _event_write_tiers(self, company, metrics, inside):
        """``crm_tier_id`` in ``company``: the tier with the largest minimum
        the revenue of the last 12 months reaches, raised to the tier of any
        ``set_tier`` rule the customer is inside; one statement."""
        tiers = self.env["crm.customer.tier"].search(
            [("company_id", "=", company.id)], order="min_revenue, sequence, id"
        )
        granted = defaultdict(list)
        for rule, pids in inside.items():
            if rule.action_type == "set_tier" and rule.tier_id:
                for pid in pids:
                    granted[pid].append(rule.tier_id)
        order = {tier.id: index for index, tier in enumerate(tiers)}
        values = []
        for pid, figures in metrics.items():
            tier = tiers._tier_for(tiers, figures["revenue_12m"])
            for candidate in granted.get(pid, ()):
                if order.get(candidate.id, -1) > order.get(tier.id, -1):
                    tier = candidate
            values.append((pid, tier.id or None))
        self.env["res.partner"].flush_model(["crm_tier_id"])
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                """
                WITH tiers AS (
                    SELECT * FROM unnest(%(ids)s::int[], %(tiers)s::int[])
                           AS t(partner_id, tier_id)
                ), targets AS (
                    SELECT partner_id, tier_id FROM tiers
                 UNION ALL
                    SELECT stale.id, NULL FROM res_partner stale
                     WHERE stale.crm_tier_id ? %(key)s
                       AND stale.id NOT IN (SELECT partner_id FROM tiers)
                )
                UPDATE res_partner p
                   SET crm_tier_id = CASE WHEN t.tier_id IS NULL
                       THEN COALESCE(p.crm_tier_id, '{}'::jsonb) - %(key)s
                       ELSE COALESCE(p.crm_tier_id, '{}'::jsonb)
                            || jsonb_build_object(%(key)s, t.tier_id) END
                  FROM targets t
                 WHERE p.id = t.partner_id
                   AND (p.crm_tier_id ->> %(key)s)::int IS DISTINCT FROM t.tier_id
                """,
                ids=[pid for pid, _tier in values],
                tiers=[tier for _pid, tier in values],
                key=key,
            )
        )
        self.env["res.partner"].invalidate_model(["crm_tier_id"])

    @api.model
    def _event_log(self, company, fired, metrics):
        """One firing record per crossing and a note in the customer's chatter
        (both in batch)."""
        rules = self.env["crm.event.rule"].browse(list(fired))
        vals_list, bodies = [], defaultdict(list)
        metric_field = self.env["crm.event.rule"]._fields["metric"]
        labels = dict(metric_field._description_selection(self.env))
        for rule in rules:
            for pid in sorted(fired[rule.id]):
                value = metrics[pid][rule.metric]
                vals_list.append(
                    {
                        "rule_id": rule.id,
                        "partner_id": pid,
                        "company_id": company.id,
                        "metric": rule.metric,
                        "value": value,
                        "action_type": rule.action_type,
                    }
                )
                shown = (
                    format_amount(self.env, value, company.currency_id)
                    if rule.metric in ("revenue_12m", "overdue_amount")
                    else f"{value:g}"
                )
                bodies[pid].append(
                    self.env._(
                        "Event rule %(rule)s fired in %(company)s: %(metric)s is "
                        "%(value)s.",
                        rule=rule.name,
                        company=company.name,
                        metric=labels[rule.metric],
                        value=shown,
                    )
                )
        if not vals_list:
            return
        self.env["crm.event.rule.firing"].create(vals_list)
        partners = self.env["res.partner"].browse(list(bodies))
        partners._message_log_batch(
            bodies={
                pid: Markup("<br/>").join(Markup("%s") % text for text in texts)
                for pid, texts in bodies.items()
            }
        )

    # ------------------------------------------------------------------
    # Actions, each for all the customers a rule fired for (set-based)
    # ------------------------------------------------------------------
    def _event_action_set_tier(self, partners):  # pylint: disable=unused-argument
        """Done by ``_event_write_tiers``: the tier holds while inside."""
        return True

    def _event_action_add_tag(self, partners):
        partners.write({"category_id": [Command.link(self.tag_id.id)]})

    def _event_action_activity(self, partners):
        model_id = self.env["ir.model"]._get_id("res.partner")
        deadline = fields.Date.context_today(self) + timedelta(days=self.activity_days)
        fallback = self.create_uid or self.env.user
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": self.activity_type_id.id,
                    "summary": self.activity_summary or self.name,
                    "date_deadline": deadline,
                    "user_id": (partner.user_id or fallback).id,
                }
                for partner in partners
            ]
        )

    def _event_action_email(self, partners):
        """The template rendered as the rule's author (the person the rule
        acts for), in each customer's language, queued."""
        author = self.create_uid or self.env.user
        template = self.mail_template_id.with_user(author).with_company(self.company_id)
        template.send_mail_batch(partners.ids)

    def _event_action_drip(self, partners):
        self.drip_campaign_id._crm_enrol_records(partners.ids)

    def _event_action_ticket_priority(self, partners):
        """Open tickets of these customers (of the rule's tier when it has
        one) below the rule's priority are raised to it."""
        if self.tier_id:
            partners = partners.with_company(self.company_id).filtered(
                lambda p: p.crm_tier_id == self.tier_id
            )
        if not partners:
            return
        tickets = self.env["crm.ticket"].search(
            [
                ("commercial_partner_id", "in", partners.ids),
                ("company_id", "=", self.company_id.id),
                ("is_closed", "=", False),
                ("priority", "<", self.ticket_priority),
            ]
        )
        tickets.write({"priority": self.ticket_priority})
