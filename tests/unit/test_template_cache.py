"""GX's Data Docs templates are compiled once per process (``data_docs._ProcessTemplateCache``):
exact, because a compiled template is keyed by its name, the checksum of its source and the
settings of the environment that compiled it."""

from __future__ import annotations

import jinja2

from seh_stops.quality.data_docs import _ProcessTemplateCache, share_compiled_templates


def environment(cache, templates: dict[str, str], autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.DictLoader(templates), autoescape=autoescape, bytecode_cache=cache
    )
    env.filters["shout"] = str.upper
    return env


def compiles(env: jinja2.Environment) -> list[str]:
    """Record the templates ``env`` compiles from source (each still compiles)."""
    seen: list[str] = []
    compile_source = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):
        seen.append(name)
        return compile_source(source, name, filename, raw, defer_init)

    env.compile = counting
    return seen


def test_a_second_environment_reuses_the_compiled_template():
    cache = _ProcessTemplateCache()
    templates = {"page.html": "<p>{{ value | shout }}</p>"}
    first, second = (environment(cache, templates, autoescape=True) for _ in range(2))
    first_compiles, second_compiles = compiles(first), compiles(second)
    assert first.get_template("page.html").render(value="<b>") == "<p>&lt;B&gt;</p>"
    assert second.get_template("page.html").render(value="<b>") == "<p>&lt;B&gt;</p>"
    assert (first_compiles, second_compiles) == (["page.html"], [])


def test_a_changed_source_or_other_settings_compile_again():
    cache = _ProcessTemplateCache()
    environment(cache, {"page.html": "<p>{{ value }}</p>"}, True).get_template("page.html")
    changed = environment(cache, {"page.html": "<div>{{ value }}</div>"}, True)
    raw = environment(cache, {"page.html": "<p>{{ value }}</p>"}, False)
    changed_compiles, raw_compiles = compiles(changed), compiles(raw)
    assert changed.get_template("page.html").render(value="<b>") == "<div>&lt;b&gt;</div>"
    assert raw.get_template("page.html").render(value="<b>") == "<p><b></p>"
    assert (changed_compiles, raw_compiles) == (["page.html"], ["page.html"])


def test_every_gx_view_gets_the_cache_once():
    from great_expectations.render.view.view import DefaultJinjaPageView

    share_compiled_templates()
    share_compiled_templates()  # idempotent: the constructor is wrapped once
    first, second = DefaultJinjaPageView(), DefaultJinjaPageView()
    assert first.env.bytecode_cache is second.env.bytecode_cache is not None
    assert first.env is not second.env
