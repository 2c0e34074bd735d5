# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The grouped queries behind ``compute_period``: one per source (invoice lines,
moves, won leads, emails, tickets), each grouped by commercial partner; they are
the CTEs of the one statement that computes and writes a period
(``crm_profitability_compute.py``), so their number does not depend on the
number of customers. Each returns an ``SQL`` selecting ``partner_id`` and its
figures."""

from odoo import api, models
from odoo.tools import SQL

# the quantity in the product's unit and the company's product cost, exactly as
# account.invoice.report computes price_margin
# (account/report/account_invoice_report.py)
_QUANTITY = SQL(
    "line.quantity / NULLIF(COALESCE(uom_line.factor, 1)"
    " / COALESCE(uom_template.factor, 1), 0.0)"
)
_STANDARD_PRICE = SQL(
    "COALESCE(product.standard_price -> line.company_id::text, to_jsonb(0.0))::float"
)


def revenue_lines(company, date_from=None, date_to=None):
    """The one revenue definition of the analytical CRM, as a condition on
    ``account_move_line line`` joined to its ``account_move move``: the product
    lines of the company's posted customer invoices and credit notes
    (account.invoice.report's price_subtotal in the company currency is
    ``-line.balance`` of these lines), dated in the period when dates are given
    (either bound may be left open). ``company`` is a ``res.company`` record or
    an ``SQL`` expression (a column of a view's other table). Profitability, the
    revenue forecast, attribution, next-best offer, RFM and the event rules'
    ``revenue_12m`` all sum it."""
    if date_from and date_to:
        period = SQL("move.invoice_date BETWEEN %s AND %s", date_from, date_to)
    elif date_from:
        period = SQL("move.invoice_date >= %s", date_from)
    elif date_to:
        period = SQL("move.invoice_date <= %s", date_to)
    else:
        period = SQL("TRUE")
    return SQL(
        """line.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND line.display_type = 'product'
                   AND line.account_id IS NOT NULL
                   AND %(period)s""",
        company=company if isinstance(company, SQL) else company.id,
        period=period,
    )


class CrmProfitabilitySql(models.AbstractModel):
    _name = "crm.profitability.sql"
    _description = "Profitability: the grouped queries"

    @api.model
    def _prof_sales(self, company, date_from, date_to):
        """Revenue and margin per commercial partner: account.invoice.report's
        price_subtotal and price_margin (one company, so a rate of 1) of the
        posted customer invoices and credit notes dated in the period. The lines
        are summed per partner, product and unit first, the commercial partner and
        the cost applied to those sums (fewer rows to join and convert than lines)."""
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   SUM(line.revenue) AS revenue,
                   SUM(CASE WHEN line.move_type = 'out_refund'
                            THEN line.revenue + %(qty)s * %(cost)s
                            ELSE line.revenue - %(qty)s * %(cost)s END) AS margin
              FROM (
                SELECT line.partner_id, move.move_type,
                       line.company_id, line.product_id, line.product_uom_id,
                       SUM(-line.balance) AS revenue, SUM(line.quantity) AS quantity
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE %(revenue_lines)s
              GROUP BY line.partner_id, move.move_type,
                       line.company_id, line.product_id, line.product_uom_id
                   ) line
              JOIN res_partner partner ON partner.id = line.partner_id
         LEFT JOIN product_product product ON product.id = line.product_id
         LEFT JOIN product_template template ON template.id = product.product_tmpl_id
         LEFT JOIN uom_uom uom_line ON uom_line.id = line.product_uom_id
         LEFT JOIN uom_uom uom_template ON uom_template.id = template.uom_id
          GROUP BY partner.commercial_partner_id
                """,
            qty=_QUANTITY,
            cost=_STANDARD_PRICE,
            revenue_lines=revenue_lines(company, date_from, date_to),
        )

    @api.model
    def _prof_revenue_lines(self, company, date_from=None, date_to=None):
        """:func:`revenue_lines` (the one revenue definition), for the callers
        holding the model."""
        return revenue_lines(company, date_from, date_to)

    @api.model
    def _prof_moves(self, company, date_from, date_to, today):
        """Per commercial partner, from its posted customer invoices and credit
        notes: invoices of the period, open overdue amount (and amount x days
        late), first invoice ever, and the payment record of the period's
        invoices (paid on the latest max_date of their partial reconciliations)."""
        return SQL(
            """
            WITH paid AS (
                SELECT move.id, MAX(partial.max_date) AS paid_date
                  FROM account_move move
                  JOIN account_move_line line ON line.move_id = move.id
                  JOIN account_account account
                    ON account.id = line.account_id
                   AND account.account_type = 'asset_receivable'
                  JOIN account_partial_reconcile partial
                    ON line.id IN (partial.debit_move_id, partial.credit_move_id)
                 WHERE move.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type = 'out_invoice'
                   AND move.payment_state IN ('paid', 'in_payment')
                   AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
              GROUP BY move.id
            )
            SELECT move.commercial_partner_id AS partner_id,
                   COUNT(*) FILTER (
                       WHERE move.move_type = 'out_invoice'
                         AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
                   ) AS invoice_count,
                   COALESCE(SUM(move.amount_residual_signed) FILTER (
                       WHERE move.invoice_date_due < %(today)s), 0) AS overdue_amount,
                   COALESCE(SUM(move.amount_residual_signed
                                * (%(today)s::date - move.invoice_date_due)) FILTER (
                       WHERE move.invoice_date_due < %(today)s), 0) AS overdue_days,
                   COUNT(paid.id) AS paid_count,
                   COUNT(paid.id) FILTER (
                       WHERE paid.paid_date <= move.invoice_date_due) AS on_time_count,
                   COALESCE(SUM(GREATEST(0, paid.paid_date - move.invoice_date_due)), 0)
                       AS days_late_total
              FROM account_move move
         LEFT JOIN paid ON paid.id = move.id
             WHERE move.company_id = %(company)s
               AND move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.commercial_partner_id IS NOT NULL
          GROUP BY move.commercial_partner_id
                """,
            company=company.id,
            date_from=date_from,
            date_to=date_to,
            today=today,
        )

    @api.model
    def _prof_acquisition(self, company, date_from, date_to):
        """Acquisition cost per commercial partner: each campaign's and source's
        cost (in this company) shared equally among the company's won leads of
        that campaign or source, charged to the customers whose leads were won in
        the period."""
        key = str(company.id)
        return SQL(
            """
            WITH won AS (
                SELECT lead.id, partner.commercial_partner_id AS partner_id,
                       lead.campaign_id, lead.source_id,
                       lead.date_closed::date AS won_on
                  FROM crm_lead lead
                  JOIN crm_stage stage ON stage.id = lead.stage_id AND stage.is_won
                  JOIN res_partner partner ON partner.id = lead.partner_id
                 WHERE lead.active AND lead.company_id = %(company)s
            ), per_campaign AS (
                SELECT won.campaign_id, COUNT(*) AS leads,
                       COALESCE((campaign.crm_acquisition_cost ->> %(key)s)::numeric, 0)
                           AS cost
                  FROM won JOIN utm_campaign campaign ON campaign.id = won.campaign_id
              GROUP BY won.campaign_id, campaign.crm_acquisition_cost
            ), per_source AS (
                SELECT won.source_id, COUNT(*) AS leads,
                       COALESCE((source.crm_acquisition_cost ->> %(key)s)::numeric, 0)
                           AS cost
                  FROM won JOIN utm_source source ON source.id = won.source_id
              GROUP BY won.source_id, source.crm_acquisition_cost
            )
            SELECT won.partner_id,
                   SUM(COALESCE(per_campaign.cost / per_campaign.leads, 0)
                       + COALESCE(per_source.cost / per_source.leads, 0))
                       AS cost_acquisition
              FROM won
         LEFT JOIN per_campaign ON per_campaign.campaign_id = won.campaign_id
         LEFT JOIN per_source ON per_source.source_id = won.source_id
             WHERE won.won_on BETWEEN %(date_from)s AND %(date_to)s
          GROUP BY won.partner_id
                """,
            company=company.id,
            key=key,
            date_from=date_from,
            date_to=date_to,
        )

    @api.model
    def _prof_marketing(self, date_from, date_to):
        """Emails sent in the period to the customer (its contacts, its leads, or a
        mailing contact with one of its contacts' addresses) and its share of the
        mailings' budgets (each budget split equally among the mailing's sent
        emails)."""
        return SQL(
            """
            WITH sent AS (
                SELECT trace.mass_mailing_id, COUNT(*) AS emails
                  FROM mailing_trace trace
                 WHERE trace.sent_datetime IS NOT NULL
              GROUP BY trace.mass_mailing_id
            ), traces AS (
                SELECT trace.mass_mailing_id,
                       COALESCE(contact.commercial_partner_id,
                                lead_partner.commercial_partner_id,
                                by_email.commercial_partner_id) AS partner_id
                  FROM mailing_trace trace
             LEFT JOIN res_partner contact
                    ON trace.model = 'res.partner' AND contact.id = trace.res_id
             LEFT JOIN crm_lead lead
                    ON trace.model = 'crm.lead' AND lead.id = trace.res_id
             LEFT JOIN res_partner lead_partner ON lead_partner.id = lead.partner_id
             LEFT JOIN LATERAL (
                    SELECT partner.commercial_partner_id
                      FROM res_partner partner
                     WHERE trace.model = 'mailing.contact'
                       AND partner.email_normalized = trace.email
                  ORDER BY partner.id LIMIT 1
                   ) by_email ON TRUE
                 WHERE trace.sent_datetime IS NOT NULL
                   AND trace.sent_datetime >= %(date_from)s
                   AND trace.sent_datetime < %(date_to)s::date + 1
            )
            SELECT traces.partner_id, COUNT(*) AS emails,
                   COALESCE(SUM(mailing.crm_budget / NULLIF(sent.emails, 0)), 0)
                       AS budget
              FROM traces
         LEFT JOIN mailing_mailing mailing ON mailing.id = traces.mass_mailing_id
         LEFT JOIN sent ON sent.mass_mailing_id = traces.mass_mailing_id
             WHERE traces.partner_id IS NOT NULL
          GROUP BY traces.partner_id
                """,
            date_from=date_from,
            date_to=date_to,
        )

    @api.model
    def _prof_tickets(self, company, date_from, date_to):
        """The customer's tickets opened in the period in this company."""
        return SQL(
            """
            SELECT ticket.commercial_partner_id AS partner_id,
                   COUNT(*) AS tickets
              FROM crm_ticket ticket
             WHERE ticket.company_id = %(company)s
               AND ticket.commercial_partner_id IS NOT NULL
               AND ticket.create_date >= %(date_from)s
               AND ticket.create_date < %(date_to)s::date + 1
          GROUP BY ticket.commercial_partner_id
                """,
            company=company.id,
            date_from=date_from,
            date_to=date_to,
        )
