"""Measure one database: seed it if empty, count each scenario's SQL queries in-process,
serve it with gunicorn (2 workers, bench settings), load every scenario, read the
workers' peak memory, then (optionally) time the in-process operations.

Run by ``python -m bench`` once per scale, in its own process (``DATABASE_URL`` names
the database); prints nothing but progress and writes one JSON file.
"""

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Scenario:
    name: str
    title: str
    kind: str  # "ceiling", "read" or "write"
    request: "object"  # bench.load.Request
    # In-process query count: the Django test client's extra arguments.
    client_headers: dict
    session_user_id: int | None = None


def _say(message: str) -> None:
    print(message, flush=True)  # noqa: T201 (a command-line tool's progress)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- preparation


def prepare(rng: random.Random) -> tuple[list[Scenario], dict]:
    """The scenarios of issue 11 with the ids, sessions and tokens they need."""
    from django.db.models import Count, Q
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from bench.load import Request
    from governance.assemblies.models import Resolution, ResolutionStatus
    from governance.votes.models import Vote, VoteStatus
    from marketplace.models import TimeAccount, TimeTransfer
    from pioneers.models import Theme
    from projects.models import Project, ProjectStatus

    closed_vote = Vote.objects.filter(status=VoteStatus.CLOSED).order_by("pk").first()
    open_vote = Vote.objects.filter(status=VoteStatus.OPEN, secret=False).order_by("pk").first()
    resolution = Resolution.objects.filter(status=ResolutionStatus.CLOSED).order_by("pk").first()
    project = (
        Project.objects.filter(status=ProjectStatus.ACCEPTED_FOR_VOTE)
        .order_by("-concern_count", "pk")
        .first()
    ) or Project.objects.exclude(status=ProjectStatus.DRAFT).order_by("pk").first()
    # The theme most pioneers share: the filtered pages show a full page at every scale.
    theme = Theme.objects.annotate(n=Count("pioneers")).order_by("-n", "position", "slug").first()
    member_accounts = TimeAccount.objects.filter(kind="member").select_related("owner_member__user")
    # The busiest payer: the longest statement (the worst case for the page); one
    # aggregate over the transfers.
    busiest_id = (
        TimeTransfer.objects.filter(payer__kind="member")
        .values("payer")
        .annotate(n=Count("id"))
        .order_by("-n", "payer")
        .values_list("payer", flat=True)
        .first()
    )
    busiest = member_accounts.get(pk=busiest_id) if busiest_id else member_accounts.first()
    member_user = busiest.owner_member.user
    client = Client()
    client.force_login(member_user)
    session = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}

    def token_header(user) -> dict[str, str]:
        token, _created = Token.objects.get_or_create(user=user)
        return {"Authorization": f"Token {token.key}"}

    # Transfers under contention: 20 accounts paying each other in a ring.
    ring = list(member_accounts.exclude(pk=busiest.pk).order_by("pk")[:20])
    transfer_headers, transfer_bodies = [], []
    for i, account in enumerate(ring):
        transfer_headers.append(
            token_header(account.owner_member.user) | {"Content-Type": "application/json"}
        )
        payee = ring[(i + 1) % len(ring)]
        transfer_bodies.append(json.dumps({"to_account": payee.pk, "minutes": 1}))
    # Ballots: 200 voters casting, then replacing, their public ballot.
    options = list(open_vote.options.order_by("position").values_list("pk", flat=True))
    voters = list(member_accounts.exclude(Q(pk=busiest.pk) | Q(pk__in=[a.pk for a in ring]))[:200])
    ballot_headers = [
        token_header(a.owner_member.user) | {"Content-Type": "application/json"} for a in voters
    ]
    ballot_bodies = [
        json.dumps({"grades": {str(o): rng.randrange(6) for o in options}}) for _ in range(50)
    ]
    # Transfers and ballots pair header i with body i: the ring's payer is the token owner.
    # (wrk and the Python client both rotate paths, headers and bodies on one counter.)

    def get(path: str, headers: dict | None = None) -> Request:
        return Request("GET", [path], [headers or {}])

    filtered = f"?theme={theme.slug}" if theme else ""
    scenarios = [
        ("ceiling_json", "Ceiling: bare Django JSON view", "ceiling", get("/bench/ceiling/json/")),
        ("ceiling_drf", "Ceiling: DRF list of 20 rows", "ceiling", get("/bench/ceiling/drf/")),
        ("home", "Home page", "read", get("/")),
        (
            "pioneer_directory",
            "Pioneer directory (filtered)",
            "read",
            get(f"/pionniers/{filtered}"),
        ),
        ("pioneer_api", "Pioneer API (filtered)", "read", get(f"/api/v1/pioneers/{filtered}")),
        ("pioneer_map", "Pioneer map GeoJSON", "read", get("/api/v1/pioneers/map/")),
        ("project_list", "Project list page", "read", get("/projets/")),
        ("project_page", "Project page", "read", get(f"/projets/{project.slug}/")),
        ("ranking_page", "Ranking page", "read", get("/projets/classement/")),
        ("ranking_api", "Ranking API", "read", get("/api/v1/projects/ranking/")),
        (
            "observatory_page",
            "Observatory page (communes)",
            "read",
            get("/observatoire/?scale=commune"),
        ),
        (
            "observatory_api",
            "Observatory API (départements)",
            "read",
            get("/api/v1/observatory/?indicator=valeurs&scale=department"),
        ),
        (
            "vote_results",
            "Vote results (closed vote)",
            "read",
            get(f"/membres/votes/{closed_vote.pk}/resultats/", session),
        ),
        ("member_dashboard", "Member dashboard", "read", get("/membres/", session)),
        ("account_statement", "Account statement", "read", get("/heures/", session)),
        (
            "resolution_result",
            "Resolution result (10,000 votes)",
            "read",
            get(f"/membres/resolutions/{resolution.pk}/resultat/", session),
        ),
        (
            "transfer_post",
            "POST /api/v1/transfers/ (20 accounts)",
            "write",
            Request("POST", ["/api/v1/transfers/"], transfer_headers, transfer_bodies),
        ),
        (
            "ballot_cast",
            "Casting ballots (API)",
            "write",
            Request(
                "POST",
                [f"/api/v1/votes/{open_vote.pk}/ballots/"],
                ballot_headers,
                [ballot_bodies[i % len(ballot_bodies)] for i in range(len(ballot_headers))],
            ),
        ),
    ]
    context = {
        "closed_vote": closed_vote.pk,
        "closed_vote_ballots": closed_vote.ballots.count(),
        "open_vote": open_vote.pk,
        "resolution": resolution.pk,
        "project": project.slug,
        "statement_account": busiest.pk,
    }
    return [Scenario(n, t, k, r, {}) for n, t, k, r in scenarios], context


