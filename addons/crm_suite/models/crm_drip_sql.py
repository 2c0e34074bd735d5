# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SQL fragments the drip campaign's statements share (one definition each)."""

from odoo.tools import SQL

# the step's delay as an interval ('3 days', '2 weeks'...), on crm_drip_step s
STEP_DELAY_SQL = SQL("((s.delay_number || ' ' || s.delay_unit)::interval)")


def contact_opted_out_sql(contact_id):
    """SQL: the mailing contact whose id is the SQL expression ``contact_id``
    has opted out of every mailing list it is on (a contact on no list has
    not)."""
    return SQL(
        """
        (EXISTS (SELECT 1 FROM mailing_subscription ms
                  WHERE ms.contact_id = %(contact)s)
         AND NOT EXISTS (SELECT 1 FROM mailing_subscription ms
                          WHERE ms.contact_id = %(contact)s
                            AND NOT COALESCE(ms.opt_out, FALSE)))
        """,
        contact=contact_id,
    )
