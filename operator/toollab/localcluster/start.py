"""`make cluster`: start etcd, kube-apiserver, controller-manager, scheduler and kwok on 127.0.0.1.

Everything of a run lives in one temporary folder (PKI, data, logs, PIDs); the repository only
records where it is. Idempotent: a healthy recorded cluster is reused. Standard library only.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from toollab.localcluster import pins, pki, processes, rest, state, workloads

NODES = 3
COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")
SUPERVISOR = "supervisor"  # restarts any component that exits (localcluster/supervisor.py)


def free_port() -> int:
    """A port the kernel just gave us on 127.0.0.1 (released again before use)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(what: str, check: Callable[[], bool], *, run: Path, component: str, timeout: float) -> float:
    """Poll `check` until true; fail at once if `component` died, or after `timeout`."""
    started = time.monotonic()
    while not check():
        if not processes.is_alive(run, component):
            raise processes.ComponentFailed(
                f"{component} exited while waiting for {what}; see {run}/logs/{component}.log\n"
                + processes.log_tail(run, component)
            )
        if time.monotonic() - started > timeout:
            raise processes.ComponentFailed(
                f"timed out after {timeout:.0f}s waiting for {what}; see {run}/logs/{component}.log"
            )
        time.sleep(0.2)
    return time.monotonic() - started


def start_etcd(run: Path, port: int) -> None:
    """etcd with a disposable, unsynced data folder; peer listener on a random loopback port."""
    processes.start(
        run,
        "etcd",
        [
            str(pins.bin_dir() / "etcd"),
            f"--data-dir={run}/etcd",
            f"--listen-client-urls=http://127.0.0.1:{port}",
            f"--advertise-client-urls=http://127.0.0.1:{port}",
            "--listen-peer-urls=http://127.0.0.1:0",
            "--unsafe-no-fsync=true",
            "--auto-compaction-retention=1",
            "--log-level=warn",
        ],
    )


def start_apiserver(run: Path, *, port: int, etcd_port: int) -> None:
    """kube-apiserver on 127.0.0.1 with RBAC; no default route needed (advertise 127.0.0.1)."""
    p = run / "pki"
    processes.start(
        run,
        "kube-apiserver",
        [
            str(pins.bin_dir() / "kube-apiserver"),
            f"--etcd-servers=http://127.0.0.1:{etcd_port}",
            "--bind-address=127.0.0.1",
            f"--secure-port={port}",
            "--advertise-address=127.0.0.1",
            "--endpoint-reconciler-type=none",
            f"--tls-cert-file={p}/apiserver.crt",
            f"--tls-private-key-file={p}/apiserver.key",
            f"--client-ca-file={p}/ca.crt",
            "--authorization-mode=Node,RBAC",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={p}/sa.pub",
            f"--service-account-signing-key-file={p}/sa.key",
            "--service-cluster-ip-range=10.96.0.0/16",
            "--allow-privileged=true",
            "--v=1",
        ],
        env={"GOMEMLIMIT": "1GiB"},
    )


def start_controllers(run: Path) -> None:
    """kube-controller-manager and kube-scheduler, serving no port of their own."""
    p = run / "pki"
    common = [f"--kubeconfig={run}/kubeconfig", "--bind-address=127.0.0.1", "--secure-port=0", "--v=1"]
    processes.start(
        run,
        "kube-controller-manager",
        [
            str(pins.bin_dir() / "kube-controller-manager"),
            *common,
            f"--root-ca-file={p}/ca.crt",
            f"--service-account-private-key-file={p}/sa.key",
            f"--cluster-signing-cert-file={p}/ca.crt",
            f"--cluster-signing-key-file={p}/ca.key",
            "--use-service-account-credentials=true",
            "--node-monitor-period=5s",
            "--node-monitor-grace-period=40s",
        ],
    )
    processes.start(run, "kube-scheduler", [str(pins.bin_dir() / "kube-scheduler"), *common])


def start_kwok(run: Path) -> None:
    """kwok managing every Node; stages from the tools cache; no listening port."""
    stages = pins.bin_dir() / "kwok-stages" / "fast"  # a kustomization: node-fast, lease heartbeat, pod-fast
    (run / "kwok-home").mkdir(exist_ok=True)
    processes.start(
        run,
        "kwok",
        [
            str(pins.bin_dir() / "kwok"),
            f"--kubeconfig={run}/kubeconfig",
            f"--config={stages}",
            "--manage-all-nodes=true",
            "--node-ip=127.0.0.1",
            "--cidr=10.244.0.0/16",
            "--node-lease-duration-seconds=40",
        ],
        env={"KWOK_WORKDIR": str(run / "kwok-home")},
    )


def start_supervisor(run: Path) -> None:
    """The supervisor of the components started so far (standard library, this package)."""
    package_root = Path(__file__).resolve().parents[2]
    argv = [sys.executable, "-m", "toollab.localcluster.supervisor", str(run), *COMPONENTS]
    processes.start(run, SUPERVISOR, argv, env={"PYTHONPATH": str(package_root)})


