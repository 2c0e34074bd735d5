# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from .common import CrmInteractionCommon

T0 = datetime(2026, 3, 2, 9, 0, 0)


def day(n, hours=0):
    return T0 + timedelta(days=n, hours=hours)


@tagged("post_install", "-at_install")
class TestCrmInteractionFeed(CrmInteractionCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_timeline()
        ActivityType = cls.env["mail.activity.type"]
        # a French database names its activity types in French: the channel
        # comes from the category
        cls.type_call = ActivityType.create({"name": "Appel", "category": "phonecall"})
        cls.type_meeting = ActivityType.create(
            {"name": "Réunion", "category": "meeting"}
        )
        cls.type_todo = ActivityType.create(
            {"name": "Appeler plus tard", "category": "default"}
        )
        cls.stage_solved = cls.env.ref("crm_suite.stage_solved")

    def _invoice(
        self,
        partner,
        invoice_date,
        amount=1000.0,
        company=None,
        move_type="out_invoice",
    ):
        move = (
            self.env["account.move"]
            .with_company(company or self.env.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": invoice_date + timedelta(days=30),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Desks",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _payment(self, partner, date, amount=400.0):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": date,
            }
        )
        payment.action_post()
        return payment

    def _trace(self, record, sent, opened=None, clicked=None):
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Spring offer",
                "body_html": "<p>Spring offer</p>",
                "mailing_model_id": self.env["ir.model"]._get_id(record._name),
            }
        )
        return self.env["mailing.trace"].create(
            {
                "model": record._name,
                "res_id": record.id,
                "mass_mailing_id": mailing.id,
                "email": "gina@globex.test",
                "sent_datetime": sent,
                "open_datetime": opened,
                "links_click_datetime": clicked,
                "trace_status": "open",
            }
        )

    def _history(self):
        """A known history of Globex, every source once, one per day."""
        with self._at(day(1)):
            self._note(self.globex, "Met at the fair")
        with self._at(day(2)):
            self._email_out(self.lead_a, "Here is our offer", user=self.seller_a)
        with self._at(day(3, hours=5)):
            # received later than its own date: the message date counts
            self._incoming_email(self.lead_a, day(3))
        with self._at(day(4)):
            self._activity_done(self.lead_a, self.type_call, user=self.seller_a)
        with self._at(day(5)):
            self._activity_done(self.lead_a, self.type_meeting, user=self.seller_a)
        with self._at(day(6)):
            self._activity_done(self.lead_a, self.type_todo, user=self.seller_a)
        with self._at(day(7)):
            ticket = self.env["crm.ticket"].create(
                {"name": "Broken desk", "partner_id": self.gina.id}
            )
        with self._at(day(8)):
            ticket.stage_id = self.stage_solved
        invoice = self._invoice(self.gina, day(9).date())
        payment = self._payment(self.gina, day(10).date())
        trace = self._trace(self.lead_a, day(11), day(12), day(13))
        return ticket, invoice, payment, trace

    def test_history_complete_and_newest_first(self):
        ticket, invoice, payment, _trace = self._history()
        midnight = datetime.min.time()
        expected = [
            ("campaign", "inbound", day(13), "crm.lead", self.lead_a.id),
            ("campaign", "inbound", day(12), "crm.lead", self.lead_a.id),
            ("campaign", "outbound", day(11), "crm.lead", self.lead_a.id),
            (
                "payment",
                "inbound",
                datetime.combine(day(10).date(), midnight),
                "account.payment",
                payment.id,
            ),
            (
                "invoice",
                "outbound",
                datetime.combine(day(9).date(), midnight),
                "account.move",
                invoice.id,
            ),
            ("ticket", "outbound", day(8), "crm.ticket", ticket.id),
            ("ticket", "inbound", day(7), "crm.ticket", ticket.id),
            ("activity", "internal", day(6), "crm.lead", self.lead_a.id),
            ("meeting", "outbound", day(5), "crm.lead", self.lead_a.id),
            ("call", "outbound", day(4), "crm.lead", self.lead_a.id),
            ("email", "inbound", day(3), "crm.lead", self.lead_a.id),
            ("email", "outbound", day(2), "crm.lead", self.lead_a.id),
            ("note", "internal", day(1), "res.partner", self.globex.id),
        ]
        feed = self._feed()
        self.assertEqual(
            [(i.channel, i.direction, i.date, i.res_model, i.res_id) for i in feed],
            expected,
        )
        # everyone of them about Globex, from or to its contact Gina
        self.assertEqual(feed.partner_id, self.globex)
        inbound_email = feed.filtered(
            lambda i: i.channel == "email" and i.direction == "inbound"
        )
        self.assertEqual(inbound_email.contact_id, self.gina)
        self.assertFalse(inbound_email.user_id)
        self.assertEqual(inbound_email.summary, "Re: Offer")
        outbound_email = feed.filtered(
            lambda i: i.channel == "email" and i.direction == "outbound"
        )
        self.assertEqual(outbound_email.user_id, self.seller_a)
        self.assertEqual(outbound_email.contact_id, self.gina)
        self.assertEqual(
            feed.filtered(lambda i: i.channel == "note").contact_id, self.globex
        )
        self.assertIn(
            invoice.name, feed.filtered(lambda i: i.channel == "invoice").summary
        )
        # a page through the 360 screen's RPC is the same feed
        page = self.env["crm.interaction"].get_timeline(self.gina.id, limit=5)
        self.assertEqual([item["id"] for item in page["items"]], feed[:5].ids)
        self.assertTrue(page["has_more"])
        # each item opens its source record
        action = feed[-1].action_open_source()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("res.partner", self.globex.id)
        )

    def test_complete_at_once_and_filters(self):
        """An interaction is there as soon as its source (no flush, no job);
        the 360 filters by channel, direction and period."""
        self._note(self.lead_a, "Called the reception")
        self.assertEqual(self._feed().mapped("channel"), ["note"])
        self._email_out(self.lead_a)
        timeline = self.env["crm.interaction"].get_timeline
        self.assertEqual(
            [
                i["channel"]
                for i in timeline(self.globex.id, channels=["email"])["items"]
            ],
            ["email"],
        )
        self.assertEqual(
            [
                i["direction"]
                for i in timeline(self.globex.id, directions=["internal"])["items"]
            ],
            ["internal"],
        )
        with self._at(fields.Datetime.now() + timedelta(days=60)):
            self.assertFalse(timeline(self.globex.id, period="30")["items"])
            self.assertEqual(len(timeline(self.globex.id, period="90")["items"]), 2)

    def test_new_lead_by_email(self):
        """An email from a customer's contact that opens a lead is the
        customer's inbound email, on its own date."""
        sent = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=2)
        lead_id = self._incoming_email("crm.lead", sent, subject="Need 12 chairs")
        lead = self.env["crm.lead"].browse(lead_id)
        self.assertEqual(lead.partner_id, self.gina)
        [email] = self._feed().filtered(lambda i: i.res_id == lead.id)
        self.assertEqual(
            (email.channel, email.direction, email.date, email.contact_id),
            ("email", "inbound", sent, self.gina),
        )
        self.assertEqual(email.summary, "Need 12 chairs")

    def test_email_from_an_unknown_sender_is_inbound(self):
        """An email received on the customer's lead from an address nobody
        knows came in; one an employee sent through the gateway went out."""
        sent = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)
        self._incoming_email(self.lead_a, sent, sender="someone@unknown.test")
        self.seller_a.email = "sue@example.com"
        self._incoming_email(
            self.lead_a,
            sent + timedelta(minutes=1),
            sender="sue@example.com",
            subject="Copy",
        )
        directions = {i.summary: i.direction for i in self._feed()}
        self.assertEqual(directions, {"Re: Offer": "inbound", "Copy": "outbound"})

    def test_renamed_activity_type_keeps_its_channel(self):
        """A phone call type renamed (as in another language) still logs calls."""
        call = self.env.ref("mail.mail_activity_data_call")
        call.with_context(lang="en_US").name = "Téléphoner"
        self._activity_done(self.lead_a, call)
        self.assertEqual(self._feed().mapped("channel"), ["call"])

    def test_customer_360_figures(self):
        self._history()
        recent = fields.Date.today() - timedelta(days=40)
        self._invoice(self.gina, recent, amount=250.0)
        data = self.env["crm.interaction"].get_customer_360(self.gina.id)
        self.assertEqual(data["partner"]["id"], self.globex.id)
        figures = data["figures"]
        self.assertEqual(figures["open_leads"], 2)
        self.assertEqual(figures["open_tickets"], 0)
        self.assertEqual(figures["revenue_12m"], 1250.0)
        # 1,250 invoiced, 400 received (not matched to an invoice yet): both overdue
        self.assertEqual(figures["overdue"], 1250.0)
        # an unpaid credit note, due too, nets both figures (as profitability's)
        self._invoice(
            self.gina, recent - timedelta(days=20), amount=100.0, move_type="out_refund"
        )
        figures = self.env["crm.interaction"].get_customer_360(self.gina.id)["figures"]
        self.assertEqual(figures["revenue_12m"], 1150.0)
        self.assertEqual(figures["overdue"], 1150.0)
        # the latest email, call or document sent or received (notes are not)
        self.assertEqual(
            figures["last_contact"],
            fields.Datetime.to_string(datetime.combine(recent, datetime.min.time())),
        )
        self.assertIn(figures["best_band"], ("cold", "warm", "hot"))
        # the label the screen shows, not the stored key
        self.assertEqual(
            figures["best_band_label"],
            {"cold": "Cold", "warm": "Warm", "hot": "Hot"}[figures["best_band"]],
        )
        action = self.globex.action_open_customer_360()
        self.assertEqual(action["tag"], "crm_collab_customer_360")
        self.assertEqual(action["params"], {"partner_id": self.globex.id})
        self.assertEqual(
            self.lead_a.action_open_customer_360()["params"], action["params"]
        )

    def test_bad_filters_are_refused(self):
        timeline = self.env["crm.interaction"].get_timeline
        from odoo.exceptions import UserError

        with self.assertRaises(UserError):
            timeline(self.globex.id, channels=["fax"])
        with self.assertRaises(UserError):
            timeline(self.globex.id, period="forever")
        with self.assertRaises(UserError):
            timeline(self.globex.id, offset="x")
        with self.assertRaises(UserError):
            self.env["crm.interaction"].get_customer_360(0)


@tagged("post_install", "-at_install")
class TestCrmInteractionDemo(TransactionCase):
    def test_demo_customer_has_a_rich_timeline(self):
        """Deco Addict's 360 shows every kind of interaction the demo has."""
        if not self.env.ref("crm_collab.interaction_demo_trace", False):
            self.skipTest("installed without demo data")
        deco = self.env.ref("base.res_partner_2")
        feed = self.env["crm.interaction"].search([("partner_id", "=", deco.id)])
        self.assertLessEqual(
            {"email", "note", "call", "meeting", "activity", "ticket", "invoice"},
            set(feed.mapped("channel")),
        )
        self.assertEqual(
            set(feed.mapped("direction")), {"inbound", "outbound", "internal"}
        )
        self.assertEqual(feed.sorted(lambda i: (i.date, i.id), reverse=True), feed)
        reply = self.env.ref("crm_collab.interaction_demo_email_deco_reply")
        [email] = feed.filtered(
            lambda i: i.source_id == reply.id and i.channel == "email"
        )
        self.assertEqual(email.direction, "inbound")
        self.assertEqual(email.contact_id, self.env.ref("base.res_partner_address_3"))
