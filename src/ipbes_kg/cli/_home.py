"""One module per command; each is a thin click wrapper over a library module."""

import click

from ipbes_kg.home import Home, find_home


def home_of(ctx: click.Context) -> Home:
    """The folder of vocabulary, data and queries chosen by --home (found once per run)."""
    root = ctx.find_root()
    state = root.ensure_object(dict)
    if "home" not in state:
        state["home"] = find_home(state.get("home_path"))
    home: Home = state["home"]
    return home
