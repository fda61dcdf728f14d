"""Spreadsheet cells stay what they say: text that a spreadsheet would take for a formula is stored as text."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.exports import csv_cell, xlsx_row

LOOKS_LIKE_A_FORMULA = ['=HYPERLINK("http://evil.example","点这里")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"]


@pytest.mark.parametrize("write_only", [True, False])
def test_text_that_looks_like_a_formula_is_stored_as_text_in_an_xlsx(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("cells") if write_only else book.active
    sheet.append(xlsx_row(sheet, [*LOOKS_LIKE_A_FORMULA, "普通文字", 42, 0.5, None]))
    buffer = io.BytesIO()
    book.save(buffer)
    row = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
    assert [(cell.value, cell.data_type) for cell in row[:6]] == [(text, "s") for text in
                                                                  [*LOOKS_LIKE_A_FORMULA, "普通文字"]]
    assert [cell.value for cell in row[6:8]] == [42, 0.5]


def test_text_that_looks_like_a_formula_is_led_by_an_apostrophe_in_a_csv():
    assert [csv_cell(text) for text in LOOKS_LIKE_A_FORMULA] == [f"'{text}" for text in LOOKS_LIKE_A_FORMULA]
    assert [csv_cell(value) for value in ["普通文字", 42, None]] == ["普通文字", 42, None]
