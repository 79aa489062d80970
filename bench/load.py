"""Bounded load generators: ``wrk`` (Debian package) when installed, else a small
threaded Python client. Both stop by themselves (a duration or a request count) and
only ever talk to 127.0.0.1."""

import http.client
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Request:
    """What one scenario sends: a method, paths (rotated), headers per identity
    (rotated), and JSON bodies (rotated)."""

    method: str
    paths: list[str]
    headers: list[dict[str, str]] = field(default_factory=lambda: [{}])
    bodies: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # socket errors and timeouts
    non_2xx: int  # responses outside 2xx/3xx
    tool: str


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal here (ASCII)


def _lua_script(request: Request) -> str:
    paths = ", ".join(_lua_string(p) for p in request.paths)
    headers = ", ".join(
        "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in h.items()) + "}"
        for h in request.headers
    )
    bodies = ", ".join(_lua_string(b) for b in request.bodies) or '""'
    return f"""
local paths = {{{paths}}}
local headers = {{{headers}}}
local bodies = {{{bodies}}}
local method = {_lua_string(request.method)}
local thread_count = 0
function setup(thread)
  thread:set("offset", thread_count * 7919)
  thread_count = thread_count + 1
end
local n = 0
function request()
  n = n + 1
  local i = (offset or 0) + n
  local body = nil
  if method ~= "GET" then body = bodies[i % #bodies + 1] end
  return wrk.format(method, paths[i % #paths + 1], headers[i % #headers + 1], body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {{"requests":%d,"duration_us":%d,"errors":%d,"status":%d,' ..
    '"p50":%d,"p95":%d,"p99":%d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def run_wrk(
    *, base_url: str, request: Request, duration: float, connections: int, threads: int = 2
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua_script(request))
    try:
        out = subprocess.run(  # noqa: S603 (wrk from PATH, our arguments)
            [  # noqa: S607
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(duration))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        ).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    seconds = data["duration_us"] / 1e6
    return LoadResult(
        requests=data["requests"],
        seconds=round(seconds, 3),
        rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(data["p50"] / 1000, 2),
        p95_ms=round(data["p95"] / 1000, 2),
        p99_ms=round(data["p99"] / 1000, 2),
        errors=data["errors"],
        non_2xx=data["status"],
        tool="wrk",
    )


def run_python(
    *,
    host: str,
    port: int,
    request: Request,
    duration: float | None,
    connections: int,
    requests: int | None = None,
) -> LoadResult:
    """Threads on keep-alive connections; stops after ``requests`` in all, or ``duration``."""
    latencies: list[float] = []
    errors = [0, 0]  # socket errors, non-2xx/3xx
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.perf_counter() + (duration or 3600)

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter)
            if requests is not None and i >= requests:
                break
            body = request.bodies[i % len(request.bodies)] if request.method != "GET" else None
            hdrs = dict(request.headers[i % len(request.headers)])
            if body is not None:
                hdrs.setdefault("Content-Type", "application/json")
            started = time.perf_counter()
            try:
                conn.request(request.method, request.paths[i % len(request.paths)], body, hdrs)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
                with lock:
                    errors[0] += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status >= 400:
                    errors[1] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 2)

    return LoadResult(
        requests=len(latencies),
        seconds=round(seconds, 3),
        rps=round(len(latencies) / seconds, 1) if seconds else 0.0,
        p50_ms=round(statistics.median(latencies) * 1000, 2) if latencies else 0.0,
        p95_ms=pct(95),
        p99_ms=pct(99),
        errors=errors[0],
        non_2xx=errors[1],
        tool="python",
    )