def down_components(record: state.RunRecord) -> list[str]:
    """The components (and the supervisor) that are not running."""
    return [c for c in (*COMPONENTS, SUPERVISOR) if not processes.is_alive(record.run, c)]


def is_healthy(record: state.RunRecord) -> bool:
    """True when every component and the supervisor run and the API server answers /readyz."""
    if down_components(record):
        return False
    try:
        return rest.RestClient(port=record.api_port, pki=record.pki).ok("/readyz")
    except OSError:
        return False


def boot(run: Path, *, nodes: int, log: Callable[[str], None]) -> state.RunRecord:
    """Start every component in order and wait until the cluster can run workloads."""
    for sub in ("pki", "logs", "pids", "etcd"):
        (run / sub).mkdir(parents=True, exist_ok=True)
    pki.make_pki(run / "pki")
    etcd_port, api_port = free_port(), free_port()
    record = state.RunRecord(run=run, api_port=api_port)
    record.kubeconfig.write_text(pki.kubeconfig_text(server=f"https://127.0.0.1:{api_port}", pki=run / "pki"))
    start_etcd(run, etcd_port)
    start_apiserver(run, port=api_port, etcd_port=etcd_port)
    client = rest.RestClient(port=api_port, pki=run / "pki")
    wait_for("etcd", lambda: _http_ok(etcd_port), run=run, component="etcd", timeout=30)
    took = wait_for(
        "kube-apiserver /readyz",
        lambda: client.ok("/readyz"),
        run=run,
        component="kube-apiserver",
        timeout=90,
    )
    log(f"cluster: api server ready in {took:.1f}s")
    start_controllers(run)
    start_kwok(run)
    start_supervisor(run)
    workloads.create_nodes(client, nodes)
    workloads.wait_ready(client, run=run, nodes=nodes, waiter=wait_for)
    return record


def _http_ok(port: int) -> bool:
    import http.client

    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:
        return False


def up(*, nodes: int = NODES, log: Callable[[str], None] = print) -> state.RunRecord:
    """Reuse a healthy recorded cluster, or clear a stale one and start a new one."""
    where = state.state_dir()
    record = state.read_record(where)
    if record is not None and is_healthy(record):
        log(f"cluster: already running (KUBECONFIG={where / 'kubeconfig'})")
        return record
    if record is not None:
        down(log=log)
    missing = [c for c in COMPONENTS if not (pins.bin_dir() / c).exists()]
    if missing:
        raise processes.ComponentFailed(f"tools missing ({', '.join(missing)}): run `make tools` first")
    started = time.monotonic()
    try:
        record = boot_recorded(where, nodes=nodes, log=log)
    except processes.ComponentFailed as exc:
        if not is_port_clash(exc):
            raise
        log("cluster: a port was taken between choosing and binding it; retrying once with new ports")
        try:
            record = boot_recorded(where, nodes=nodes, log=log)
        except processes.ComponentFailed as again:
            if is_port_clash(again):
                raise processes.ComponentFailed(f"port clash twice: {again}") from again
            raise
    state.write_record(where, record)
    log(
        f"cluster: ready in {time.monotonic() - started:.1f}s with {nodes} nodes; "
        f"export KUBECONFIG={where / 'kubeconfig'}"
    )
    return record


def boot_recorded(where: Path, *, nodes: int, log: Callable[[str], None]) -> state.RunRecord:
    """Boot in a new run folder recorded first, so a failed start can always be cleaned up."""
    stale = state.read_record(where)
    if stale is not None:
        import shutil

        stop_components(stale.run)
        shutil.rmtree(stale.run, ignore_errors=True)
    run = Path(tempfile.mkdtemp(prefix="toollab-cluster."))
    state.write_record(where, state.RunRecord(run=run, api_port=0))
    try:
        return boot(run, nodes=nodes, log=log)
    except BaseException:
        stop_components(run)  # keep the folder: its logs explain the failure
        raise


def is_port_clash(exc: Exception) -> bool:
    """True when a component died because its port was taken."""
    return "address already in use" in str(exc)


def stop_components(run: Path) -> None:
    """Stop the supervisor (so it restarts nothing), then the components in reverse start order."""
    for name in (SUPERVISOR, *reversed(COMPONENTS)):
        processes.stop(run, name)


def down(*, log: Callable[[str], None] = print) -> None:
    """Stop every recorded component (reverse order), remove the run folder and the record."""
    import shutil

    from toollab.localcluster import demo  # its operator and chart server go before the cluster

    demo.stop_background(log=log)
    where = state.state_dir()
    record = state.read_record(where)
    if record is None:
        log("cluster: nothing recorded; nothing to stop")
        return
    stop_components(record.run)
    shutil.rmtree(record.run, ignore_errors=True)
    state.clear_record(where)
    log(f"cluster: stopped and removed {record.run}")
