"""A private single-node Slurm (munged + slurmctld + slurmd) on localhost for the tests.

Everything lives under one directory the caller owns (a pytest tmp dir): munge key, socket,
seed and pid files, slurm.conf, state, spool and log files, on two free TCP ports. Nothing is
read from or written to /etc/slurm, /etc/munge, /run or /var. Every Slurm client call goes
through `SlurmCluster.env()` (SLURM_CONF pointing to the private file).

    cluster = SlurmCluster(tmp_dir)
    cluster.start()              # waits until sinfo shows the node idle
    job = cluster.submit_array(script_text, tasks=3, workdir=tmp_dir)
    states = cluster.wait(job, tasks=3)   # [JobRecord(...), ...], one per array task
    cluster.stop()               # scancel, terminate, kill; checks nothing is left running

or, in a test module, the `slurm_cluster_fixture()` helper below. `icsim_array()` submits an
array job running any icsim command line (one task per shard) and waits for it.

Daemons get SIGKILL if the test process dies (prctl PR_SET_PDEATHSIG), and a watchdog process
then kills what is left of the jobs, so a killed pytest never leaves a Slurm or a job running.
"""
import ctypes
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

DAEMONS = ("munged", "mungekey", "slurmctld", "slurmd", "slurmstepd")
CLIENTS = ("sbatch", "squeue", "sinfo", "scontrol", "scancel")
_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin",
                                "/sbin", "/usr/bin", "/usr/local/bin"])

TERMINAL_STATES = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED",
                   "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT"}


def find_tool(name):
    return shutil.which(name, path=_SEARCH_PATH)


def missing_tools():
    return [t for t in DAEMONS + CLIENTS if find_tool(t) is None]


def require_slurm():
    """Skips the test when Slurm or munge is not installed (or we are not root: the daemons
    run as SlurmUser=root), unless CI is set: there tools/install-deps.sh installs them and
    the tests run as root, so this is a failure."""
    missing = missing_tools()
    if not missing and os.geteuid() == 0:
        return
    if missing:
        message = ("Slurm/munge not installed (missing " + ", ".join(missing) +
                   "; tools/install-deps.sh installs slurm-wlm and munge)")
    else:
        message = "the private Slurm runs its daemons as root; run the test as root"
    if os.environ.get("CI"):
        pytest.fail(message + " and CI is set: not skipping", pytrace=False)
    pytest.skip(message)


def free_ports(count):
    """`count` distinct TCP ports free on this host right now."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _die_with_parent():
    # SIGKILL this daemon when the process that started it (pytest) dies, however it dies.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; stop() is the normal way out
        pass


class SlurmError(AssertionError):
    pass


# Run as `python3 -c WATCHDOG PID MARK...` in its own session: when process PID (the test) is
# gone, SIGKILLs every process whose command line or environment holds a MARK (the daemons,
# slurmstepd and the jobs' processes, which PR_SET_PDEATHSIG does not reach), then exits.
WATCHDOG = r"""
import os, signal, sys, time
parent, marks = int(sys.argv[1]), [m.encode() for m in sys.argv[2:]]
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
while os.path.exists(f"/proc/{parent}") and os.getppid() == parent:
    time.sleep(0.5)
for entry in os.listdir("/proc"):
    if not entry.isdigit() or int(entry) == os.getpid():
        continue
    try:
        with open(f"/proc/{entry}/cmdline", "rb") as f:
            blob = f.read()
        with open(f"/proc/{entry}/environ", "rb") as f:
            blob += b"\0" + f.read()
        if any(m in blob for m in marks):
            os.kill(int(entry), signal.SIGKILL)
    except OSError:
        pass
