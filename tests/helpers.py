"""Helpers shared by test modules of several folders (``tests/`` is on ``sys.path`` through its conftest)."""

import re


def table_rows(html, table_id):
    """Cell texts of each body row of the table ``table_id``."""
    body = html.split(f'<table id="{table_id}">', 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
