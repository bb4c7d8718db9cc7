"""Pages and charts that people read: Jinja2 templates and matplotlib SVG, nothing of Dagster.

``templates`` renders the HTML pages (the monthly report, the quarterly public page) from
``templates/``; ``svg`` turns a matplotlib figure into inline SVG that is byte-identical on
every machine; ``charts`` draws the one chart kind the pages use (figures per region over
months or quarters). The figures themselves come from the marts: nothing here computes them.
"""
