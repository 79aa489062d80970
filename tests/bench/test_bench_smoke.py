"""The whole benchmark suite at a tiny scale, so that it cannot rot (issue 11).

Not a timed test: it checks that every scenario ran and produced figures, that the
ledger is still consistent after the load, and that no request's SQL query count
depends on the amount of data (the same at both scales). Always on SQLite files of its
own: the suite creates, seeds and serves two databases.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = {
    "ceiling_json", "ceiling_drf", "home", "pioneer_directory", "pioneer_api", "pioneer_map",
    "project_list", "project_page", "ranking_page", "ranking_api", "vote_results",
    "member_dashboard", "account_statement", "resolution_result", "transfer_post", "ballot_cast",
    "observatory_page", "observatory_api",
}  # fmt: skip
INPROCESS = {"mj_engine", "mj_count_sql", "schulze", "ranking", "import", "ledger_check"}
REQUESTS = 6


def test_the_whole_suite_runs_and_request_costs_do_not_grow_with_the_data(tmp_path):
    database = tmp_path / "bench.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ENV", "REDIS_URL")
    } | {"DATABASE_URL": f"sqlite:///{database}"}
    # Migrate once; the 1/10 database starts as a copy of the migrated file.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"],
        env=env, cwd=ROOT, check=True, timeout=600,
    )  # fmt: skip
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            shutil.copy(source, tmp_path / f"bench-tenth.sqlite3{suffix}")
    results_path, docs_path = tmp_path / "results.json", tmp_path / "benchmarks.md"
    subprocess.run(
        [sys.executable, "-m", "bench", "--scale=0.002", f"--requests={REQUESTS}",
         "--connections=2", "--tool=python", f"--results={results_path}", f"--docs={docs_path}"],
        env=env, cwd=ROOT, check=True, timeout=900,
    )  # fmt: skip

    results = json.loads(results_path.read_text())
    for scale in ("full", "tenth"):
        part = results["scales"][scale]
        assert set(part["scenarios"]) == SCENARIOS
        for name, row in part["scenarios"].items():
            assert row["requests"] == REQUESTS, (scale, name)
            assert (row["non_2xx"], row["errors"]) == (0, 0), (scale, name)
            assert row["status"] in (200, 201), (scale, name)
            for figure in ("rps", "p50_ms", "p95_ms", "p99_ms"):
                assert isinstance(row[figure], float), (scale, name, figure)
                assert row[figure] > 0, (scale, name, figure)
            assert isinstance(row["queries"], int)
        assert part["ledger_problems_after_run"] == 0
        assert len(part["peak_rss_mb"]) == 2
        assert all(mb > 0 for mb in part["peak_rss_mb"])
    full, tenth = (results["scales"][s]["scenarios"] for s in ("full", "tenth"))
    assert {n: r["queries"] for n, r in full.items()} == {n: r["queries"] for n, r in tenth.items()}
    assert results["scales"]["full"]["scenarios"]["transfer_post"]["committed"] == REQUESTS
    inprocess = results["scales"]["full"]["inprocess"]
    assert set(inprocess) == INPROCESS
    assert all(isinstance(item["seconds"], float) for item in inprocess.values())
    assert inprocess["ledger_check"]["problems"] == 0
    summary = results["summary"]["scenarios"]
    assert all(summary[name]["queries_constant"] for name in SCENARIOS)
    markdown = docs_path.read_text()
    for row in full.values():
        assert f"| {row['title']} |" in markdown
