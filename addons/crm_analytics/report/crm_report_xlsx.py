# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The XLSX machinery of the analytical CRM's reports (profitability,
segments): real numbers and dates, number formats built from the currency and
the reader's ``res.lang`` date format, translated headers and sheet names,
right-to-left sheets for rtl languages, xlsxwriter's constant-memory mode and
records read in batches so that a large export keeps a flat memory. A report
subclasses :class:`RecordsXlsxWriter` with its model and columns; the report
models mixing in ``crm.analytics.report.export`` (attribution, people...) are
written by :class:`ReportXlsxWriter` from the columns they declare."""

import re

import xlsxwriter

BATCH_SIZE = 1000

_STRFTIME_TO_EXCEL = {
    "d": "dd",
    "e": "d",
    "m": "mm",
    "Y": "yyyy",
    "y": "yy",
    "b": "mmm",
    "h": "mmm",
    "B": "mmmm",
    "a": "ddd",
    "A": "dddd",
    "H": "hh",
    "I": "hh",
    "M": "mm",
    "S": "ss",
    "p": "AM/PM",
}
# Literals Excel shows as they are in a date format; anything else is quoted.
_PLAIN_DATE_LITERALS = set("/-.,: ")


def excel_date_format(date_format):
    """An Excel date format code for a ``res.lang`` strftime date format.

    >>> excel_date_format("%d/%m/%Y")
    'dd/mm/yyyy'
    >>> excel_date_format("%Y年%m月%d日")
    'yyyy"年"mm"月"dd"日"'
    >>> excel_date_format("%d %b, %Y")
    'dd mmm, yyyy'
    """
    out = []
    pending = []

    def flush():
        if pending:
            out.append('"%s"' % "".join(pending).replace('"', ""))
            pending.clear()

    i = 0
    fmt = date_format or "%Y-%m-%d"
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and i + 1 < len(fmt):
            flush()
            out.append(_STRFTIME_TO_EXCEL.get(fmt[i + 1], ""))
            i += 2
            continue
        if char in _PLAIN_DATE_LITERALS:
            flush()
            out.append(char)
        else:
            pending.append(char)
        i += 1
    flush()
    return "".join(out) or "yyyy-mm-dd"


def excel_number_format(decimal_places=2, symbol=None, position="after"):
    """A locale-neutral Excel number format (grouping and decimals are shown
    with the viewer's separators), the currency symbol quoted before or after
    the amount as the currency's ``position`` says.

    >>> excel_number_format(2, "€", "after")
    '#,##0.00\\u00a0"€";-#,##0.00\\u00a0"€"'
    >>> excel_number_format(0, "¥", "before")
    '"¥"\\u00a0#,##0;-"¥"\\u00a0#,##0'
    >>> excel_number_format(1)
    '#,##0.0'
    """
    number = "#,##0" + ("." + "0" * decimal_places if decimal_places > 0 else "")
    if not symbol:
        return number
    quoted = '"%s"' % symbol.replace('"', "")
    if position == "before":
        positive = f"{quoted}\u00a0{number}"
    else:
        positive = f"{number}\u00a0{quoted}"
    return f"{positive};-{positive}"


def sheet_name(name):
    """A valid sheet name: Excel's forbidden characters stripped, 31 characters.

    >>> sheet_name("Rentabilité clients : 2024/2025 [export] plus long")
    'Rentabilité clients  20242025 e'
    """
    name = re.sub(r"[\[\]:*?/\\]", "", name or "").strip("'")
    return name[:31] or "Sheet1"


class RecordsXlsxWriter:
    """Writes records (already checked readable) of ``env`` (the reader's
    environment, its ``lang`` set) into the file ``path``: one sheet per
    :meth:`add_sheet`, :meth:`close` at the end."""

    model_name = None
    # (field, column width); the header is the field's label in the reader's language
    columns = []
    # fields summed in the totals row (per currency)
    summed = ()

    def __init__(self, env, path):
        self.env = env
        self.lang = env["res.lang"]._lang_get(env.lang or "en_US") or env[
            "res.lang"
        ]._lang_get("en_US")
        self.workbook = xlsxwriter.Workbook(
            path, {"constant_memory": True, "strings_to_numbers": False}
        )
        self.formats = {}

    @property
    def model(self):
        return self.env[self.model_name]

    def _currency(self, rec):
        """The currency of ``rec``'s amounts: its own, else its company's."""
        if "currency_id" in rec._fields:
            return rec.currency_id
        return rec.env.company.currency_id

    def _format(self, key, **props):
        if key not in self.formats:
            self.formats[key] = self.workbook.add_format(props)
        return self.formats[key]

    def _currency_format(self, currency):
        return self._format(
            ("money", currency.id),
            num_format=excel_number_format(
                currency.decimal_places, currency.symbol, currency.position
            ),
        )

    def _cell_formats(self):
        date_fmt = excel_date_format(self.lang.date_format)
        return {
            "date": self._format("date", num_format=date_fmt),
            "float": self._format("float", num_format="#,##0.00"),
            "integer": self._format("integer", num_format="#,##0"),
        }

    def _headers(self, sheet, model):
        header = self._format("header", bold=True, text_wrap=True, valign="top")
        fields = model._fields
        for col, (fname, width) in enumerate(self.columns):
            label = fields[fname]._description_string(self.env)
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, label, header)
        sheet.freeze_panes(1, 1)

    def _write_record(self, sheet, row, rec, formats):
        fields = rec._fields
        money = self._currency_format(self._currency(rec))
        for col, (fname, _width) in enumerate(self.columns):
            field = fields[fname]
            value = rec[fname]
            if field.type == "many2one":
                sheet.write_string(row, col, value.display_name or "")
            elif field.type == "date":
                if value:
                    sheet.write_datetime(row, col, value, formats["date"])
                else:
                    sheet.write_blank(row, col, None, formats["date"])
            elif field.type == "monetary" or fname in self.money_fields:
                sheet.write_number(row, col, value or 0.0, money)
            elif field.type == "integer":
                sheet.write_number(row, col, value or 0, formats["integer"])
            elif field.type == "float":
                sheet.write_number(row, col, value or 0.0, formats["float"])
            elif field.type == "selection":
                labels = dict(field._description_selection(self.env))
                sheet.write_string(row, col, str(labels.get(value, value or "")))
            else:
                sheet.write_string(row, col, str(value or ""))

    # Float fields shown as amounts of the record's currency.
    money_fields = ()

    def _write_totals(self, sheet, row, totals, model):
        label = self.env._("Total")
        bold = self._format("total", bold=True)
        fields = model._fields
        for currency, sums in totals.items():
            text = f"{label} ({currency.name})" if len(totals) > 1 else label
            sheet.write_string(row, 0, text, bold)
            for col, (fname, _width) in enumerate(self.columns):
                if fname in sums:
                    value = sums[fname]
                    if fields[fname].type == "integer":
                        fmt = self._format("integer", num_format="#,##0")
                    else:
                        fmt = self._currency_format(currency)
                        value = currency.round(value)
                    sheet.write_number(row, col, value, fmt)
            row += 1
        return row

    def add_sheet(self, title, ordered_ids, model=None):
        """A sheet named ``title`` with the rows of ``ordered_ids`` in that
        order (of ``model``, default the writer's), reading ``BATCH_SIZE``
        records at a time and dropping them from the cache after each batch."""
        model = model if model is not None else self.model
        sheet = self.workbook.add_worksheet(sheet_name(title))
        if self.lang.direction == "rtl":
            sheet.right_to_left()
        self._headers(sheet, model)
        formats = self._cell_formats()
        fnames = [fname for fname, _width in self.columns]
        if "currency_id" in model._fields:
            fnames.append("currency_id")
        totals = {}
        row = 1
        for start in range(0, len(ordered_ids), BATCH_SIZE):
            batch = model.browse(ordered_ids[start : start + BATCH_SIZE])
            batch.fetch(fnames)
            for rec in batch:
                self._write_record(sheet, row, rec, formats)
                sums = totals.setdefault(
                    self._currency(rec), dict.fromkeys(self.summed, 0)
                )
                for fname in self.summed:
                    sums[fname] += rec[fname] or 0
                row += 1
            # Keep memory flat: forget this batch (and its partners) before the next.
            self.env.invalidate_all()
        if ordered_ids:
            sheet.autofilter(0, 0, row - 1, len(self.columns) - 1)
        self._write_totals(sheet, row, totals, model)
        return sheet

    def close(self):
        self.workbook.close()

    def _title(self):
        """The sheet name of :meth:`write_rows`, in the reader's language."""
        return self.model._description

    def write_rows(self, ordered_ids):
        """The whole file: one sheet of the writer's model, ``ordered_ids``."""
        self.add_sheet(self._title(), ordered_ids)
        self.close()


class ReportXlsxWriter(RecordsXlsxWriter):
    """The XLSX of a report model mixing in ``crm.analytics.report.export``:
    its columns, totals and title are the model's ``_crm_xlsx_columns``,
    ``_crm_xlsx_summed`` and ``_crm_report_title()``."""

    def __init__(self, env, path, model_name):
        super().__init__(env, path)
        self.model_name = model_name
        self.columns = self.model._crm_xlsx_columns
        self.summed = self.model._crm_xlsx_summed

    def _title(self):
        return self.model._crm_report_title()
