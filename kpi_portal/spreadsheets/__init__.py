"""Spreadsheet pieces every importer and every download shares.

- tabular: the one reading layer of every upload (`read_tabular`): the format told from
  the bytes, read into `grid.Grid`s by its reader (archive for .xlsx, xls, ods, CSV
  here), each held to the same `SheetBounds`; `formats` words what cannot be read;
- archive: checking an uploaded .xlsx and opening it (`open_xlsx`), the bounds;
- cells: reading its cells (blank, formula, header and name text);
- text: text written into a downloaded xlsx or CSV never runs as a formula.
"""
