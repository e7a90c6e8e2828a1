"""The stack under test, as subprocesses on loopback: gunicorn with the production config, Celery
workers, and the fake Twilio. Each runs in its own process group, so stopping it stops its
children too, and nothing outlives the benchmark."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from . import environment

MB = 1024 * 1024
# Loopback only: never route the benchmark's requests through a proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log_path: Path
    url: str = ""
    #: gunicorn's quick shutdown (SIGTERM would wait up to 30 s for idle keep-alive clients).
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.process.pid

    def signal_stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, self.stop_signal)

    def wait_stopped(self, seconds: float = 15) -> None:
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def stop(self) -> None:
        self.signal_stop()
        self.wait_stopped()

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited with {self.process.returncode}; see {self.log_path}"
            )


def stop_all(started: list[Server]) -> None:
    """Every server at once, then wait for each: a few seconds in all."""
    for server in started:
        server.signal_stop()
    for server in started:
        server.wait_stopped()

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited with {self.process.returncode}; see {self.log_path}"
            )


def _start(name: str, command: list[str], env: dict, log_dir: Path) -> Server:
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "w")  # noqa: SIM115 - the child writes to it until it is stopped
    process = subprocess.Popen(
        command,
        cwd=environment.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: see Server.stop
    )
    log.close()
    return Server(name=name, process=process, log_path=log_path)


def _wait(server: Server, ready, seconds: float = 60) -> None:
    """Until `ready()`; a server that never gets there is stopped before the error is raised
    (the caller has not got it yet, so could not stop it)."""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            server.check_alive()
            with contextlib.suppress(OSError):
                if ready():
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{server.name} not ready after {seconds:.0f} s; see {server.log_path}")
    except BaseException:
        server.stop()
        raise


def http(method: str, url: str, body: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def start_gunicorn(env: dict, log_dir: Path, port: int) -> Server:
    server = _start(
        "gunicorn",
        [
            sys.executable,
            *shlex.split(
                f"-m gunicorn config.wsgi:application -c config/gunicorn.py --bind 127.0.0.1:{port}"
            ),
        ],
        env,
        log_dir,
    )
    server.url = f"http://127.0.0.1:{port}"
    server.stop_signal = signal.SIGINT
    _wait(server, lambda: http("GET", f"{server.url}/readyz")[0] == 200)
    return server


def start_celery(env: dict, log_dir: Path) -> Server:
    # As docker-compose runs it: the pool's width is the settings' CELERY_WORKER_CONCURRENCY.
    server = _start(
        "celery",
        [
            sys.executable,
            *shlex.split(f"-m celery -A config worker -l info --hostname bench-{os.getpid()}@%h"),
        ],
        env,
        log_dir,
    )
    _wait(server, lambda: " ready." in server.log_path.read_text(errors="replace"))
    return server


def start_fake_twilio(env: dict, log_dir: Path, port: int, app_url: str) -> Server:
    server = _start(
        "fake-twilio",
        [
            sys.executable,
            *shlex.split(f"-m notifications.fake_twilio --port {port} --app-url {app_url}"),
        ],
        env,
        log_dir,
    )
    server.url = f"http://127.0.0.1:{port}"
    _wait(server, lambda: http("GET", f"{server.url}/_fake/config")[0] == 200)
    # Delivery receipts would land on gunicorn while the workers are being measured: the
    # texts' path ends when Twilio accepts them.
    http("POST", f"{server.url}/_fake/config", {"callbacks_enabled": False, "callback_delay": 0.05})
    return server


# --- CPU time ---------------------------------------------------------------------------------


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children: those alive now, and those it has reaped
    (gunicorn's recycled workers)."""
    try:
        master = psutil.Process(pid)
        times = master.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        children = master.children(recursive=True)
    except psutil.Error:
        return 0.0
    for child in children:
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _database_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving `database` (on this machine)."""
    found = {}
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if cmdline.startswith("postgres:") and f" {database} " in cmdline:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            found[process.pid] = times.user + times.system
    return found


@dataclass
class CpuMeter:
    """CPU seconds spent by each server (and by PostgreSQL for the benchmark's database) between
    start() and stop(): what one operation costs the machine, beside how long it takes."""

    servers: dict[str, int]  # name -> pid
    database: str
    _before: dict = field(default_factory=dict)

    def start(self) -> CpuMeter:
        self._before = {name: _tree_cpu(pid) for name, pid in self.servers.items()}
        self._before["postgresql"] = _database_cpu(self.database)
        self._before["benchmark"] = time.process_time()
        return self

    def stop(self) -> dict[str, float]:
        spent = {name: _tree_cpu(pid) - self._before[name] for name, pid in self.servers.items()}
        before = self._before["postgresql"]
        spent["postgresql"] = sum(
            seconds - before.get(pid, 0.0) for pid, seconds in _database_cpu(self.database).items()
        )
        spent["benchmark"] = time.process_time() - self._before["benchmark"]
        return spent


# --- Profiles (BENCH_PROFILE=1) ------------------------------------------------------------


@dataclass
class Profile:
    """py-spy sampling a server's process tree while one path runs: collapsed stacks (one line
    per stack and its sample count), for `sort -t' ' -k2 -n` or a flame graph tool."""

    process: subprocess.Popen | None
    path: Path

    @classmethod
    def start(cls, server: Server, log_dir: Path, label: str) -> Profile:
        path = log_dir / f"profile-{label}-{server.name}.txt"
        if not environment.PROFILE:
            return cls(None, path)
        spy = Path(sys.executable).with_name("py-spy")
        process = subprocess.Popen(
            [
                str(spy),
                *shlex.split(
                    f"record --pid {server.pid} --subprocesses --nonblocking --format raw"
                ),
                *["--rate", "250", "--output", str(path)],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)  # py-spy attaches
        return cls(process, path)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- Memory -----------------------------------------------------------------------------------


@dataclass
class Peak:
    largest_process: int = 0  # bytes, any one process of the group
    all_processes: int = 0  # bytes, the group together at one moment
    processes: int = 0

    def as_dict(self) -> dict:
        return {
            "largest_process_mb": round(self.largest_process / MB, 1),
            "all_processes_mb": round(self.all_processes / MB, 1),
            "processes": self.processes,
        }


@dataclass
class MemorySampler:
    """Peak resident memory of each server's process tree, sampled every 200 ms."""

    servers: dict[str, int]  # name -> pid of the master process
    peaks: dict[str, Peak] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> MemorySampler:
        self.peaks = {name: Peak() for name in self.servers}
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._thread.start()
        return self

    def add(self, name: str, pid: int) -> None:
        self.peaks[name] = Peak()
        self.servers = {**self.servers, name: pid}  # a new dict: the sampler may be iterating

    def stop(self) -> dict[str, Peak]:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        return self.peaks

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for name, pid in self.servers.items():
                self._sample(name, pid)

    def _sample(self, name: str, pid: int) -> None:
        try:
            master = psutil.Process(pid)
            tree = [master, *master.children(recursive=True)]
        except psutil.Error:
            return
        sizes = []
        for process in tree:
            try:
                sizes.append(process.memory_info().rss)
            except psutil.Error:
                continue
        peak = self.peaks[name]
        peak.largest_process = max(peak.largest_process, *sizes, 0)
        if sum(sizes) > peak.all_processes:
            peak.all_processes, peak.processes = sum(sizes), len(sizes)
