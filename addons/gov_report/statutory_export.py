# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The XLSX (xlsxwriter) and the PDF (HTML → weasyprint, the way gov_fee's
reconciliation does it) of a statutory report (R-REP-2), both made from
the plain values of StatutoryReport.values() — the frozen ones of a closed
report — so that the two files always carry the same figures.

The XLSX: the header of the form, three header rows and the row of column
numbers frozen above the figures, the sums of columns and the total row
as formulas (with their values cached for readers that do not compute),
A4 landscape, one page wide, the header rows repeated on every page. Its
document properties carry the moment the values were made, not the moment
of the export, so that the same values give the same file."""
import datetime as dt
import io
import os

from genshi.template import MarkupTemplate
from xlsxwriter.utility import xl_rowcol_to_cell

from gov_agency.l10n import group_digits, place_name

from .statutory_layout import (
    COLUMNS, FORM, MAKER, ROW_HEADERS, SIGNATURE, TOTAL_LABEL, groups,
    period_text, reporter_text, table)

REPORT_DIR = os.path.join(os.path.dirname(__file__), 'report')
# Rows of the XLSX (0-based).
HEADER_ROW = 7
FIRST_ROW = HEADER_ROW + 4
FIXED = 2  # the number and the label columns


def _moment(values):
    return dt.datetime.fromisoformat(values.get('closed') or values['made'])


def to_xlsx(values):
    import xlsxwriter
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    workbook.set_properties({
            'title': FORM['title'],
            'subject': period_text(values),
            'author': values['agency']['name'],
            'created': _moment(values),
            })
    base = {'font_name': 'Times New Roman', 'font_size': 11}

    def style(**kw):
        return workbook.add_format(dict(base, **kw))
    bold_center = style(bold=True, align='center', valign='vcenter',
        text_wrap=True)
    title = style(bold=True, font_size=14, align='center')
    italic_center = style(italic=True, align='center')
    head = style(bold=True, align='center', valign='vcenter',
        text_wrap=True, border=1)
    number_head = style(italic=True, align='center', border=1)
    text = style(border=1, text_wrap=True, valign='vcenter')
    number = style(border=1, num_format='#,##0', valign='vcenter')
    total_text = style(border=1, bold=True)
    total_number = style(border=1, bold=True, num_format='#,##0')

    sheet = workbook.add_worksheet('Biểu %s' % FORM['code'].split('/')[0])
    width = FIXED + len(COLUMNS)
    last = width - 1
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 34)
    sheet.set_column(FIXED, last, 11)
    agency = values['agency']
    sheet.merge_range(0, 0, 0, 4, (agency['parent'] or '').upper(),
        bold_center)
    sheet.merge_range(1, 0, 1, 4, agency['name'].upper(), bold_center)
    sheet.merge_range(0, last - 5, 0, last, "Biểu số %s" % FORM['code'],
        bold_center)
    sheet.merge_range(1, last - 5, 1, last,
        "Ban hành kèm theo %s" % FORM['basis'], italic_center)
    sheet.merge_range(3, 0, 3, last, FORM['title'], title)
    sheet.merge_range(4, 0, 4, last, period_text(values), italic_center)
    sheet.merge_range(5, 0, 5, last, reporter_text(values), italic_center)

    # Header: group / subgroup / label, then the column numbers.
    top, sub, leaf = HEADER_ROW, HEADER_ROW + 1, HEADER_ROW + 2
    sheet.merge_range(top, 0, leaf, 0, "STT", head)
    sheet.merge_range(top, 1, leaf, 1, ROW_HEADERS[values['row_kind']],
        head)
    spans, subspans = groups()
    for group, first, end in spans:
        if first == end:
            sheet.write(top, FIXED + first, group, head)
        else:
            sheet.merge_range(top, FIXED + first, top, FIXED + end, group,
                head)
    in_sub = set()
    for subgroup, first, end in subspans:
        in_sub.update(range(first, end + 1))
        sheet.merge_range(sub, FIXED + first, sub, FIXED + end, subgroup,
            head)
    for index, column in enumerate(COLUMNS):
        if index in in_sub:
            sheet.write(leaf, FIXED + index, column[3], head)
        else:
            sheet.merge_range(sub, FIXED + index, leaf, FIXED + index,
                column[3], head)
    for col in range(width):
        sheet.write(HEADER_ROW + 3, col, '(%s)' % (col + 1), number_head)
    sheet.set_row(top, 30)
    sheet.set_row(leaf, 45)

    rows, totals = table(values)
    keys = [c[0] for c in COLUMNS]
    for offset, (index, label, cells) in enumerate(rows):
        row = FIRST_ROW + offset
        sheet.write_number(row, 0, index, text)
        sheet.write_string(row, 1, label, text)
        for col, (column, cell) in enumerate(zip(COLUMNS, cells)):
            source = column[4]
            if isinstance(source, str):
                sheet.write_number(row, FIXED + col, cell, number)
            else:
                formula = '=' + '+'.join(
                    xl_rowcol_to_cell(row, FIXED + keys.index(name))
                    for name in source[1:])
                sheet.write_formula(row, FIXED + col, formula, number, cell)
    total_row = FIRST_ROW + len(rows)
    sheet.merge_range(total_row, 0, total_row, 1, TOTAL_LABEL, total_text)
    for col, total in enumerate(totals):
        if rows:
            formula = '=SUM(%s:%s)' % (
                xl_rowcol_to_cell(FIRST_ROW, FIXED + col),
                xl_rowcol_to_cell(total_row - 1, FIXED + col))
            sheet.write_formula(total_row, FIXED + col, formula,
                total_number, total)
        else:
            sheet.write_number(total_row, FIXED + col, 0, total_number)

    sign = total_row + 2
    sheet.merge_range(sign, last - 5, sign, last,
        "%s, ngày ..... tháng ..... năm ......" % place_name(),
        italic_center)
    sheet.merge_range(sign + 1, 0, sign + 1, 4, MAKER, bold_center)
    sheet.merge_range(sign + 1, last - 5, sign + 1, last, SIGNATURE,
        bold_center)
    if values.get('closed'):
        sheet.merge_range(sign + 6, 0, sign + 6, last,
            "Số liệu đã chốt lúc %s bởi %s." % (
                values.get('closed_text') or values['closed'],
                values.get('closed_by') or ''),
            italic_center)

    sheet.freeze_panes(FIRST_ROW, FIXED)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW, HEADER_ROW + 3)
    sheet.center_horizontally()
    workbook.close()
    return output.getvalue()


def to_html(values):
    with open(os.path.join(REPORT_DIR, 'statutory.html'),
            encoding='utf-8') as f:
        template = MarkupTemplate(f.read())
    with open(os.path.join(REPORT_DIR, 'statutory.css'),
            encoding='utf-8') as f:
        css = f.read()
    rows, totals = table(values)
    spans, subspans = groups()
    # The second and third header rows: (label, colspan, rowspan).
    starts = {a: (label, b - a + 1) for label, a, b in subspans}
    inside = {i for _, a, b in subspans for i in range(a, b + 1)}
    second, third = [], []
    for index, column in enumerate(COLUMNS):
        if index in starts:
            second.append((starts[index][0], starts[index][1], 1))
        if index in inside:
            third.append(column[3])
        else:
            second.append((column[3], 1, 2))
    return template.generate(
        values=values, form=FORM, columns=COLUMNS, rows=rows,
        totals=totals, spans=spans, second=second, third=third,
        row_header=ROW_HEADERS[values['row_kind']],
        period=period_text(values), reporter=reporter_text(values),
        total_label=TOTAL_LABEL, maker=MAKER, signature=SIGNATURE,
        place=place_name(), css=css, group_digits=group_digits,
        ).render('html', doctype='html5', encoding=None)


def to_pdf(values):
    from gov_dossier.report import html_to_pdf
    return html_to_pdf(to_html(values))
