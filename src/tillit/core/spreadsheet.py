"""Text for files staff open in a spreadsheet (the carrier file, the print house's letter
file): one line, and never the start of a formula."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """``value`` on one line, with a leading apostrophe when it would start a formula
    (``= + - @``), so that a name cannot run as a formula when the file is opened."""
    value = " ".join(str(value).split())
    return "'" + value if value.startswith(_FORMULA_START) else value
