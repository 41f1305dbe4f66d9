# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The layout of the statutory reports (R-REP-2): the form they follow,
its columns and the figure (figures.py) each column shows.

The form: the Government Office's periodic report on the results of
handling administrative procedures, "Tình hình, kết quả giải quyết thủ tục
hành chính", Biểu mẫu II.06a/VPCP/KSTT (at an agency that handles them,
rows by field) of Thông tư 01/2020/TT-VPCP, which implements the
reporting regime of Nghị định 09/2019/NĐ-CP. ASSUMPTION: the column groups
below (received: carried over, new online / at the desk / by post;
resolved: early, on time, late; in progress: within and past the due date)
are those of that form as commonly reproduced; we could not read the
current official text from here, nor confirm that Thông tư 03/2025/TT-VPCP
(Nghị định 118/2025/NĐ-CP) left it unchanged. The last group (supplement
requests, refusals, withdrawals) is ours, added for the province's own
follow-up. Changing a column means changing COLUMNS only: both exports read
it."""

FORM = {
    'code': 'II.06a/VPCP/KSTT',
    'basis': "Thông tư 01/2020/TT-VPCP (Nghị định 09/2019/NĐ-CP)",
    'title': "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
    }
ROW_HEADERS = {
    'field': "Lĩnh vực giải quyết",
    'agency': "Cơ quan, đơn vị",
    }
TOTAL_LABEL = "Tổng cộng"

# Each column: (key, group, subgroup or None, label, source), source
# either a figure of figures.py or ('+', key, key…): a sum of other
# columns (a formula in the XLSX, the same sum in the PDF).
COLUMNS = [
    ('total', "Số hồ sơ nhận giải quyết", None, "Tổng số",
        ('+', 'carried_over', 'received')),
    ('carried_over', "Số hồ sơ nhận giải quyết", None,
        "Từ kỳ trước chuyển sang", 'carried_over'),
    ('received', "Số hồ sơ nhận giải quyết", "Mới tiếp nhận", "Tổng số",
        'received'),
    ('received_online', "Số hồ sơ nhận giải quyết", "Mới tiếp nhận",
        "Trực tuyến", 'received_online'),
    ('received_desk', "Số hồ sơ nhận giải quyết", "Mới tiếp nhận",
        "Trực tiếp", 'received_desk'),
    ('received_post', "Số hồ sơ nhận giải quyết", "Mới tiếp nhận",
        "Qua dịch vụ bưu chính công ích", 'received_post'),
    ('resolved', "Số hồ sơ đã giải quyết", None, "Tổng số", 'resolved'),
    ('resolved_early', "Số hồ sơ đã giải quyết", None, "Trước hạn",
        'resolved_early'),
    ('resolved_on_time', "Số hồ sơ đã giải quyết", None, "Đúng hạn",
        'resolved_on_time'),
    ('resolved_late', "Số hồ sơ đã giải quyết", None, "Quá hạn",
        'resolved_late'),
    ('in_progress', "Số hồ sơ đang giải quyết", None, "Tổng số",
        ('+', 'in_progress_on_time', 'in_progress_overdue')),
    ('in_progress_on_time', "Số hồ sơ đang giải quyết", None,
        "Trong hạn", 'in_progress_on_time'),
    ('in_progress_overdue', "Số hồ sơ đang giải quyết", None, "Quá hạn",
        'in_progress_overdue'),
    ('supplement_requested', "Khác", None, "Yêu cầu bổ sung",
        'supplement_requested'),
    ('rejected', "Khác", None, "Từ chối", 'rejected'),
    ('withdrawn', "Khác", None, "Rút hồ sơ", 'withdrawn'),
    ]
SIGNATURE = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
MAKER = "NGƯỜI LẬP BIỂU"


def figure_names():
    "The figures of figures.py the report reads."
    return [source for _, _, _, _, source in COLUMNS
        if isinstance(source, str)]


def cell_value(row, column):
    "The value of a column in a row of figures (a sum for '+')."
    source = column[4]
    if isinstance(source, str):
        return row.get(source, 0)
    return sum(row.get(name, 0) for name in source[1:])


def table(values):
    """The rows of the report as the two exports show them: (number,
    label, [column values]), then the total."""
    rows = []
    totals = [0] * len(COLUMNS)
    for index, row in enumerate(values['rows'], 1):
        cells = [cell_value(row['figures'], c) for c in COLUMNS]
        totals = [t + c for t, c in zip(totals, cells)]
        rows.append((index, row['label'], cells))
    return rows, totals


def groups():
    """The header spans: [(group, first column, last column)] and
    [(subgroup, first, last)] over COLUMNS' indexes."""
    spans, subspans = [], []
    for index, (_, group, subgroup, _, _) in enumerate(COLUMNS):
        if spans and spans[-1][0] == group:
            spans[-1][2] = index
        else:
            spans.append([group, index, index])
        if subgroup and subspans and subspans[-1][0] == subgroup \
                and subspans[-1][2] == index - 1:
            subspans[-1][2] = index
        elif subgroup:
            subspans.append([subgroup, index, index])
    return [tuple(s) for s in spans], [tuple(s) for s in subspans]


def period_text(values):
    "'Kỳ báo cáo: 6 tháng năm 2026 (từ ngày 15/12/2025 đến ngày 14/06/2026)'."
    start = '/'.join(reversed(values['start_date'].split('-')))
    end = '/'.join(reversed(values['end_date'].split('-')))
    kind = "6 tháng năm" if values['kind'] == 'semester' else "năm"
    return "Kỳ báo cáo: %s %s (số liệu từ ngày %s đến ngày %s)" % (
        kind, values['year'], start, end)


def reporter_text(values):
    agency = values['agency']
    if values['scope'] == 'province':
        return "Đơn vị báo cáo: %s (tổng hợp toàn tỉnh)" % agency['name']
    return "Đơn vị báo cáo: %s" % agency['name']
