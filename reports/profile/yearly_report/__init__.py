"""The yearly report of one unit (issue 15): /provinces/<code>/report/?year=2023, as a page, a DOCX and a PDF.

Staff paste it into their own yearly report (Báo cáo kết quả CCHC năm): the year's figures with ranks and
change, the comparison with the region and the country, the charts, and the sources as a numbered list.
``selectors`` reads the year, ``charts`` builds the figures, ``images`` renders them on the server (plotly's
kaleido with the system Chromium), ``documents`` writes the DOCX and the PDF, ``views`` serves all three.
"""
