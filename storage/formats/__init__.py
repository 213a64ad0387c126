"""Writers and readers of the files that leave and enter Learning Cycles.

Every writer works from the portfolio document (``storage.export.read_document``), the same shape
as the JSON export and the portfolio import format, or, for the review, from
``cycles.review.Review``. Every file is written atomically and readable by its owner only
(``storage.formats.safety``).
"""
