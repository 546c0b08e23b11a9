"""Apache Jena ARQ (Debian's ``libapache-jena-java``, Jena 4.5) as a third query engine.

One JVM runs every query (``JenaQueries.java``, started with the JDK's source launcher): a JVM
per query would cost ~3 s each. Debian's jars are listed one by one (``/usr/share/java/*``
brings clashing SLF4J bindings), and the Xerces message bundles that Debian's ``jena-core.jar``
keeps under ``org/apache/jena/ext/xerces`` are copied to ``xerces/`` on the classpath: without
them Jena dies in ``XSSimpleTypeDecl.applyFacets1`` with "internal error".
"""

import shutil
import subprocess
import zipfile
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
JARS = [
    "jena-cmds",
    "jena-arq",
    "jena-core",
    "jena-base",
    "jena-iri",
    "jena-shacl",
    "jena-shex",
    "jena-rdfconnection",
    "jena-tdb",
    "jena-tdb2",
    "jena-dboe-base",
    "jena-dboe-index",
    "jena-dboe-storage",
    "jena-dboe-trans-data",
    "jena-dboe-transaction",
    "slf4j-api",
    "slf4j-nop",
    "commons-lang3",
    "commons-io",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-cli",
    "dexx.collection",
    "guava",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "gson",
    "jsonld-java",
    "titanium-json-ld",
    "jakarta.json-api",
    "httpclient",
    "httpcore",
    "thrift",
    "protobuf",
]
SOURCE = Path(__file__).with_name("JenaQueries.java")
XERCES = "org/apache/jena/ext/xerces/"


def available() -> bool:
    return bool(shutil.which("java")) and (JAVA_DIR / "jena-arq.jar").is_file()


def classpath(workdir: Path) -> str:
    bundles = workdir / "jena-bundles"
    if not bundles.is_dir():
        with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith(XERCES) and name.endswith(".properties"):
                    target = bundles / "xerces" / name.removeprefix(XERCES)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    jars = [str(JAVA_DIR / f"{name}.jar") for name in JARS if (JAVA_DIR / f"{name}.jar").exists()]
    return ":".join([str(bundles), *jars])


def run_queries(data: Path, queries: dict[str, str], workdir: Path) -> dict[str, bytes]:
    """Each query's raw answer (SPARQL JSON results or N-Triples) from one Jena run."""
    args: list[str] = []
    outputs: dict[str, Path] = {}
    for index, (key, text) in enumerate(queries.items()):
        query = workdir / f"q{index}.rq"
        query.write_text(text, encoding="utf-8")
        outputs[key] = workdir / f"q{index}.out"
        args += [str(query), str(outputs[key])]
    run = subprocess.run(
        ["java", "-cp", classpath(workdir), str(SOURCE), str(data), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if run.returncode != 0:
        raise RuntimeError(f"jena failed ({run.returncode}): {run.stderr[-2000:]}")
    return {key: path.read_bytes() for key, path in outputs.items()}