def count_queries(scenarios: list[Scenario]) -> dict[str, dict]:
    """Each scenario's request made twice in-process; the second one's SQL queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for scenario in scenarios:
        req = scenario.request
        client = Client(raise_request_exception=False)
        headers = {k: v for k, v in req.headers[0].items() if k not in ("Content-Type", "Cookie")}
        if "Cookie" in req.headers[0]:
            key = req.headers[0]["Cookie"].split("=", 1)[1]
            client.cookies["sessionid"] = key
        status, queries = 0, 0
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as captured:
                if req.method == "GET":
                    response = client.get(req.paths[0], headers=headers)
                else:
                    response = client.post(
                        req.paths[0],
                        req.bodies[0],
                        content_type="application/json",
                        headers=headers,
                    )
            status, queries = response.status_code, len(captured.captured_queries)
        out[scenario.name] = {"queries": queries, "status": status}
    return out


# ---------------------------------------------------------------- the server


class Server:
    def __init__(self, *, workers: int = 2, log: Path) -> None:
        self.port = _free_port()
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        env = os.environ | {"DJANGO_SETTINGS_MODULE": "bench.settings"}
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "backend.wsgi:application",
                f"--workers={self.workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                f"--error-logfile={self.log}",
                "--timeout=60",
                f"--chdir={ROOT}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base_url}/bench/ceiling/json/", timeout=5):  # noqa: S310
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited; see {self.log}") from None
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> list[float]:
        """VmHWM (the peak resident set) of each worker, in MiB (Linux /proc)."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(round(int(line.split()[1]) / 1024, 1))
        return peaks

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def load(
    server: Server, scenario: Scenario, *, tool: str, duration: float, connections: int,
    requests: int | None,
):  # fmt: skip
    from bench.load import run_python, run_wrk

    if tool == "wrk":
        return run_wrk(
            base_url=server.base_url,
            request=scenario.request,
            duration=duration,
            connections=connections,
        )
    return run_python(
        host="127.0.0.1",
        port=server.port,
        request=scenario.request,
        duration=None if requests else duration,
        connections=connections,
        requests=requests,
    )


