# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CrmInteractionCommon


@tagged("post_install", "-at_install")
class TestCrmInteractionUi(CrmInteractionCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_timeline()
        cls.globex.name = "Tour Globex"

    def test_tour_customer_360(self):
        """A salesperson opens a customer's 360 view from a lead in Chromium,
        filters it by channel, direction and period, and opens an item."""
        with self._at(fields.Datetime.now() - timedelta(days=20)):
            self._email_out(self.lead_a, "An old offer", user=self.seller_a)
        self._note(self.globex, "Prefers phone calls")
        self._activity_done(
            self.lead_a,
            self.env.ref("mail.mail_activity_data_call"),
            user=self.seller_a,
        )
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{self.lead_a.id}",
            "crm_collab_customer_360",
            login=self.seller_a.login,
        )
