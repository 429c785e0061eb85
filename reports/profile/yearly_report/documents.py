"""The yearly report as a DOCX (python-docx) and a PDF (fpdf2), from the same ReportText and chart images.

The DOCX is meant to be pasted into a province's own yearly report, so it uses Word's built-in styles
(Heading 1/2, Table Grid, List Number) that the receiving document restyles. The PDF embeds a Unicode font
found on the system (DejaVu Sans, Liberation Sans or Noto Sans: Vietnamese needs its diacritics).
"""

import io
from pathlib import Path

from django.utils.translation import gettext as _

from reports.profile.yearly_report.page import ReportText

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
]


class PdfFontMissing(Exception):
    """No Unicode font with Vietnamese letters was found for the PDF."""


def docx_bytes(text: ReportText, images: list[tuple[str, bytes]], *, images_note: str = "") -> bytes:
    """Return the report as a Word document: title, figures table, notes, charts and numbered sources."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    document.add_heading(text.title, level=1)
    document.add_paragraph(text.subtitle)
    document.add_heading(_("Figures of the year"), level=2)
    table = document.add_table(rows=1, cols=len(text.columns))
    table.style = "Table Grid"
    for cell, column in zip(table.rows[0].cells, text.columns, strict=True):
        cell.text = column
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in text.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)
    for note in text.notes:
        document.add_paragraph(note).runs[0].italic = True
    if images or images_note:
        document.add_heading(_("Charts"), level=2)
    if images_note:
        document.add_paragraph(images_note)
    for caption, png in images:
        document.add_picture(io.BytesIO(png), width=Cm(16.5))
        document.add_paragraph(caption, style="Caption")
    document.add_heading(_("Sources"), level=2)
    for source in text.sources:
        document.add_paragraph(source, style="List Number")
    document.add_paragraph(text.generated).runs[0].italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _font_files() -> tuple[str, str]:
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).exists() and Path(bold).exists():
            return regular, bold
    raise PdfFontMissing("no Unicode font found (install fonts-dejavu-core)")


def pdf_bytes(text: ReportText, images: list[tuple[str, bytes]], *, images_note: str = "") -> bytes:
    """Return the report as an A4 PDF with the same content as the DOCX."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    regular, bold = _font_files()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("report", "", regular)
    pdf.add_font("report", "B", bold)
    pdf.set_title(text.title)
    pdf.add_page()
    pdf.set_font("report", "B", 15)
    pdf.multi_cell(0, 7, text.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("report", "", 10)
    pdf.multi_cell(0, 5, text.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("report", "B", 12)
    pdf.cell(0, 7, _("Figures of the year"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("report", "", 7)
    # A province's table has a region and a country column; other units one column for their peers' average.
    widths = (44, 16, 18, 20, 14, 24, 30, 14) if len(text.columns) == 8 else (48, 18, 20, 22, 16, 42, 14)
    with pdf.table(col_widths=widths, text_align="LEFT", headings_style=FontFace(emphasis="BOLD")) as table:
        table.row(text.columns)
        for row in text.rows:
            table.row(row)
    pdf.ln(2)
    pdf.set_font("report", "", 8)
    for note in text.notes:
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    if images or images_note:
        pdf.ln(2)
        pdf.set_font("report", "B", 12)
        pdf.cell(0, 7, _("Charts"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("report", "", 9)
    if images_note:
        pdf.multi_cell(0, 5, images_note, new_x="LMARGIN", new_y="NEXT")
    for caption, png in images:
        if pdf.get_y() > 190:
            pdf.add_page()
        pdf.image(io.BytesIO(png), w=180)
        pdf.set_font("report", "", 8)
        pdf.multi_cell(0, 4, caption, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font("report", "B", 12)
    pdf.cell(0, 7, _("Sources"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("report", "", 8)
    for number, source in enumerate(text.sources, start=1):
        pdf.multi_cell(0, 4, f"{number}. {source}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 4, text.generated, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
