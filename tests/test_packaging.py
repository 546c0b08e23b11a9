"""The wheel carries the vocabulary, data and queries, and runs from any directory."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("ipbes_kg-*.whl")
    return built


def test_wheel_contains_every_resource(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for part in ("ontology", "data", "queries"):
        for path in (ROOT / part).iterdir():
            if path.suffix in (".ttl", ".rq"):
                assert f"ipbes_kg/_resources/{part}/{path.name}" in names


def test_installed_wheel_answers_from_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("IPBES_KG_HOME", None)
    where = subprocess.run(
        [sys.executable, "-c", "from ipbes_kg.home import find_home; print(find_home().root)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()) == site / "ipbes_kg/_resources"
    answer = subprocess.run(
        [sys.executable, "-m", "ipbes_kg", "query", "tsu-hosts", "--format", "csv"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert answer.returncode == 0, answer.stderr
    assert len(answer.stdout.splitlines()) == 16  # header + fifteen technical support units


def test_home_option_points_at_a_checkout(tmp_path: Path) -> None:
    env = {**os.environ, "IPBES_KG_HOME": str(ROOT)}
    answer = subprocess.run(
        [sys.executable, "-m", "ipbes_kg", "queries", "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert answer.returncode == 0 and '"tsu-hosts"' in answer.stdout
