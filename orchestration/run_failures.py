"""What a failed run says: the text of its failed steps.

The CLI prints one line for a failed run, the data engineers' mail lists every failed step,
and the tests read the reason an asset gave: all three read Dagster's step-failure events the
same way, here.
"""

from __future__ import annotations

from collections.abc import Iterable

from dagster import DagsterEvent


def step_failure_text(event: DagsterEvent) -> str:
    """The reason a step failed as its code put it: a ``Failure``'s description, else the
    message of the exception it raised (the innermost cause: Dagster's wrapper around it says
    only that the step failed), else the event's own message."""
    data = event.step_failure_data
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description
    error = data.error
    while error is not None and error.cause is not None:
        error = error.cause
    return error.message.strip() if error is not None else (event.message or "")


def first_step_failure(events: Iterable[DagsterEvent]) -> str | None:
    """:func:`step_failure_text` of the run's first failed step, None when no step failed."""
    for event in events:
        if event.is_step_failure:
            return step_failure_text(event)
    return None


def error_text(error) -> str:
    """``: Type: message`` of the error the step's code raised, with Dagster's notes before it.

    Dagster wraps that error (in a step-execution error, or a retry error saying the retries
    ran out); the innermost cause is what went wrong, a wrapper's own message is kept only when
    it says something (``(Exceeded max_retries of 3)``).
    """
    texts = []
    while error is not None:
        texts.append(error.message.strip())
        error = error.cause
    notes = "".join(f" ({text})" for text in texts[:-1] if not text.startswith("dagster."))
    return f"{notes}: {texts[-1]}"
