"""Diagrams drawn at build time by Graphviz (``dot -Tsvg``) and inlined into the pages as SVG.

All graphs of a build go to one ``dot`` process (it reads many graphs from one input and writes
one SVG document per graph), which costs a fraction of a process per page. The SVG is inlined
without its XML prolog and comments (they name the Graphviz version, which would make the site
depend on the machine), so nodes are links that work offline and inherit the page's fonts.
"""

import re
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Sequence

import pyoxigraph as ox

from ipbes_kg.site.model import DERIVED_FROM, PARAGRAPH, TYPE, Graph, Subject, Term
from ipbes_kg.site.project import PREFIXES, UserError, curie

SKOS, IPBES, SCHEMA = PREFIXES["skos"], PREFIXES["ipbes"], PREFIXES["schema"]
MAX_NEIGHBOURS = 40  # beyond this a neighbourhood diagram is a hairball: the tables say it better
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_PROLOG = re.compile(r"<\?xml.*?\?>\s*|<!DOCTYPE.*?>\s*", re.S)

Href = Callable[[Term], str | None]


def dot_executable() -> str:
    found = shutil.which("dot")
    if found is None:
        raise UserError(
            "the 'dot' program of Graphviz is not installed; install the graphviz package "
            "(Debian: apt-get install graphviz)"
        )
    return found


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label(graph: Graph, term: Term) -> str:
    return "\n".join(textwrap.wrap(graph.any_label(term), 28)) or "?"


def _node(graph: Graph, term: Term, href: Href, extra: str = "") -> str:
    attributes = [f"label={quoted(_label(graph, term))}"]
    link = href(term)
    if link is not None:
        attributes.append(f"URL={quoted(link)}")
        attributes.append(f"tooltip={quoted(graph.label(term, 'zh') or graph.any_label(term))}")
    if extra:
        attributes.append(extra)
    return f"{quoted(str(term))} [{', '.join(attributes)}];"


def render(sources: Sequence[str]) -> list[str]:
    """SVG markup (no prolog, no comments) of each DOT source, in order."""
    if not sources:
        return []
    done = subprocess.run(
        [dot_executable(), "-Tsvg"],
        input="\n".join(sources).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"dot failed: {message[0] if message else done.returncode}")
    output = done.stdout.decode("utf-8")
    documents = [d for d in re.split(r"(?=<\?xml )", output) if d.strip()]
    if len(documents) != len(sources):
        raise UserError(f"dot drew {len(documents)} diagrams for {len(sources)} graphs")
    return [_COMMENT.sub("", _PROLOG.sub("", d)).strip() + "\n" for d in documents]


def neighbourhood(graph: Graph, center: ox.NamedNode, href: Href) -> str | None:
    """DOT for the entities linked to and from ``center``, or None where it would not help."""
    if graph.is_a(center, PARAGRAPH):
        return None  # a paragraph's links are provenance: the text view shows them
    edges: set[tuple[str, str, str]] = set()
    nodes: dict[str, Term] = {str(center): center}

    def unlabelled(term: Term) -> bool:  # provenance rows: the page's tables show them
        return not (graph.label(term, "en") or graph.label(term, "zh"))

    for predicate, obj in graph.outgoing(center):
        if predicate in (TYPE, DERIVED_FROM) or href(obj) is None or obj == center:
            continue
        if unlabelled(obj):
            continue
        nodes[str(obj)] = obj
        edges.add((str(center), str(obj), curie(predicate.value)))
    for subject, predicate in graph.incoming(center):
        if predicate == DERIVED_FROM or href(subject) is None or subject == center:
            continue
        if unlabelled(subject):
            continue
        nodes[str(subject)] = subject
        edges.add((str(subject), str(center), curie(predicate.value)))
    if not 2 <= len(nodes) - 1 <= MAX_NEIGHBOURS:
        return None
    lines = [
        "digraph neighbourhood {",
        '  graph [rankdir=LR, bgcolor="transparent", fontname="sans-serif"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="sans-serif", fontsize=10];',
        '  edge [fontname="sans-serif", fontsize=8, color="#667788"];',
    ]
    for key in sorted(nodes):
        extra = 'fillcolor="#ffe9a8", penwidth=2' if key == str(center) else ""
        lines.append("  " + _node(graph, nodes[key], href, extra))
    for source, target, label in sorted(edges):
        lines.append(f"  {quoted(source)} -> {quoted(target)} [label={quoted(label)}];")
    lines.append("}")
    return "\n".join(lines)


def _objects(
    graph: Graph, subjects: Sequence[Subject], predicate: str
) -> list[tuple[Subject, Term]]:
    node = ox.NamedNode(predicate)
    return [(s, o) for s in subjects for o in graph.objects(s, node)]


def programme(graph: Graph, href: Href) -> str:
    """DOT of the work programme: objectives → deliverables → assessments → TSUs → hosts, donors."""
    objectives = graph.instances(ox.NamedNode(IPBES + "Objective"))
    deliverables = graph.instances(ox.NamedNode(IPBES + "Deliverable"))
    assessments = graph.instances(ox.NamedNode(IPBES + "Assessment"))
    tsus = graph.instances(ox.NamedNode(IPBES + "TechnicalSupportUnit"))
    edges: set[tuple[str, str, str]] = set()
    for narrower, broader in _objects(graph, deliverables, SKOS + "broader"):
        if broader in objectives:
            edges.add((str(broader), str(narrower), ""))
    for assessment, delivered in _objects(graph, assessments, IPBES + "deliverable"):
        edges.add((str(delivered), str(assessment), ""))
    for tsu, supported in _objects(graph, tsus, IPBES + "supports"):
        if supported in deliverables or supported in assessments:
            edges.add((str(supported), str(tsu), "supported by"))
    hosts = sorted({o for _, o in _objects(graph, tsus, IPBES + "hostedBy")}, key=str)
    for tsu, host in _objects(graph, tsus, IPBES + "hostedBy"):
        edges.add((str(tsu), str(host), "hosted by"))
    donors: set[Term] = set()
    contributions = graph.instances(ox.NamedNode(IPBES + "Contribution"))
    for contribution, item in _objects(graph, contributions, SCHEMA + "fundedItem"):
        if item not in tsus:
            continue
        for role in ("sponsor", "funder"):
            for donor in graph.objects(contribution, ox.NamedNode(SCHEMA + role)):
                donors.add(donor)
                label = "in kind from" if role == "sponsor" else "funded by"
                edges.add((str(item), str(donor), label))
    columns: list[list[Term]] = [  # one rank each, left to right
        list(objectives),
        list(deliverables),
        list(assessments),
        list(tsus),
        sorted(set(hosts) | donors, key=str),  # a host is often a donor too: one column
    ]
    lines = [
        "digraph programme {",
        '  graph [rankdir=LR, bgcolor="transparent", ranksep=1.2, nodesep=0.12, fontname="sans-serif"];',
        '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=10];',
        '  edge [fontname="sans-serif", fontsize=7, color="#8899aa"];',
    ]
    colours = ["#dbe9f6", "#e3f1dc", "#fbe5c8", "#efdcf4", "#f4f6f8"]
    for members, colour in zip(columns, colours, strict=True):
        lines.append("  { rank=same;")
        for member in members:
            lines.append("    " + _node(graph, member, href, f'fillcolor="{colour}"'))
        lines.append("  }")
    for source, target, label in sorted(edges):
        lines.append(f"  {quoted(source)} -> {quoted(target)} [label={quoted(label)}];")
    lines.append("}")
    return "\n".join(lines)
