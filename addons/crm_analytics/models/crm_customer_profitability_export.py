# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import zlib
from urllib.parse import urlencode

from odoo import models
from odoo.exceptions import UserError

XLSX_ROUTE = "/crm_analytics/profitability/xlsx"
# the XLSX of the other reports (attribution, people...): the model in the url
REPORT_XLSX_ROUTE = "/crm_analytics/report/xlsx"
# the XLSX of segments (a sheet per segment, its members)
SEGMENT_XLSX_ROUTE = "/crm_analytics/segment/xlsx"
# Above this length the id list goes into the url compressed (delta + zlib).
_PLAIN_IDS_MAX = 1500
# Record ids are PostgreSQL integers: a larger one is malformed, not a 500.
_MAX_ID = 2**31 - 1


def encode_ids(ids):
    """A compact, url-safe text for a list of ids: ``1-4,9`` style ranges, or
    ``z`` + base64 of the zlib-compressed deltas when the ranges get long.

    >>> encode_ids([3, 1, 2, 9])
    '1-3,9'
    >>> decode_ids(encode_ids(list(range(1, 20000, 3)))) == list(range(1, 20000, 3))
    True
    """
    ids = sorted(set(ids))
    parts = []
    start = prev = None
    for rid in ids:
        if prev is not None and rid == prev + 1:
            prev = rid
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = rid
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}-{prev}")
    plain = ",".join(parts)
    if len(plain) <= _PLAIN_IDS_MAX:
        return plain
    deltas, last = [], 0
    for rid in ids:
        deltas.append(str(rid - last))
        last = rid
    packed = zlib.compress(",".join(deltas).encode(), 9)
    return "z" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_ids(text, limit=1_000_000):
    """The ids of :func:`encode_ids`; ``ValueError`` on anything malformed.

    >>> decode_ids("1-3,9")
    [1, 2, 3, 9]
    >>> decode_ids("z" + base64.urlsafe_b64encode(b"not zlib").decode())
    Traceback (most recent call last):
    ValueError: bad compressed ids
    >>> decode_ids("2147483648")
    Traceback (most recent call last):
    ValueError: bad ids
    """
    text = (text or "").strip()
    if not text:
        return []
    if text.startswith("z"):
        raw = base64.urlsafe_b64decode(text[1:] + "=" * (-len(text[1:]) % 4))
        # Bounded decompression: a crafted url cannot inflate without limit.
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(raw, 16 * limit)
        except zlib.error as exc:
            raise ValueError("bad compressed ids") from exc
        if inflater.unconsumed_tail:
            raise ValueError("id list too long")
        ids, last = [], 0
        for delta in data.decode().split(","):
            last += int(delta)
            ids.append(last)
    else:
        ids = []
        for part in text.split(","):
            low, sep, high = part.partition("-")
            low, high = int(low), int(high if sep else low)
            if high < low or high - low + len(ids) > limit:
                raise ValueError("bad id range")
            ids.extend(range(low, high + 1))
    if len(ids) > limit or any(rid <= 0 or rid > _MAX_ID for rid in ids):
        raise ValueError("bad ids")
    return ids


class CrmCustomerProfitabilityExport(models.AbstractModel):
    """The XLSX export of profitability records (mixed into
    ``crm.customer.profitability``). The url carries the ids and the language;
    the download route re-reads the records as the user who opens it, so record
    rules and companies are checked at download time, in any of that user's
    sessions."""

    _name = "crm.customer.profitability.export"
    _description = "Customer Profitability XLSX Export"
    # the download route of the model mixing this in (segments have their own)
    _crm_xlsx_route = XLSX_ROUTE

    def action_export_xlsx(self):
        """An ``ir.actions.act_url`` downloading these records as XLSX in the
        user's language (the context's, else the user's)."""
        return xlsx_export_action(self, self._crm_xlsx_route)


def xlsx_export_action(records, route, **params):
    """The download action of ``records`` as XLSX at ``route``: rights checked,
    the ids and the reader's language in the url (the route checks again)."""
    records.check_access("read")
    existing = records.exists()
    if not existing and records:
        raise UserError(records.env._("The selected records no longer exist."))
    env = records.env
    lang = env.context.get("lang") or env.user.lang or "en_US"
    # urlencode: the context's lang is the caller's text, not a url part
    query = urlencode(dict(params, ids=encode_ids(existing.ids), lang=lang))
    return {"type": "ir.actions.act_url", "url": f"{route}?{query}", "target": "self"}


class CrmAnalyticsReportExport(models.AbstractModel):
    """XLSX export of a report model of the analytical CRM (attribution,
    people...; segments use the profitability export with their own route),
    with the profitability export's machinery: the model gives
    ``_crm_xlsx_columns`` ((field, width) pairs), ``_crm_xlsx_summed`` and
    ``_crm_report_title()``; its PDF is ``report_analytics_table``."""

    _name = "crm.analytics.report.export"
    _description = "Analytics Report Export"

    _crm_xlsx_columns = ()
    _crm_xlsx_summed = ()

    def _crm_report_title(self):
        """The report's name in the reader's language (its model's name)."""
        return self.env["ir.model"]._get(self._name).name or self._description

    def action_export_xlsx(self):
        """An ``ir.actions.act_url`` downloading these rows as XLSX at the
        generic report route (the model in the url)."""
        return xlsx_export_action(self, REPORT_XLSX_ROUTE, model=self._name)
