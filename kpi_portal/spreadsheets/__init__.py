"""Spreadsheet pieces every importer and every download shares.

- archive: checking an uploaded .xlsx and opening it (`open_xlsx`);
- cells: reading its cells (blank, formula, header and name text);
- text: text written into a downloaded xlsx or CSV never runs as a formula.
"""
