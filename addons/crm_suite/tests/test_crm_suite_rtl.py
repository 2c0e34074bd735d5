# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import shutil

from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

# Bootstrap's ".text-start" aligns left; rtlcss turns it to the right.
FLIPPED_RULE_RE = re.compile(r"\.text-start\s*\{\s*text-align:\s*right\s*!important")
UNFLIPPED_RULE_RE = re.compile(r"\.text-start\s*\{\s*text-align:\s*left\s*!important")


def stylesheet_urls(html):
    return re.findall(r'href="(/web/assets/[^"]+\.css)"', html)


@tagged("post_install", "-at_install")
class TestCrmSuiteRightToLeft(HttpCase):
    """Arabic reads right to left: the backend's stylesheets are flipped by
    rtlcss (which the setup installs) and portal pages carry ``o_rtl``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ar_001")
        cls.user_ar = mail_new_test_user(
            cls.env,
            login="crm_suite_rtl_agent",
            name="Amal Agent",
            groups="base.group_user,crm_suite.group_crm_suite_user",
            lang="ar_001",
        )
        cls.portal_ar = mail_new_test_user(
            cls.env,
            login="crm_suite_rtl_portal",
            name="Amir Customer",
            groups="base.group_portal",
            lang="ar_001",
        )

    def test_rtlcss_on_path(self):
        self.assertTrue(
            shutil.which("rtlcss"),
            "rtlcss is not on the server's PATH, so Odoo serves Arabic left to "
            "right: run scripts/setup.sh (it runs 'npm install -g rtlcss').",
        )

    def test_backend_stylesheet_flipped(self):
        """The stylesheet bundle the web client gives an Arabic user is the
        right-to-left one, and its rules are mirrored."""
        self.authenticate("crm_suite_rtl_agent", "crm_suite_rtl_agent")
        page = self.url_open("/odoo")
        self.assertEqual(page.status_code, 200)
        urls = [url for url in stylesheet_urls(page.text) if "web.assets_web" in url]
        self.assertTrue(urls, "no web.assets_web stylesheet on the web client page")
        self.assertTrue(
            all(".rtl." in url for url in urls),
            f"an Arabic user gets a left-to-right stylesheet: {urls}",
        )
        css = self.url_open(urls[0], timeout=300)
        self.assertEqual(css.status_code, 200)
        # (not assertRegex: its message would quote the whole bundle)
        self.assertTrue(
            FLIPPED_RULE_RE.search(css.text) and not UNFLIPPED_RULE_RE.search(css.text),
            f"{urls[0]} is not flipped (was rtlcss on the PATH when it was "
            "built? scripts/setup.sh installs it)",
        )

    def test_portal_page_right_to_left(self):
        """A portal page for an Arabic customer is marked right to left and
        loads the right-to-left frontend stylesheet."""
        self.authenticate("crm_suite_rtl_portal", "crm_suite_rtl_portal")
        page = self.url_open("/my/tickets")
        self.assertEqual(page.status_code, 200)
        self.assertRegex(page.text, r'<div id="wrapwrap" class="[^"]*\bo_rtl\b')
        urls = [url for url in stylesheet_urls(page.text) if "assets_frontend" in url]
        self.assertTrue(urls, "no frontend stylesheet on the portal page")
        self.assertTrue(all(".rtl." in url for url in urls), urls)
