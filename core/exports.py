"""Spreadsheet cells that stay what they say. A resident's text beginning with ``=``, ``+``, ``-`` or ``@`` is a
formula to Excel (``=HYPERLINK(...)`` turns a description into a live link); every CSV and XLSX export writes its
text through here so that it is shown, never evaluated.

openpyxl is imported where a workbook is written or read, never with a module: it brings numpy in with it, a
fifth to a third of a second of every process's start (the web and Celery workers, each command) that most never use."""
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV value: text that a spreadsheet would read as a formula is led by an apostrophe (OWASP's advice)."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def xlsx_row(sheet, values) -> list:
    """A row for ``sheet.append``: text goes in as text cells, which Excel shows as typed and never evaluates.
    openpyxl writes any other string as text already; only one that starts with "=" it would take for a formula,
    and only that one is made a cell of its own (a cell object costs write-only mode ten times a plain value)."""
    return [_text(sheet, value) if isinstance(value, str) and value.startswith("=") else value for value in values]


class UnreadableWorkbook(ValueError):
    """An uploaded file that openpyxl cannot open as an XLSX workbook."""


def read_only_workbook(content: bytes):
    """An uploaded XLSX workbook, opened read-only with the cells' values (not their formulas)."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (zip, XML, key) for a damaged file
        raise UnreadableWorkbook from error


def _text(sheet, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl took a leading "=" for a formula
    return cell
