#!/usr/bin/env python3
"""Writes shown.ods and shown.xls: one 党员互评 sheet of the guanba form whose first item (理想信念)
holds, row by row, a plain mark and the values Excel, WPS or LibreOffice make of a typed mark:
a date (9.5 → 9月5日), a percent, a time, an amount of money. The reader must reject each such row
with what the sheet shows (reader/src/lib.rs, tests `*_shown_*`).

shown.ods is written with zipfile as LibreOffice Calc 7 writes it (office:value-type and the text
it shows, a title row, repeated empty rows, a repeated data row, a comment in a cell).
shown.xls needs xlwt (pip install xlwt==1.3.0; BIFF8 with number formats). Run from this folder.
"""
import zipfile

HEAD = ["member", "rater_group", "理想信念", "宗旨意识", "工作作风", "组织纪律", "廉洁自律", "精神状态", "素质能力", "工作绩效"]
FILLER = [9, 9, 9, 9, 9, 9, 28]  # 宗旨意识 … 工作绩效


def s(t):
    return f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{t}</text:p></table:table-cell>'


def f(v, shown=None):
    return f'<table:table-cell office:value-type="float" office:value="{v}" calcext:value-type="float"><text:p>{shown or v}</text:p></table:table-cell>'


def row(cells, repeat=1):
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>" + "".join(cells) + "</table:table-row>"


def data(name, first):
    return [s(name), s("党员互评"), first] + [f(v) for v in FILLER]


ODS_ROWS = [
    row([s("关坝镇党员互评表")]),  # 1: a title
    row(['<table:table-cell table:number-columns-repeated="10"/>'], 2),  # 2-3: empty
    row([s(h) for h in HEAD]),  # 4: the header
    row(data("张三", f(9))),  # 5: scored
    row(data("李四", '<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2005-09-05" calcext:value-type="date"><text:p>9月5日</text:p></table:table-cell>')),
    row(data("王五", '<table:table-cell office:value-type="date" office:date-value="2005-09-05T00:00:00" calcext:value-type="date"><text:p>2005-09-05</text:p></table:table-cell>')),
    row(data("赵六", '<table:table-cell office:value-type="percentage" office:value="0.95" calcext:value-type="percentage">'
              '<office:annotation><dc:creator>x</dc:creator><text:p>批注 0.95</text:p></office:annotation><text:p>95%</text:p></table:table-cell>')),
    row(data("钱七", '<table:table-cell office:value-type="time" office:time-value="PT09H00M00S" calcext:value-type="time"><text:p>09:00</text:p></table:table-cell>')),
    row(data("孙八", '<table:table-cell office:value-type="currency" office:currency="CNY" office:value="9" calcext:value-type="currency"><text:p>¥9.00</text:p></table:table-cell>')),
    row(data("周九", f(9.5))),  # 11: scored
    row(data("吴十", '<table:table-cell office:value-type="percentage" office:value="0.9" calcext:value-type="percentage"/>'), 2),  # 12-13: no text
]

CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3">'
    "<office:body><office:spreadsheet>"
    '<table:table table:name="党员互评"><table:table-column table:number-columns-repeated="10"/>'
    + "".join(ODS_ROWS)
    + '<table:table-row table:number-rows-repeated="1048563"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    "</table:table></office:spreadsheet></office:body></office:document-content>"
)

MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)

with zipfile.ZipFile("shown.ods", "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype", (2026, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
    for name, text in [("content.xml", CONTENT), ("META-INF/manifest.xml", MANIFEST)]:
        z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)

import xlwt  # noqa: E402  (only for shown.xls)

wb = xlwt.Workbook(encoding="utf-8")
ws = wb.add_sheet("党员互评")
ws.write(0, 0, "关坝镇党员互评表")
for c, h in enumerate(HEAD):
    ws.write(1, c, h)
XLS_ROWS = [
    ("张三", 9, "General"),  # 3: scored
    ("李四", 38600, 'm"月"d"日"'),  # 2005-09-05
    ("王五", 38600, "yyyy-mm-dd"),
    ("赵六", 0.95, "0%"),
    ("钱七", 0.375, "h:mm"),
    ("孙八", 9, '"¥"#,##0.00'),
    ("周九", 9.5, "0.0"),  # 9: scored
]
for r, (name, first, fmt) in enumerate(XLS_ROWS, start=2):
    ws.write(r, 0, name)
    ws.write(r, 1, "党员互评")
    ws.write(r, 2, first, xlwt.easyxf(num_format_str=fmt))
    for c, v in enumerate(FILLER, start=3):
        ws.write(r, c, v)
wb.save("shown.xls")