"""


@dataclass
class JobRecord:
    job_id: str        # e.g. "12" (the task's own id)
    array_job_id: str  # "" for a plain job
    task_id: str       # "" for a plain job; may be a range ("2-3") while pending
    state: str         # COMPLETED, FAILED, PENDING, RUNNING, ...
    exit_code: str     # "0:0" (exit status:signal)
    reason: str
    raw: str

    @property
    def done(self):
        return self.state in TERMINAL_STATES

    @property
    def ok(self):
        return self.state == "COMPLETED" and self.exit_code == "0:0"


def parse_scontrol_jobs(text):
    """JobRecords from `scontrol show job -o` output (one line per job or array task)."""
    records = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("JobId="):
            continue
        fields = dict(m.groups() for m in re.finditer(r"(\w+)=(\S*)", line))
        records.append(JobRecord(fields.get("JobId", ""), fields.get("ArrayJobId", ""),
                                 fields.get("ArrayTaskId", ""), fields.get("JobState", ""),
                                 fields.get("ExitCode", ""), fields.get("Reason", ""), line))
    return records


class SlurmCluster:
    """munged, slurmctld and slurmd for one node (this host, 127.0.0.1) under `root`."""

    def __init__(self, root, cpus=2, memory_mb=1000, partition="debug"):
        self.root = Path(root).resolve()
        self.cpus = cpus
        self.memory_mb = memory_mb
        self.partition = partition
        self.node = socket.gethostname().split(".")[0]
        self.conf = self.root / "slurm.conf"
        self.munge_dir = self.root / "munge"
        self.procs = {}
        self.startup_seconds = None
        self.phase_seconds = {}  # seconds from start to: munged socket, slurmctld listening
        self._short_dir = None  # for the munge socket when root's path is too long
        self.watchdog = None
        self.ctld_port, self.slurmd_port = free_ports(2)

    # ---------------------------------------------------------------- configuration
    @property
    def munge_socket(self):
        sock = self.munge_dir / "munge.socket"
        if len(str(sock)) < 100:  # sun_path holds 108 bytes
            return sock
        if self._short_dir is None:
            self._short_dir = Path(tempfile.mkdtemp(prefix="icsim-munge-"))
            self._short_dir.chmod(0o755)
        return self._short_dir / "munge.socket"

    def env(self, extra=None):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLURM_", "SBATCH_", "SALLOC_", "SRUN_", "SQUEUE_",
                                    "SINFO_", "SCONTROL_", "SCANCEL_"))}
        env["SLURM_CONF"] = str(self.conf)
        env["PATH"] = _SEARCH_PATH
        if extra:
            env.update({k: str(v) for k, v in extra.items()})
        return env

    def _write_config(self):
        r = self.root
        for d in ("state", "spool", "log", "run"):
            (r / d).mkdir(parents=True, exist_ok=True)
        # munged wants its socket directory executable by all; with pytest's 0700 parents it
        # also needs --force (we run as root in CI; munged does not refuse root itself)
        self.munge_dir.mkdir(parents=True, exist_ok=True)
        self.munge_dir.chmod(0o755)
        (r / "plugstack.conf").write_text("")  # not /etc/slurm/plugstack.conf
        self.conf.write_text(f"""\
