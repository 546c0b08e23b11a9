"""`ipbes-kg validate` against Apache Jena SHACL, side by side, on the distinct scaled graphs.

Usage (from the repository root, after ``python benchmarks/scale.py --scales 10,100,200 --distinct``)::

    python benchmarks/jena.py --scales 10,100,200 [--runs 1] [--write]

Setup: Jena comes from Debian (``apt-get install libapache-jena-java``; this script runs that
when the jars are missing and it is root). Its ``shacl validate`` reads one data file and one
shapes file (given twice, it keeps the last), so each scale's vocabulary + data is written once
as ``.work/jena/x<N>/data.nt`` and the shapes as ``shapes.nt``, untimed. The classpath lists the
jars one by one (``/usr/share/java/*`` clashes on SLF4J bindings) and puts Debian's relocated
xerces message bundles where its classes look for them (else Jena stops in
``XSSimpleTypeDecl.applyFacets1`` with "internal error").

Timed, as whole processes, alternating: ``ipbes-kg --home x<N>-distinct validate --no-baseline``
(text report to /dev/null) and ``java … shacl.shacl validate`` (Turtle report to a file). Wall
time, CPU time (user + system of the process and its children) and peak RSS from ``wait4``.
Checked: the SHACL results of both (focus, path, component, severity; ``check:`` results are
ipbes-kg's own) are the same multiset. ``--write`` puts the table into RESULTS.md between the
``jena-validate`` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
JAVA = Path("/usr/share/java")
JARS = [
    "jena-cmds",
    "jena-arq",
    "jena-core",
    "jena-base",
    "jena-iri",
    "jena-shacl",
    "jena-shex",
    "jena-dboe-base",
    "jena-dboe-storage",
    "jena-dboe-index",
    "jena-dboe-transaction",
    "jena-dboe-trans-data",
    "jena-tdb",
    "jena-tdb2",
    "jena-rdfconnection",
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "gson",
    "jsonld-java",
    "titanium-json-ld",
    "jakarta.json-api",
    "httpclient",
    "httpcore",
    "protobuf",
    "thrift",
    "guava",
    "slf4j-api",
    "slf4j-nop",
]
SH = "http://www.w3.org/ns/shacl#"
START, END = "<!-- jena-validate:start -->", "<!-- jena-validate:end -->"


def classpath() -> str:
    if not (JAVA / "jena-shacl.jar").exists():
        if os.geteuid() != 0:
            sys.exit("Jena is missing: sudo apt-get install -y libapache-jena-java")
        subprocess.run(["apt-get", "install", "-y", "libapache-jena-java"], check=True)
    bundles = WORK / "jena" / "res"
    if not (bundles / "xerces").is_dir():
        with zipfile.ZipFile(JAVA / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                    target = bundles / "xerces" / name.removeprefix("org/apache/jena/ext/xerces/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    return os.pathsep.join([str(bundles), *(str(JAVA / f"{jar}.jar") for jar in JARS)])


def inputs(home: Path, out: Path) -> tuple[Path, Path]:
    """One N-Triples file of the graph and one of the shapes (untimed setup)."""
    out.mkdir(parents=True, exist_ok=True)
    data, shapes = out / "data.nt", out / "shapes.nt"
    for target, pattern, shape in ((data, "*.ttl", False), (shapes, "shapes*.ttl", True)):
        if target.exists():
            continue
        files = sorted((home / "ontology").glob(pattern))
        files = [f for f in files if f.name.startswith("shapes") == shape]
        if not shape:
            files += sorted((home / "data").glob("*.ttl"))
        with target.open("wb") as handle:
            for path in files:
                quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
                ox.serialize((q.triple for q in quads), handle, format=ox.RdfFormat.N_TRIPLES)
    return data, shapes


def timed(command: list[str], stdout: Path) -> dict[str, float]:
    """Run a whole process; wall and CPU seconds, peak RSS in MB."""
    with stdout.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "exit": os.waitstatus_to_exitcode(status),
    }


def jena_results(report: Path) -> Counter[tuple[str, str, str, str]]:
    store = ox.Store()
    store.load(path=str(report), format=ox.RdfFormat.TURTLE)
    query = f"""PREFIX sh: <{SH}>
    SELECT ?f ?p ?c ?s WHERE {{ ?r a sh:ValidationResult ; sh:focusNode ?f ;
      sh:sourceConstraintComponent ?c ; sh:resultSeverity ?s . OPTIONAL {{ ?r sh:resultPath ?p }} }}"""
    found: Counter[tuple[str, str, str, str]] = Counter()
    for row in store.query(query):  # type: ignore[union-attr]
        path = row["p"].value if isinstance(row["p"], ox.NamedNode) else ""
        severity = row["s"].value.removeprefix(SH).lower()
        found[(row["f"].value, path, row["c"].value, severity)] += 1
    return found


def ours(home: Path) -> Counter[tuple[str, str, str, str]]:
    from ipbes_kg.home import Home
    from ipbes_kg.rdf.names import expand
    from ipbes_kg.validate.gate import validate_home

    def iri(text: str) -> str:
        return text[1:-1] if text.startswith("<") else expand(text)

    found: Counter[tuple[str, str, str, str]] = Counter()
    for r in validate_home(Home(home), baseline=None).results:
        if r.component.startswith("check:"):
            continue
        path = iri(r.path) if r.path and not r.path.startswith("^") else ""
        found[(iri(r.focus), path, iri(r.component), r.severity)] += 1
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scales", default="10,100,200")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="Write the table into RESULTS.md.")
    args = parser.parse_args()
    cp = classpath()
    ipbes = shutil.which("ipbes-kg") or sys.exit("ipbes-kg is not installed")
    rows = []
    for scale in [int(s) for s in args.scales.split(",")]:
        home = WORK / f"x{scale}-distinct"
        if not home.is_dir():
            sys.exit(f"{home} is missing: python benchmarks/scale.py --scales {scale} --distinct")
        data, shapes = inputs(home, WORK / "jena" / f"x{scale}")
        report = WORK / "jena" / f"x{scale}" / "report.ttl"
        ours_runs, jena_runs = [], []
        for _ in range(args.runs):
            command = [ipbes, "--home", str(home), "validate", "--no-baseline"]
            ours_runs.append(timed(command, Path(os.devnull)))
            java = ["java", "-cp", cp, "shacl.shacl", "validate", "--shapes", str(shapes)]
            jena_runs.append(timed([*java, "--data", str(data)], report))
            print(scale, ours_runs[-1], jena_runs[-1], flush=True)
        theirs, mine = jena_results(report), ours(home)
        same = theirs == mine
        best = min(ours_runs, key=lambda r: r["wall"])
        jbest = min(jena_runs, key=lambda r: r["wall"])
        rows.append(
            {
                "scale": scale,
                "triples": sum(1 for _ in data.open("rb")),
                "ours": best,
                "jena": jbest,
                "results": sum(mine.values()),
                "jena_results": sum(theirs.values()),
                "same": same,
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    table = render(rows, args.runs)
    print(table)
    if args.write:
        results = HERE / "RESULTS.md"
        text = results.read_text(encoding="utf-8")
        if START in text:
            head, rest = text.split(START, 1)
            text = head + START + "\n" + table + "\n" + END + rest.split(END, 1)[1]
        else:
            text = text.rstrip("\n") + "\n\n" + START + "\n" + table + "\n" + END + "\n"
        results.write_text(text, encoding="utf-8")
    return 0


def render(rows: list[dict[str, object]], runs: int) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0]
    lines = [
        "## `ipbes-kg validate` against Apache Jena SHACL 4.5 (distinct scaled graphs)",
        "",
        f"`benchmarks/jena.py --scales {','.join(str(r['scale']) for r in rows)} --runs {runs}` "
        f"on {when}, load average {load:.1f} on {os.cpu_count()} cores (best of {runs}). "
        "Whole processes; CPU = user + system. Results checked: the same SHACL results "
        "(focus, path, component, severity) from both.",
        "",
        "| scale | triples | ipbes-kg wall | ipbes-kg CPU | ipbes-kg RSS | Jena wall | Jena CPU "
        "| Jena RSS | wall ratio | CPU ratio | results | same |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        o, j = r["ours"], r["jena"]
        assert isinstance(o, dict) and isinstance(j, dict)
        lines.append(
            f"| ×{r['scale']} | {r['triples']:,} | {o['wall']:.1f} s | {o['cpu']:.1f} s "
            f"| {o['rss_mb']:,.0f} MB | {j['wall']:.1f} s | {j['cpu']:.1f} s | {j['rss_mb']:,.0f} MB "
            f"| {o['wall'] / j['wall']:.2f}× | {o['cpu'] / j['cpu']:.2f}× "
            f"| {r['results']:,} / {r['jena_results']:,} | {'yes' if r['same'] else '**no**'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
