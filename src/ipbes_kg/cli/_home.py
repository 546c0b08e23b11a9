"""The graph a command works on, chosen once per run from --home, the environment or the
working folder (see ``ipbes_kg.home``)."""

from pathlib import Path

import click

from ipbes_kg.api import KnowledgeGraph
from ipbes_kg.home import Home


def graph_of(ctx: click.Context) -> KnowledgeGraph:
    """The KnowledgeGraph for this run (made once; says on stderr which checkout it reads
    when that is not the working folder)."""
    state = ctx.find_root().ensure_object(dict)
    if "graph" not in state:
        kg = KnowledgeGraph(state.get("home_path"))
        if kg.home.origin == "checkout" and kg.home.root != Path.cwd().resolve():
            click.echo(f"ipbes-kg: using the checkout at {kg.home.root}", err=True)
        state["graph"] = kg
    graph: KnowledgeGraph = state["graph"]
    return graph


def home_of(ctx: click.Context) -> Home:
    return graph_of(ctx).home
