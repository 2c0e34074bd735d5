# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import tempfile

from werkzeug.exceptions import BadRequest, Forbidden, NotFound
from werkzeug.wsgi import wrap_file

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request

from ..models.crm_customer_profitability_export import (
    REPORT_XLSX_ROUTE,
    SEGMENT_XLSX_ROUTE,
    XLSX_ROUTE,
    decode_ids,
)
from ..report.crm_profitability_xlsx import ProfitabilityXlsxWriter
from ..report.crm_report_xlsx import ReportXlsxWriter
from ..report.crm_segment_xlsx import SegmentXlsxWriter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CrmProfitabilityXlsxController(http.Controller):
    def _crm_xlsx_download(self, model_name, ids, lang, write, filename):
        """Records of ``model_name`` as XLSX, written by ``write(env, path,
        records)``. Read-only GET (no state change, so no CSRF token): the
        records are re-read as the logged-in user over all the companies that
        user may access, so record rules apply; any id the user cannot read
        refuses the whole file."""
        try:
            record_ids = decode_ids(ids)
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise BadRequest() from exc
        user = request.env.user
        langs = dict(request.env["res.lang"].get_installed())
        if lang not in langs:
            lang = user.lang if user.lang in langs else "en_US"
        env = request.env(
            context=dict(
                request.env.context,
                lang=lang,
                allowed_company_ids=user.company_ids.ids,
            )
        )
        model = env[model_name]
        try:
            model.check_access("read")
        except AccessError as exc:
            raise Forbidden() from exc
        records = model.search([("id", "in", record_ids)])
        if len(records) != len(set(record_ids)):
            # Deleted or not readable (company, record rules): no partial file.
            raise NotFound()
        fd, path = tempfile.mkstemp(prefix="crm_analytics_", suffix=".xlsx")
        os.close(fd)
        try:
            write(env, path, records)
            size = os.path.getsize(path)
            handle = open(path, "rb")  # noqa: SIM115 - closed by the response
        finally:
            # The open handle keeps the data; the name goes at once.
            os.unlink(path)
        headers = [
            ("Content-Type", XLSX_MIMETYPE),
            ("Content-Length", str(size)),
            ("Content-Disposition", http.content_disposition(filename(env) + ".xlsx")),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store"),
        ]
        body = wrap_file(request.httprequest.environ, handle)
        return request.make_response(body, headers=headers)

    @http.route(XLSX_ROUTE, type="http", auth="user", methods=["GET"], readonly=True)
    def crm_profitability_xlsx(self, ids="", lang=None, **_kwargs):
        """Download profitability records as XLSX."""
        return self._crm_xlsx_download(
            "crm.customer.profitability",
            ids,
            lang,
            lambda env, path, records: ProfitabilityXlsxWriter(env, path).write_rows(
                records.ids
            ),
            lambda env: env._("customer_profitability"),
        )

    @http.route(
        SEGMENT_XLSX_ROUTE, type="http", auth="user", methods=["GET"], readonly=True
    )
    def crm_segment_xlsx(self, ids="", lang=None, **_kwargs):
        """Download segments (a sheet each, their members) as XLSX."""
        return self._crm_xlsx_download(
            "crm.segment",
            ids,
            lang,
            lambda env, path, records: SegmentXlsxWriter(env, path).write_segments(
                records
            ),
            lambda env: env._("customer_segments"),
        )

    @http.route(
        REPORT_XLSX_ROUTE, type="http", auth="user", methods=["GET"], readonly=True
    )
    def crm_analytics_report_xlsx(self, model="", ids="", lang=None, **_kwargs):
        """The same download for the other analytics reports (attribution,
        people...): only models mixing in the report export are served."""
        env = request.env
        # only the mixin defines _crm_report_title: no other model is served
        if model not in env or not hasattr(env[model], "_crm_report_title"):
            raise NotFound()
        return self._crm_xlsx_download(
            model,
            ids,
            lang,
            lambda env, path, records: ReportXlsxWriter(env, path, model).write_rows(
                records.ids
            ),
            lambda env: model.replace(".", "_"),
        )
