# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrmCollabHandoffTour(HttpCase):
    def test_receiver_accepts_and_closes(self):
        user = new_test_user(
            self.env,
            login="crm_collab_tour_receiver",
            groups="base.group_user,crm_collab.group_crm_collab_user",
        )
        team = self.env["crm.team"].create(
            {
                "name": "Tour Team",
                "crm_team_member_ids": [Command.create({"user_id": user.id})],
            }
        )
        customer = self.env["res.partner"].create({"name": "Tour Customer"})
        handoff = self.env["crm.handoff"].create(
            {
                "name": "Tour handoff",
                "partner_id": customer.id,
                "to_team_id": team.id,
                "date_due": fields.Datetime.now() + timedelta(days=1),
            }
        )
        self.start_tour("/odoo", "crm_collab_handoff", login=user.login)
        self.assertEqual(handoff.state, "done")
        self.assertEqual(handoff.to_user_id, user)
