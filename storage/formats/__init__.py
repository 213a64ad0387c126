"""Writers and readers of the files that leave and enter Learning Cycles.

The JSON and ICS writers work from the portfolio document (``storage.reading.export.document``), the same
shape as the JSON export and the portfolio import format; the CSV and XLSX writers from the same
rows turned straight into tables (``storage.formats.tabular.cells``); the review's writers from
``cycles.review.Review``. Every file is written atomically and readable by its owner only
(``storage.formats.safety``).
"""
