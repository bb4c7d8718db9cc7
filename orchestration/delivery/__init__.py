"""The monthly delivery to the ministry (contract section 7), as plain library code.

When a month is due (``due``), what a revision folder holds and how it is written atomically
(``folders``, ``table``, ``companion``, ``workbook``), whether new figures make a new revision
(``deliver``), and the e-mail that announces a changed month (``mail``). Nothing here imports
Dagster: the asset in ``orchestration/assets/delivery.py`` and the schedule in
``orchestration/schedules.py`` call into it.

This package imports nothing at module level on purpose: ``orchestration.report`` imports
``delivery.table`` while ``delivery.deliver`` imports ``orchestration.report``.
"""
