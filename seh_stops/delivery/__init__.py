"""The monthly delivery to the ministry (specification, section 7), as plain library code.

The month's figures as the mart holds them (``month_figures``), when a month is due (``due``),
what a revision folder holds and how it is written atomically (``folders``, ``table``,
``report_page``, ``workbook``), whether new figures make a new revision (``deliver``), and the
e-mail that announces a changed month (``mail``). Nothing here imports Dagster: the asset in
``orchestration/assets/delivery.py`` and the schedule in ``orchestration/schedules.py`` call
into it.

This package imports nothing at module level on purpose: ``month_figures`` imports ``table``
while ``deliver`` imports ``month_figures``.
"""
