"""``ipbes-kg site``: a thin click wrapper over ``build_site`` and ``serve``."""

import signal
from pathlib import Path
from types import FrameType

import click

from ipbes_kg.site.project import UserError, home_of

BUILT = "-"  # --serve without a folder: serve the --out folder just built


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command("site")
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to build the website into (replaced atomically; created if needed).",
)
@click.option(
    "--serve",
    "serve_dir",
    is_flag=False,
    flag_value=BUILT,
    default=None,
    metavar="[DIR]",
    help="Serve on 127.0.0.1 after building --out, or serve an already built DIR.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port for --serve (0: any free port).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Where the site is hosted, for the w3id.org redirect rules in .htaccess "
    "(default: rules that serve the folder itself on Apache).",
)
@click.pass_context
def site_command(
    ctx: click.Context,
    out: Path | None,
    serve_dir: str | None,
    port: int,
    base_url: str | None,
) -> None:
    """Build a static website of the graph, and/or serve it on 127.0.0.1.

    One page per IRI (at the path the IRI names, with .ttl and .jsonld beside it), the report
    paragraph by paragraph with each quoted entity linked, the vocabulary with its SHACL
    constraints in words, diagrams (Graphviz 'dot' needed), the canned queries with their
    answers, and .htaccess redirect rules. Offline, deterministic (two builds are identical).

    \b
    ipbes-kg site --out _site            build
    ipbes-kg site --out _site --serve    build, then serve
    ipbes-kg site --serve _site          serve a built site
    """
    if out is None and serve_dir in (None, BUILT):
        raise UserError("give --out DIR to build the site, or --serve DIR to serve a built one")
    if out is not None and serve_dir not in (None, BUILT) and Path(serve_dir) != out:
        raise UserError("--serve DIR and --out DIR name different folders; give one of them")
    if out is not None:
        from ipbes_kg.site.builder import build_site
        from ipbes_kg.site.project import load_store

        home = home_of(ctx)
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            raise UserError(f"--base-url {base_url!r}: give an http(s) URL")
        result = build_site(load_store(home.graph_files()), home, out, base_url=base_url)
        click.echo(
            f"wrote {result.out}: {result.pages} pages, {result.files} files, "
            f"{result.size / 1e6:.1f} MB"
        )
    if serve_dir is None:
        return
    from ipbes_kg.site.serve import serve

    folder = out if out is not None else Path(serve_dir)
    server = serve(folder, port)
    host, bound = server.server_address[:2]
    click.echo(f"serving {folder} on http://{host!s}:{bound}/ (Ctrl-C to stop)")
    signal.signal(signal.SIGTERM, _stop)  # a service manager's stop ends it like Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