# ---------------------------------------------------------------- in-process timings


def _timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return round(best, 4)


def inprocess(context: dict, *, small: bool) -> dict:
    """The operations issue 11 times outside HTTP (best of 3, seconds)."""
    from bench.scale import pioneers_csv
    from governance.tally import DEFAULT_GRADES, majority_judgment, schulze
    from governance.votes.counting import vote_count
    from governance.votes.models import Vote
    from marketplace.models import TimeTransfer
    from marketplace.selectors.ledger import ledger_integrity_problems
    from pioneers.services.imports import pioneers_import
    from projects.ranking import ProjectFigures, Weights, rank_projects

    rng = random.Random(11)  # noqa: S311 (data, not secrets)
    n_mj, n_schulze, n_rank, n_import = (
        (1_000, 100, 100, 100) if small else (100_000, 10_000, 10_000, 10_000)
    )
    options = list(range(1, 11))
    grade_counts: dict[int, dict[int, int]] = {}
    for option in options:
        for _ in range(n_mj):
            g = rng.randrange(len(DEFAULT_GRADES))
            grade_counts.setdefault(option, {}).setdefault(g, 0)
            grade_counts[option][g] += 1
    out = {}
    out["mj_engine"] = {
        "label": f"Majority judgment, engine only: {n_mj:,} ballots × 10 options",
        "seconds": _timed(
            lambda: majority_judgment(
                options, grades=DEFAULT_GRADES, grade_counts=grade_counts, ballot_count=n_mj
            )
        ),
        "target": 0.1,
    }
    vote = Vote.objects.get(pk=context["closed_vote"])
    option_ids = list(vote.options.order_by("position", "id").values_list("pk", flat=True))
    out["mj_count_sql"] = {
        "label": (
            f"Majority judgment count with its SQL histogram: the closed vote's "
            f"{context['closed_vote_ballots']:,} ballots × {len(option_ids)} options"
        ),
        "seconds": _timed(lambda: vote_count(vote=vote, option_ids=option_ids)),
        "target": 0.1 * max(1, context["closed_vote_ballots"] / 100_000),
    }
    schulze_options = list(range(1, 21))
    rankings = [rng.sample(schulze_options, 20) for _ in range(n_schulze)]
    out["schulze"] = {
        "label": f"Schulze: {n_schulze:,} ballots × 20 options",
        "seconds": _timed(lambda: schulze(schulze_options, rankings)),
        "target": None,
    }
    figures = [
        ProjectFigures(
            project_id=i,
            concerned_share=rng.random(),
            cost_cents=rng.randrange(100_000, 50_000_000),
            self_financing_cents=0,
        )
        for i in range(1, n_rank + 1)
    ]
    out["ranking"] = {
        "label": f"Ranking {n_rank:,} projects (formula)",
        "seconds": _timed(lambda: rank_projects(figures, Weights(50, 30, 20))),
        "target": 0.05,
    }
    content = pioneers_csv(n_import, rng=rng, prefix="bench-import")
    out["import"] = {
        "label": f"Import of {n_import:,} pioneers (dry run: written, then rolled back)",
        "seconds": _timed(
            lambda: pioneers_import(actor=None, content=content, name="bench.csv", dry_run=True),
            repeat=1,
        ),
        "target": 60,
    }
    transfers = TimeTransfer.objects.count()
    problems: list[str] = []

    def check() -> None:
        problems[:] = ledger_integrity_problems()

    out["ledger_check"] = {
        "label": f"ledger_check over {transfers:,} transfers",
        "seconds": _timed(check, repeat=1),
        "target": 2,
        "problems": len(problems),
    }
    return out


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="seed counts × this if empty")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--requests", type=int, default=None, help="fixed count (Python load)")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--inprocess", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.load import wrk_available
    from bench.scale import ScaleCounts, database_is_empty, seed_scale
    from marketplace.models import TimeTransfer
    from marketplace.selectors.ledger import ledger_integrity_problems

    tool = args.tool if args.tool != "auto" else ("wrk" if wrk_available() else "python")
    if args.requests and tool == "wrk":
        tool = "python"  # wrk runs for a duration; a fixed count needs the Python client
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    seeded = None
    if database_is_empty():
        counts = ScaleCounts().scaled(args.scale)
        _say(f"Empty database: seeding {counts}")
        seeded = seed_scale(counts=counts, say=_say)
    rng = random.Random(11)  # noqa: S311 (data, not secrets)
    scenarios, context = prepare(rng)
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = [s for s in scenarios if s.name in wanted or s.kind == "ceiling"]
    _say("Counting SQL queries per request (in-process) ...")
    queries = count_queries(scenarios)
    connection.close()  # the server's workers take over the database

    results: dict[str, dict] = {}
    log = args.out.with_suffix(".gunicorn.log")
    with Server(log=log) as server:
        for scenario in scenarios:
            # Warm-up: every worker imports, connects and fills its caches first.
            load(server, scenario, tool="python", duration=None, connections=2, requests=10)
            before = TimeTransfer.objects.count() if scenario.name == "transfer_post" else 0
            connection.close()
            result = load(
                server,
                scenario,
                tool=tool,
                duration=args.duration,
                connections=args.connections,
                requests=args.requests,
            )
            row = asdict(result) | queries[scenario.name] | {"title": scenario.title}
            row["kind"] = scenario.kind
            if scenario.name == "transfer_post":
                committed = TimeTransfer.objects.count() - before
                row["committed"] = committed
                row["committed_per_s"] = round(committed / result.seconds, 1)
                connection.close()
            # The workers' peak memory so far: which scenario raised it shows here.
            row["workers_peak_rss_mb"] = server.peak_rss_mb()
            results[scenario.name] = row
            _say(
                f"  {scenario.name:20} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  "
                f"p95 {result.p95_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
                f"{row['queries']:3d} queries  (status {row['status']}, "
                f"{result.non_2xx} non-2xx, {result.errors} errors)"
            )
        # The machine may be shared: the ceilings are measured again at the end, and the
        # ratios use the mean of both runs.
        for scenario in scenarios:
            if scenario.kind != "ceiling":
                continue
            again = load(
                server,
                scenario,
                tool=tool,
                duration=args.duration,
                connections=args.connections,
                requests=args.requests,
            )
            row = results[scenario.name]
            row["rps_start"], row["rps_end"] = row["rps"], again.rps
            row["rps"] = round((row["rps"] + again.rps) / 2, 1)
            _say(f"  {scenario.name:20} again: {again.rps:8.1f} req/s (mean {row['rps']})")
        rss = server.peak_rss_mb()
    ledger_problems = ledger_integrity_problems()
    part = {
        "database": connection.vendor,
        "database_version": connection.Database.sqlite_version
        if connection.vendor == "sqlite"
        else connection.pg_version,
        "tool": tool,
        "duration": args.duration,
        "connections": args.connections,
        "workers": 2,
        "seeded": seeded,
        "rows": _rows(),
        "context": context,
        "scenarios": results,
        "peak_rss_mb": rss,
        "ledger_problems_after_run": len(ledger_problems),
    }
    if args.inprocess:
        _say("In-process measurements ...")
        part["inprocess"] = inprocess(context, small=args.scale < 0.05)
        for name, item in part["inprocess"].items():
            _say(f"  {name:14} {item['seconds']:.4f} s  {item['label']}")
    args.out.write_text(json.dumps(part, indent=2))


def _rows() -> dict[str, int]:
    from backend.accounts.models import User
    from governance.assemblies.models import ResolutionVote
    from governance.models import Membership
    from governance.votes.models import Ballot, BallotEntry
    from marketplace.models import Listing, TimeAccount, TimeTransfer
    from pioneers.models import Pioneer
    from projects.models import Project

    return {
        model._meta.label: model.objects.count()
        for model in (
            *(User, Membership, Pioneer, Project, Ballot, BallotEntry, ResolutionVote),
            *(TimeAccount, TimeTransfer, Listing),
        )
    }


if __name__ == "__main__":
    main()
