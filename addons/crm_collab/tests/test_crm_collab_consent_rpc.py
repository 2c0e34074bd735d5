# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrmCollabConsentRpc(HttpCase):
    def test_change_over_xmlrpc_is_logged_as_api(self):
        user = new_test_user(
            self.env,
            login="crm_collab_rpc_user",
            groups="base.group_user,base.group_partner_manager",
        )
        partner = self.env["res.partner"].create({"name": "RPC Contact"})
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, user.login, user.login, {})
        self.xmlrpc_object.execute_kw(
            db,
            uid,
            user.login,
            "res.partner",
            "write",
            [[partner.id], {"consent_email": "withdrawn"}],
        )
        log = partner.consent_log_ids
        self.assertEqual(
            (log.state, log.source, log.user_id), ("withdrawn", "api", user)
        )
