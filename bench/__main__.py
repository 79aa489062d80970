"""``python -m bench`` (``make bench``): the whole suite, at full scale and at 1/10.

The full-scale database is ``DATABASE_URL`` (default: ``var/bench.sqlite3``, never the
development database); the 1/10 one is ``--tenth-database-url`` (default: the same
server with ``_tenth`` added to the database name, or ``-tenth`` to the SQLite file).
An empty database is seeded first (``--scale`` × the issue's counts, ÷ 10 for the
second). Each scale is measured by ``bench.measure`` in its own process; this one
merges the two and writes ``bench/results.json`` and ``docs/benchmarks.md``.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.report import results_markdown, results_summarise

ROOT = Path(__file__).resolve().parent.parent


def _tenth_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        return urlunsplit(
            parts._replace(path=str(path.with_name(f"{path.stem}-tenth{path.suffix}")))
        )
    name = parts.path.lstrip("/") or "terreau"
    return urlunsplit(parts._replace(path=f"/{name}_tenth"))


def _postgres_database_ensure(url: str) -> None:
    """Create the PostgreSQL database if it does not exist (as the server's own tools would)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _measure(url: str, out: Path, args: argparse.Namespace, *, scale: float, inproc: bool) -> dict:
    command = [
        sys.executable,
        "-m",
        "bench.measure",
        f"--out={out}",
        f"--scale={scale}",
        f"--duration={args.duration}",
        f"--connections={args.connections}",
        f"--tool={args.tool}",
    ]
    if args.requests:
        command.append(f"--requests={args.requests}")
    if args.only:
        command.append(f"--only={args.only}")
    if inproc:
        command.append("--inprocess")
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run(command, env=env, cwd=ROOT, check=True)  # noqa: S603 (our interpreter)
    return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=None, help="fixed count per scenario")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--tenth-database-url", default="")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    tenth = args.tenth_database_url or _tenth_url(url)
    for database in (url, tenth):
        _postgres_database_ensure(database)
    (ROOT / "var").mkdir(exist_ok=True)
    # A directory per run for the two parts and the servers' logs (kept if a run fails).
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "var"))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    print(f"== full scale: {urlsplit(url)._replace(netloc='').geturl()}", flush=True)  # noqa: T201
    full = _measure(url, work / "part-full.json", args, scale=args.scale, inproc=True)
    print(f"== 1/10 scale: {urlsplit(tenth)._replace(netloc='').geturl()}", flush=True)  # noqa: T201
    small = _measure(tenth, work / "part-tenth.json", args, scale=args.scale / 10, inproc=False)
    results = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "elapsed_seconds": round(time.time() - started, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "scales": {"full": full, "tenth": small},
    }
    results["summary"] = results_summarise(results)
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    args.docs.parent.mkdir(parents=True, exist_ok=True)
    args.docs.write_text(results_markdown(results))
    shutil.rmtree(work, ignore_errors=True)
    print(f"Wrote {args.results} and {args.docs}", flush=True)  # noqa: T201


if __name__ == "__main__":
    main()
