"""Importing figures from a file (the official appendix, the portal's own template or a plain
table, each as .xlsx, .xls, .ods or CSV: the container is read by
kpi_portal.spreadsheets.tabular, then one path for all) and exporting them again (.xlsx,
CSV UTF-8 with BOM). Reading (files, table_read, number_text, appendix_*), matching
(matching, unit_names) and analysing (analysis) write nothing; services.py writes.
exports.py makes the files out; views, forms, report and urls are the pages.

Flow. `figures_import_preview` reads the bytes, matches every row to a unit of the chosen
parent, checks it, and stores an ImportBatch (status PREVIEW) holding the exact bytes and a
JSON report; nothing else is written. `figures_import_commit` re-reads those stored bytes
inside one transaction and writes every row through `figures_write` (history action
IMPORT), or nothing at all: any error, and any exception raised while writing, rolls the
whole file back and marks the batch REJECTED.

A file that cannot be read at all (not a spreadsheet or CSV, corrupt, password-protected,
too old an Excel, too large, zip bomb, empty) raises ImportRefused and stores nothing.
Problems inside a readable file (unknown or duplicate unit, formula, bad number, broken
identity, approved figures, a unit outside the user's scope) are located findings (sheet,
row, column, Vietnamese message) that block the commit; published-rate and total-row
mismatches are warnings.

Decisions this package makes where nothing else decides:
- A unit is matched by its GSO code (as of the period) when the file has one, otherwise by
  name among the parent's own desk and its territorial children valid in the period. An
  appendix row in the "Cấp huyện" section is the parent's desk.
- A row whose values equal the stored ones is "unchanged" and not written: re-importing a
  file does not send submitted figures back to draft, and an approved unit's unchanged row
  is not an error.
- Template/CSV rows with every count blank are skipped (units not reported in this file);
  in a row with data, a blank cell means "not reported" and clears the stored value.
- The appendix has no columns for payments, feedback and ratings: importing it leaves
  those stored counts as they are.
- The period row: the web preview creates it (the batch points at it) once the file itself
  was readable; the command line creates it only when it commits (never on --dry-run).
- Without a user (command line, no --user) the operator has shell authority: no scope
  check, and history records no person.
"""
