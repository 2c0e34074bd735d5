# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Next-best offer of a customer (mixed into ``res.partner``): the products
other customers who bought what it bought also bought."""

from odoo import api, fields, models
from odoo.tools import SQL

NEXT_OFFER_LIMIT = 5


class CrmPartnerNextOffer(models.AbstractModel):
    _name = "crm.partner.next.offer"
    _description = "Customer Next-Best Offer"

    crm_next_offer_product_ids = fields.Many2many(
        "product.product",
        string="Next Best Offers",
        compute="_compute_crm_next_offer_product_ids",
        groups="base.group_user",
        help="Products that customers who bought what this customer bought also "
        "bought (posted invoices of the current company), most frequent first, "
        "leaving out what this customer already bought.",
    )

    @api.depends("commercial_partner_id")
    @api.depends_context("company")
    def _compute_crm_next_offer_product_ids(self):
        """One grouped query for every partner of ``self`` (their commercial
        entities): a product's frequency is the number of other customers who
        bought it and one of the customer's products."""
        customers = {p.id: p.commercial_partner_id.id for p in self if p.id}
        ranked = {}
        if customers:
            self.env["account.move.line"].flush_model()
            self.env["account.move"].flush_model()
            revenue_lines = self.env["crm.profitability.sql"]._prof_revenue_lines(
                self.env.company
            )
            self.env.cr.execute(
                SQL(
                    """
                    WITH bought AS MATERIALIZED (
                        SELECT DISTINCT move.commercial_partner_id AS customer_id,
                               line.product_id
                          FROM account_move_line line
                          JOIN account_move move ON move.id = line.move_id
                         WHERE %(revenue_lines)s
                           AND move.move_type = 'out_invoice'
                           AND line.product_id IS NOT NULL
                    ), mine AS (
                        SELECT * FROM bought WHERE customer_id = ANY(%(customers)s)
                    ), peers AS (
                        SELECT DISTINCT mine.customer_id, other.customer_id AS peer_id
                          FROM mine
                          JOIN bought other
                            ON other.product_id = mine.product_id
                           AND other.customer_id <> mine.customer_id
                    ), scored AS (
                        SELECT peers.customer_id, offer.product_id,
                               COUNT(*) AS buyers
                          FROM peers
                          JOIN bought offer ON offer.customer_id = peers.peer_id
                         WHERE NOT EXISTS (
                               SELECT 1 FROM mine
                                WHERE mine.customer_id = peers.customer_id
                                  AND mine.product_id = offer.product_id)
                      GROUP BY peers.customer_id, offer.product_id
                    )
                    SELECT customer_id, product_id
                      FROM (SELECT *, row_number() OVER (
                                PARTITION BY customer_id
                                ORDER BY buyers DESC, product_id) AS rank
                              FROM scored) ranked
                     WHERE rank <= %(limit)s
                  ORDER BY customer_id, rank
                    """,
                    revenue_lines=revenue_lines,
                    customers=list(set(customers.values())),
                    limit=NEXT_OFFER_LIMIT,
                )
            )
            for customer_id, product_id in self.env.cr.fetchall():
                ranked.setdefault(customer_id, []).append(product_id)
        # the products this user may see (company rules, archived), in one search
        all_ids = {pid for ids in ranked.values() for pid in ids}
        visible = set()
        if all_ids:
            visible = set(
                self.env["product.product"].search([("id", "in", list(all_ids))]).ids
            )
        Product = self.env["product.product"]
        for partner in self:
            ids = ranked.get(customers.get(partner.id), [])
            partner.crm_next_offer_product_ids = Product.browse(
                [pid for pid in ids if pid in visible]
            )
