"""Hypothesis settings for the fuzzed-export tests: cheap and repeatable in CI, long on demand.

Two profiles are registered here (not loaded globally, so no other test changes):

- ``seh-fuzz-ci`` (the default): each test runs its own bounded number of examples,
  ``derandomize=True`` so every CI run tries the same examples, no example database, no
  deadline (a shared 2-core machine makes timings meaningless).
- ``seh-fuzz-long``: chosen by setting ``SEH_FUZZ_EXAMPLES=N`` (or ``HYPOTHESIS_PROFILE=
  seh-fuzz-long``, then N defaults to 5000): every fuzz test runs N examples from a random
  seed, keeps failures in Hypothesis' example database so a rerun replays them first, and
  prints the blob that reproduces a failure. See "Fuzzing the ingestion" in
  docs/operations.md.

Tests take their settings from :func:`fuzz_settings` with the example count they can afford
in CI.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES_ENV = "SEH_FUZZ_EXAMPLES"
CI_PROFILE = "seh-fuzz-ci"
LONG_PROFILE = "seh-fuzz-long"
DEFAULT_LONG_EXAMPLES = 5000

# Generated days are built from several strategies and some hold huge fields: that is the
# point, not a slow data generator.
_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile(
    CI_PROFILE,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SUPPRESSED,
)
settings.register_profile(
    LONG_PROFILE,
    derandomize=False,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SUPPRESSED,
)


def long_examples() -> int | None:
    """The example count of a long run, or None in CI."""
    value = os.environ.get(EXAMPLES_ENV, "").strip()
    if value:
        try:
            examples = int(value)
        except ValueError:
            raise ValueError(f"{EXAMPLES_ENV}={value!r}: set it to a whole number") from None
        if examples < 1:
            raise ValueError(f"{EXAMPLES_ENV}={value!r}: set it to 1 or more")
        return examples
    if os.environ.get("HYPOTHESIS_PROFILE") == LONG_PROFILE:
        return DEFAULT_LONG_EXAMPLES
    return None


def fuzz_settings(ci_examples: int) -> settings:
    """Settings for one fuzz test: ``ci_examples`` in CI, or the long run's count."""
    examples = long_examples()
    if examples is None:
        return settings(settings.get_profile(CI_PROFILE), max_examples=ci_examples)
    return settings(settings.get_profile(LONG_PROFILE), max_examples=examples)
