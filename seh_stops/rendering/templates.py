"""The one Jinja2 environment of the project: HTML pages come from ``templates/`` here.

Autoescape is on for every template (a region name or a reason text can never become markup),
and an undefined variable is an error instead of an empty string, so a renamed context field
fails the tests instead of silently dropping a figure from a delivered page.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined


def figure(value: object) -> str:
    """A whole figure as text, ``-`` when there is none (not registered is empty, never 0)."""
    return "-" if value is None else str(value)


def decimal_nl(value: Decimal | float | None, suffix: str = "") -> str:
    """A figure with two decimals and a Dutch decimal comma, ``-`` when there is none."""
    return "-" if value is None else f"{value:.2f}".replace(".", ",") + suffix


@cache
def environment() -> Environment:
    """The shared environment (built once: templates are compiled and cached on first use)."""
    env = Environment(
        loader=PackageLoader("seh_stops.rendering", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["figure"] = figure
    env.filters["decimal_nl"] = decimal_nl
    return env


def render_page(template_name: str, **context: object) -> str:
    """The rendered template ``template_name`` (a file in ``seh_stops/rendering/templates/``).

    Raises ``jinja2.UndefinedError`` when the template uses a name the context lacks: pass it,
    or give the template a ``default``.
    """
    return environment().get_template(template_name).render(**context)
