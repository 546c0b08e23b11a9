"""A real Virtuoso Open Source 7.2 (Debian's ``virtuoso-opensource``) for the tests.

Debian installs Virtuoso without starting it. This one runs in a temporary folder with its own
ini: HTTP and ISQL listen on 127.0.0.1 only, on free ports; the database files live in the
folder and ``DirsAllowed`` is the folder. It is stopped by its PID.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

BINARY = "/usr/bin/virtuoso-t"  # dpkg -L virtuoso-opensource-7-bin
ISQL = "/usr/bin/isql-vt"
VSP = "/var/lib/virtuoso-opensource-7/vsp"
# The user that loads: the grant docs/LOADING.md tells administrators to give.
LOADER = ("ipbes_loader", "loader-secret")
GRANTS = (
    f"DB.DBA.USER_CREATE('{LOADER[0]}', '{LOADER[1]}');",
    f'GRANT SPARQL_UPDATE TO "{LOADER[0]}";',
)


def available() -> bool:
    return Path(BINARY).exists() and Path(ISQL).exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort          = 127.0.0.1:{isql}
DisableUnixSocket   = 1
DisableTcpSocket    = 0
MaxClientConnections = 10
CheckpointInterval  = 60
CaseMode            = 2
DirsAllowed         = {dir}
NumberOfBuffers     = 10000
MaxDirtyBuffers     = 6000

[HTTPServer]
ServerPort           = 127.0.0.1:{http}
ServerRoot           = {vsp}
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows      = 100000
MaxQueryExecutionTime = 120
"""


class VirtuosoServer:
    def __init__(self, location: Path) -> None:
        self.location = location
        self.http_port = _free_port()
        self.isql_port = _free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def query_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def auth_query_url(self) -> str:
        return f"{self.url}/sparql-auth"

    def start(self) -> None:
        self.location.mkdir(parents=True, exist_ok=True)
        vsp = VSP if Path(VSP).is_dir() else str(self.location)
        ini = self.location / "virtuoso.ini"
        ini.write_text(
            INI.format(dir=self.location, isql=self.isql_port, http=self.http_port, vsp=vsp),
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [BINARY, "+foreground", "+configfile", str(ini)],
            cwd=self.location,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.location / "virtuoso.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"virtuoso exited with {self.process.returncode}: {log}")
            try:
                with urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=2) as a:
                    if a.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"virtuoso did not answer on {self.url} within 90 s")
        self.isql(*GRANTS)

    def isql(self, *statements: str) -> str:
        """Run SQL statements as dba through isql on the loopback ISQL port."""
        run = subprocess.run(
            [ISQL, f"127.0.0.1:{self.isql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF"],
            input="\n".join(statements) + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        if run.returncode != 0 or "*** Error" in run.stdout + run.stderr:
            raise RuntimeError(f"isql failed: {run.stdout[-1000:]} {run.stderr[-1000:]}")
        return run.stdout

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def remove(self) -> None:
        shutil.rmtree(self.location, ignore_errors=True)