# private single-node Slurm for icsim's tests (tests/python/slurm_cluster.py)
ClusterName=icsimtest
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={self.ctld_port}
SlurmdPort={self.slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.munge_socket}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
ReturnToService=2
MinJobAge=600
StateSaveLocation={r}/state
SlurmdSpoolDir={r}/spool
SlurmctldPidFile={r}/run/slurmctld.pid
SlurmdPidFile={r}/run/slurmd.pid
SlurmctldLogFile={r}/log/slurmctld.log
SlurmdLogFile={r}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig={r}/plugstack.conf
MailProg=/bin/true
# use CPUs/RealMemory below whatever the hardware (a 1-CPU CI machine still gets 2 CPUs)
SlurmdParameters=config_overrides
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.memory_mb} State=UNKNOWN
PartitionName={self.partition} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
""")

    # ---------------------------------------------------------------- daemons
    def _spawn(self, name, argv):
        log = open(self.root / "log" / f"{name}.stderr", "wb")
        self.procs[name] = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env=self.env(), cwd=self.root, preexec_fn=_die_with_parent)
        log.close()

    def start(self, timeout=30.0):
        """Starts the daemons and waits until sinfo shows the node idle; on failure stops
        everything and raises with the daemons' logs."""
        missing = missing_tools()
        if missing:
            raise SlurmError("missing Slurm/munge binaries: " + ", ".join(missing))
        self._write_config()
        key = self.munge_dir / "munge.key"
        subprocess.run([find_tool("mungekey"), "--create", "--force", "--keyfile", str(key)],
                       check=True, capture_output=True, timeout=20)
        key.chmod(0o600)
        started = time.monotonic()
        try:
            sock = self.munge_socket
            self.watchdog = subprocess.Popen(
                [sys.executable, "-c", WATCHDOG, str(os.getpid()), *self._marks()],
                stdin=subprocess.DEVNULL, start_new_session=True)
            self._spawn("munged", [
                find_tool("munged"), "--foreground", "--force", f"--socket={sock}",
                f"--key-file={key}", f"--pid-file={self.munge_dir / 'munged.pid'}",
                f"--seed-file={self.munge_dir / 'munged.seed'}",
                f"--log-file={self.root / 'log' / 'munged.log'}"])
            self._wait_for(lambda: sock.exists(), started + timeout, "munged socket")
            self.phase_seconds["munged"] = time.monotonic() - started
            self._spawn("slurmctld", [find_tool("slurmctld"), "-D", "-i", "-f", str(self.conf)])
            # a client (slurmd registering, sinfo) that finds the port closed sleeps a second
            # before it retries: start them once slurmctld listens
            self._wait_for(lambda: self._listening(self.ctld_port), started + timeout,
                           "slurmctld to listen on its port")
            self.phase_seconds["slurmctld"] = time.monotonic() - started
            self._spawn("slurmd", [find_tool("slurmd"), "-D", "-f", str(self.conf),
                                   "-N", self.node])
            self._wait_for(self._node_idle, started + timeout, "the node to be idle in sinfo")
        except BaseException:
            self.stop(check=False)
            raise
        self.startup_seconds = time.monotonic() - started
        return self.startup_seconds

    @staticmethod
    def _listening(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    def _node_idle(self):
        try:
            proc = self.client("sinfo", "-h", "-N", "-o", "%N %T", check=False, timeout=5)
        except subprocess.TimeoutExpired:
            return False
        return proc.returncode == 0 and f"{self.node} idle" in proc.stdout.split("\n")

    def _wait_for(self, condition, deadline, what):
        while True:
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise SlurmError(f"{name} exited with status {p.returncode} while waiting "
                                     f"for {what}\n{self.logs()}")
            if condition():
                return
            if time.monotonic() > deadline:
                raise SlurmError(f"timed out waiting for {what}\n{self.logs()}")
            time.sleep(0.05)

    def logs(self, tail=60):
        """The last lines of every daemon's log, for failure messages."""
        out = []
        files = sorted((self.root / "log").glob("*")) if (self.root / "log").exists() else []
        for f in files:
            lines = f.read_text(errors="replace").splitlines()[-tail:]
            out.append(f"--- {f} (last {len(lines)} lines)\n" + "\n".join(lines))
        return "\n".join(out)

    def _watchdog_pid(self):
        return self.watchdog.pid if self.watchdog is not None else None

    def _marks(self):
        marks = [f"SLURM_CONF={self.conf}", f"{self.root}/"]
        if self._short_dir is not None:
            marks.append(f"{self._short_dir}/")
        return marks

    def leftover_processes(self):
        """pids of processes that belong to this cluster: the daemons and anything started
        under them or by its jobs (slurmstepd, job scripts), found by the private SLURM_CONF
        or root directory in their environment or command line."""
        marks = [m.encode() for m in self._marks()]
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in (os.getpid(), self._watchdog_pid()):
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmdline = f.read()
                with open(f"/proc/{entry}/environ", "rb") as f:
                    environ = f.read()
            except OSError:
                continue
            if not cmdline:  # zombie or kernel thread
                continue
            blob = cmdline + b"\0" + environ
            if any(m in blob for m in marks):
                pids.append(int(entry))
        return pids

    def stop(self, check=True, grace=10.0):
        """Cancels jobs, terminates the daemons (SIGTERM, then SIGKILL after `grace` s) and
        kills whatever of the cluster is still running; with check, raises if something had to
        be killed by force at the end or survives."""
        if not self.procs and self.watchdog is None:
            return
        alive = {n: p for n, p in self.procs.items() if p.poll() is None}
        if {"munged", "slurmctld", "slurmd"} <= set(alive):
            # end the jobs while the daemons can still talk to each other
            self.client("scancel", "--user", pwd.getpwuid(os.getuid()).pw_name, check=False,
                        timeout=10)
            end = time.monotonic() + grace
            while time.monotonic() < end:
                queue = self.client("squeue", "-h", check=False, timeout=10)
                if queue.returncode != 0 or not queue.stdout.strip():
                    break
                time.sleep(0.1)
        # one at a time: slurmd and slurmctld still need munged while they shut down
        forced = []
        for name in ("slurmd", "slurmctld", "munged"):
            p = self.procs.get(name)
            if p is None or p.poll() is not None:
                continue
            p.terminate()
            try:
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                forced.append(name)
                p.kill()
                p.wait(timeout=10)
        if self.watchdog is not None:
            self.watchdog.terminate()
            self.watchdog.wait(timeout=10)
        # job steps (slurmstepd and the job's processes) are not our children
        end = time.monotonic() + 5
        left = self.leftover_processes()
        while left and time.monotonic() < end:
            time.sleep(0.1)
            left = self.leftover_processes()
        killed = []
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except ProcessLookupError:
                pass
        time.sleep(0.2 if killed else 0)
        survivors = self.leftover_processes()
        self.procs = {}
        self.watchdog = None
        if self._short_dir is not None:
            shutil.rmtree(self._short_dir, ignore_errors=True)
        if check and (forced or killed or survivors):
            raise SlurmError(f"teardown: had to SIGKILL daemons {forced} and processes "
                             f"{killed}; still running: {survivors}\n{self.logs()}")

    # ---------------------------------------------------------------- clients and jobs
    def client(self, tool, *args, check=True, timeout=30, env=None, cwd=None):
        """Runs a Slurm client (sbatch, squeue, ...) against this cluster."""
        proc = subprocess.run([find_tool(tool) or tool, *map(str, args)], capture_output=True,
                              text=True, env=self.env(env), cwd=cwd, timeout=timeout)
        if check and proc.returncode != 0:
            raise SlurmError(f"{tool} {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stdout}{proc.stderr}\n{self.logs()}")
        return proc

    def submit(self, script, *sbatch_args, workdir, env=None, args=()):
        """Submits a batch script (a path, or the script's text) with sbatch options
        `sbatch_args`, script arguments `args` and extra environment `env` (sbatch passes the
        environment on to the job); returns the job id."""
        workdir = Path(workdir)
        if not isinstance(script, Path):
            path = workdir / f"job_{time.monotonic_ns()}.sh"
            path.write_text(script)
            script = path
        proc = self.client("sbatch", "--parsable", f"--chdir={workdir}", *sbatch_args, script,
                           *args, env=env, cwd=workdir)
        return proc.stdout.strip().split(";")[0]

    def submit_array(self, script, tasks, *sbatch_args, workdir, env=None, args=()):
        """An array job with tasks 1..tasks (output in workdir/slurm-%A_%a.out)."""
        return self.submit(script, f"--array=1-{tasks}", "--output=slurm-%A_%a.out",
                           *sbatch_args, workdir=workdir, env=env, args=args)

    def jobs(self, job_id):
        proc = self.client("scontrol", "show", "job", "-o", job_id, check=False, timeout=10)
        return parse_scontrol_jobs(proc.stdout)

    def wait(self, job_id, tasks=1, timeout=90.0):
        """Waits until the job (every one of `tasks` array tasks) has ended; returns its
        JobRecords. Raises on timeout (after cancelling the job)."""
        deadline = time.monotonic() + timeout
        while True:
            records = self.jobs(job_id)
            single = [r for r in records if r.task_id == "" or r.task_id.isdigit()]
            if len(single) == len(records) and len(records) >= tasks and \
                    all(r.done for r in records):
                return sorted(records, key=lambda r: (int(r.task_id or 0), r.job_id))
            if time.monotonic() > deadline:
                self.client("scancel", job_id, check=False, timeout=10)
                states = "\n".join(r.raw for r in records)
                raise SlurmError(f"job {job_id} did not end within {timeout} s:\n{states}\n"
                                 f"{self.client('squeue', check=False).stdout}\n{self.logs()}")
            time.sleep(0.1)


def assert_jobs_ok(records, workdir=None):
    """Every record COMPLETED with exit code 0:0; otherwise fails with the jobs' output files."""
    bad = [r for r in records if not r.ok]
    if not bad:
        return
    output = ""
    if workdir is not None:
        for f in sorted(Path(workdir).glob("slurm-*.out")):
            output += f"--- {f}\n{f.read_text(errors='replace')[-3000:]}\n"
    raise SlurmError("jobs did not complete:\n" + "\n".join(r.raw for r in bad) + "\n" + output)


def batch_script(command_line, workdir=None, env=None):
    """A bash batch script running `command_line` (a list of arguments; an argument may
    contain `{task}`, replaced at run time by the array task id)."""
    task = "'\"${SLURM_ARRAY_TASK_ID}\"'"
    words = [shlex.quote(str(a)).replace("{task}", task) if "{task}" in str(a)
             else shlex.quote(str(a)) for a in command_line]
    lines = ["#!/bin/bash", "set -euo pipefail"]
    for k, v in (env or {}).items():
        lines.append(f"export {k}={shlex.quote(str(v))}")
    if workdir is not None:
        lines.append(f"cd {shlex.quote(str(workdir))}")
    lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


def icsim_array(cluster, icsim_args, tasks, workdir, *, icsim=None, timeout=90.0,
                sbatch_args=(), check=True):
    """Runs `icsim ICSIM_ARGS...` as a Slurm array job of `tasks` tasks in `workdir` and waits
    for it; `{task}` in an argument is the array task id (e.g. ["run", scenario, "--shard",
    "auto", "-o", "shard_{task}.h5"]). Returns the tasks' JobRecords (checked COMPLETED with
    exit 0 unless check=False)."""
    if icsim is None:
        from icsim_testing import icsim_bin
        icsim = icsim_bin()
    script = batch_script([icsim, *icsim_args], workdir=workdir,
                          env={"OPENBLAS_NUM_THREADS": 1})
    job = cluster.submit_array(script, tasks, *sbatch_args, workdir=workdir)
    records = cluster.wait(job, tasks=tasks, timeout=timeout)
    if check:
        assert_jobs_ok(records, workdir)
    return records


def slurm_cluster_fixture(tmp_path_factory, request, name="slurm"):
    """Generator body for a module-scoped fixture: skips (or fails in CI) without Slurm,
    starts a cluster, reports its startup time, yields it and stops it.

        @pytest.fixture(scope="module")
        def slurm(tmp_path_factory, request):
            yield from slurm_cluster_fixture(tmp_path_factory, request)
    """
    require_slurm()
    for attempt in (1, 2):
        cluster = SlurmCluster(tmp_path_factory.mktemp(name))
        try:
            seconds = cluster.start()
            break
        except SlurmError as e:  # a port taken since free_ports() chose it: once more
            if attempt == 2 or "Address already in use" not in str(e):
                raise
    try:
        message = (f"private Slurm (munged + slurmctld + slurmd) up, node idle in sinfo, "
                   f"after {seconds:.2f} s")
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():  # shown without -s or -rA
                reporter.write_line(f"\n{message}")
        else:
            print(message)
        yield cluster
    finally:
        cluster.stop(check=True)
