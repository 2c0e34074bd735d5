# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The XLSX of segments: one sheet per segment listing its members with their
RFM figures, tier and grade in the segment's company (the machinery:
``crm_report_xlsx``)."""

from .crm_report_xlsx import RecordsXlsxWriter

COLUMNS = [
    ("name", 32),
    ("email", 28),
    ("rfm_group", 14),
    ("rfm_recency_days", 10),
    ("rfm_frequency", 10),
    ("rfm_monetary", 15),
    ("rfm_r", 5),
    ("rfm_f", 5),
    ("rfm_m", 5),
    ("crm_tier_id", 14),
    ("crm_grade", 8),
]


class SegmentXlsxWriter(RecordsXlsxWriter):
    model_name = "res.partner"
    columns = COLUMNS
    summed = ("rfm_frequency", "rfm_monetary")
    money_fields = ("rfm_monetary",)

    def write_segments(self, segments):
        """One sheet per segment (``segments`` read as the reader)."""
        for segment in segments:
            members = self.model.with_company(segment.company_id)
            ids = members.search(
                [("id", "in", segment.partner_ids.ids)], order="name, id"
            ).ids
            self.add_sheet(segment.name, ids, model=members)
        if not segments:
            self.add_sheet(self.env._("Segments"), [])
        self.close()
