# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.http import request

from odoo.addons.portal.controllers.web import Home


class CrmSuiteHome(Home):
    def _login_redirect(self, uid, redirect=None):
        """Portal pages follow the language of the account that logs in.

        Odoo picks a portal page's language from its URL, then from the
        ``frontend_lang`` cookie, then from the user: a cookie left by an
        anonymous visit (or by the previous user of the browser) would keep
        a French customer's pages in English. Logging in sets it to the
        user's language; choosing another one in the portal's language
        selector still sets it afterwards."""
        self._crm_suite_set_frontend_lang(uid)
        return super()._login_redirect(uid, redirect=redirect)

    def _crm_suite_set_frontend_lang(self, uid):
        if not uid:
            return
        # the user's own record: the login (or its first factor) just proved it
        user = request.env(user=uid)["res.users"].browse(uid)
        lang = request.env["ir.http"].get_nearest_lang(user.lang)
        if lang and request.cookies.get("frontend_lang") != lang:
            request.future_response.set_cookie("frontend_lang", lang)
