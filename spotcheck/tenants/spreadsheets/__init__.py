"""Spreadsheets (电子表格, Excel in and out) for the item list, the target directory and the inspector
directory: blank templates with the Chinese column headers of the seed attachments, exports of
the current lists in the same shape, and all-or-nothing imports (.xlsx or .csv).

* :mod:`.columns` — per kind, the ordered columns (header, field, required, how a cell is read);
* :mod:`.reading` — rows streamed from .xlsx (openpyxl read-only) and .csv (UTF-8 or GB18030);
* :mod:`.writing` — templates and exports as .xlsx;
* :mod:`.exporting` — the current data of a kind as spreadsheet rows (ID numbers masked unless
  the reader may see them);
* :mod:`.importing` — which importer reads which kind; :mod:`.pipeline` — the two-pass,
  all-or-nothing import; :mod:`.result_import` — a campaign's results entered offline;
* :mod:`.commands`, :mod:`.queries`, :mod:`.vocabulary` — what pages, the API and jobs call.
"""
