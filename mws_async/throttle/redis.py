"""The Redis throttle backend: one seller's quota shared by many processes and hosts.

Select it with ``MWSClient(..., throttle=RedisThrottle(url="redis://host:6379/0"))``, or from the environment
with :func:`backend_from_env` (``MWS_ASYNC_REDIS_URL``; see :meth:`RedisThrottle.from_env`). It needs the
``redis`` package (``pip install mws-async[redis]``).

Semantics are the in-memory backend's (:mod:`mws_async.throttle.memory`): the same burst bucket (GCRA form of
aiolimiter's leaky bucket, :class:`~mws_async.throttle.bucket.TokenBucket`), the same hourly bucket and hourly
window learnt from ``x-mws-quota-*`` headers, the same ``mark_empty`` gate, the same safety margins
(``rate_margin``, the latency ``hold`` and its learning on throttles) and time scale. The arithmetic is one
**Lua script** run atomically by the server (``EVALSHA``; loaded once, reloaded after ``NOSCRIPT``), on the
**server's clock** (``redis.call('TIME')``), so hosts whose clocks disagree still agree on the buckets.

Keys, per bucket ``(host, SellerId, AWSAccessKeyId, group)`` (the access key id only as
:attr:`~mws_async.throttle.base.ThrottleKey.key_hash`, never in clear)::

    mws-async:v1:{<host>|<seller>|<key_hash[:32]>|<group>}:s   hash: bucket state, ticket costs
    mws-async:v1:{...}:q                                       zset: waiting tickets, by arrival
    mws-async:v1:{...}:l                                       zset: ticket leases (deadline)

(the braces are a Redis Cluster hash tag: the three keys live in one slot, so every script call touches one
slot of one shard). Every write sets ``PEXPIRE`` on
all three to the time until the state is idle again (buckets full, no gate, no window, no lease) plus
``expiry_margin``: an idle key is forgotten, as a fresh one would be identical.

Fairness: a local ``asyncio.Lock`` per key makes one task per process (the lock holder, in arrival order)
talk to Redis for that key; across processes a **ticket queue in Redis** orders the waiting holders by
arrival. A request is admitted only when nobody waits or it is at the head of the queue; everybody else is
told how long until its turn, computed by replaying the queue ahead of it on the bucket (so waits are slept,
never polled: one round trip per admission plus one per wake-up). A ticket carries a lease
(``its wait + ticket_lease``) renewed on each call, so a crashed process blocks the queue for at most
``ticket_lease`` seconds; a cancelled waiter removes its ticket (``leave``). A 20-item batch is therefore
never starved by another process's 1-item calls.

Re-timing: the lock holder's sleep ends early when this process changes the key's picture
(``mark_empty``, ``observe_hourly``, ``update_spec``, e.g. a rate the server announced); it then asks again,
with the latest numbers given for the key, so the waiters of this process follow the change at once, earlier
or later, in queue order. Other processes' waiters follow it at their next question (at most their old wait).

Redis Cluster: ``RedisThrottle(url, cluster=True)`` (or ``MWS_ASYNC_REDIS_CLUSTER=1`` beside
``MWS_ASYNC_REDIS_URL``) talks to a cluster through ``redis.asyncio.cluster.RedisCluster``; the URL names any
one node (the others are discovered), its database must be 0 and ``unix://`` is refused. The script is
loaded on every master and each call runs on the master owning the key's slot. A cluster node given without
``cluster=True`` (its answers are ``MOVED`` redirections), or ``cluster=True`` with a server that is not a
cluster node, is a :class:`ThrottleBackendUnavailable` whose reason says which setting to change.

The URL is checked when the backend is built: scheme ``redis``/``rediss``/``unix``, a host, a numeric port
(1-65535), a whole-number database (``/db`` or ``?db=``) and query options the driver accepts; anything else
is a :class:`~mws_async.errors.ConfigurationError`. Passwords (``redis://user:pw@``, ``?password=``,
``?ssl_password=``) are redacted from :attr:`RedisThrottle.safe_url`, messages and log lines.

Failure behaviour (``on_unavailable``), when Redis cannot be used: connection refused or lost, a timeout, a
server that is not Redis (an HTTP server, garbage), a refused password or database (a ``/db`` beyond the
server's ``databases`` setting), a refused script. Whatever the driver raises is turned into a reason in
words (what was found, what to do) and never escapes, nor stays attached as ``__cause__``/``__context__``:

- ``"fail"`` (default): :meth:`acquire` raises :class:`ThrottleBackendUnavailable` (an
  :class:`~mws_async.errors.MWSError`; its message names the URL without the password). No request is sent
  unthrottled. ``mark_empty`` / ``observe_hourly`` never raise (they correct a state nobody can read while
  Redis is down; a response already received is never thrown away), they log a warning.
- ``"local"``: this process carries on with a :class:`~mws_async.throttle.memory.MemoryThrottle` whose
  capacity, restore rate and hourly quota are divided by ``expected_processes`` (a cost above that capacity
  still fits: the local capacity is at least the largest cost seen for the group), so the processes together
  stay within the quota while they cannot coordinate.

Either way Redis is retried at most every ``retry_interval`` seconds (no connection attempt in between, so
failing is fast); once it answers, the backend switches back. When switching back from ``"local"``, each
bucket used locally lowers the shared bucket to what the processes may have left
(``capacity - expected_processes * local use``), because a restarted Redis comes back with full buckets.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from mws_async.errors import ClientValidationError, ConfigurationError, MWSError, QuotaCostError
from mws_async.throttle.base import (
    HOUR,
    QuotaHeaders,
    ThrottleBackend,
    ThrottleKey,
    WouldWait,
    seconds_until_reset,
)
from mws_async.throttle.bucket import EPSILON
from mws_async.throttle.memory import (
    _MIN_LEARNED_HOLD,
    _UNKNOWN_RESET,
    DEFAULT_LATENCY_FRACTION,
    DEFAULT_RATE_MARGIN,
    MAX_LATENCY_MARGIN,
    MemoryThrottle,
)
from mws_async.throttle.quotas import QuotaSpec

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.cluster import RedisCluster

__all__ = [
    "ENV_CLUSTER",
    "ENV_ON_UNAVAILABLE",
    "ENV_PROCESSES",
    "ENV_URL",
    "LUA_SCRIPT",
    "OnUnavailable",
    "RedisThrottle",
    "ThrottleBackendUnavailable",
    "backend_from_env",
    "redact_url",
]

logger = logging.getLogger("mws_async.throttle.redis")

#: Environment variable naming the Redis URL (``redis://[:password@]host:port/db``, ``rediss://`` ...).
ENV_URL = "MWS_ASYNC_REDIS_URL"
#: Optional: ``fail`` (default) or ``local``, see :class:`RedisThrottle`.
ENV_ON_UNAVAILABLE = "MWS_ASYNC_REDIS_ON_UNAVAILABLE"
#: Optional: ``expected_processes`` for the ``local`` fallback (default 4).
ENV_PROCESSES = "MWS_ASYNC_REDIS_PROCESSES"
#: Optional: ``1`` / ``true`` / ``yes`` when ``MWS_ASYNC_REDIS_URL`` names a Redis Cluster node.
ENV_CLUSTER = "MWS_ASYNC_REDIS_CLUSTER"

OnUnavailable = Literal["fail", "local"]

_TIME_EPSILON = 1e-9


class ThrottleBackendUnavailable(MWSError):
    """The shared throttle store cannot be reached (and ``on_unavailable="fail"``).

    ``url`` is the store's URL without its password, ``reason`` the connection error, ``retry_in`` the seconds
    before the next connection attempt (calls until then fail at once, without touching the network).
    """

    def __init__(self, url: str, reason: str, retry_in: float) -> None:
        self.url = url
        self.reason = reason
        self.retry_in = retry_in
        super().__init__(
            f"throttle backend Redis at {url} is unavailable ({reason}); no request is sent unthrottled. "
            f"Retrying the connection in at most {retry_in:g} s (or use on_unavailable='local')"
        )


#: A query option whose name mentions a password (``password=``, ``ssl_password=``): its value is redacted.
_SECRET_OPTION = re.compile(r"(?i)(^|[&;])([^&;=]*password[^&;=]*=)[^&;]*")
#: ``password=value`` / ``'password': 'value'`` in free text (a driver's message, a client's repr).
_SECRET_TEXT = re.compile(r"""(?i)(password['"]?\s*[=:]\s*['"]?)[^\s&;,'")}>]+""")
#: The largest database index any Redis server accepts (``databases`` is an int); the server's own limit,
#: 16 by default, is checked by the server: its refusal becomes a typed error naming the database.
_MAX_DATABASE = 2**31 - 1


def redact_url(url: str) -> str:
    """``url`` with every password replaced by ``***``: in the user info (``redis://user:***@host:6379/0``,
    ``redis://:***@host``) and in query options (``?password=***``, ``?ssl_password=***``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable redis url>"
    # Work on the raw text (not .port / .hostname, which raise on bad values): this never fails.
    userinfo, at, hostport = parts.netloc.rpartition("@")
    netloc = f"{userinfo.partition(':')[0]}:***@{hostport}" if at and ":" in userinfo else parts.netloc
    query = _SECRET_OPTION.sub(r"\1\2***", parts.query)
    fragment = "***" if parts.fragment else ""
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def _url_secrets(url: str) -> list[str]:
    """Every password a URL carries (raw and percent-decoded), to scrub from any text."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
        if parts.password:
            found.append(parts.password)
        for name, values in parse_qs(parts.query).items():
            if "password" in name.lower():
                found += values
    except ValueError:
        return []
    return [v for secret in found for v in {secret, unquote(secret)} if v]


def _redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with ``password=...`` values and the given secrets replaced by ``***``."""
    text = _SECRET_TEXT.sub(r"\1***", text)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _check_url(url: object) -> int:
    """Validate a Redis URL before anything connects; return its database number.

    Raises :class:`ConfigurationError`. Messages never echo the user info (it may hold the password)."""
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError(
            f"RedisThrottle url must be a string such as redis://host:6379/0, got {type(url)}"
        )
    try:
        parts = urlsplit(url)
        problem = None
    except ValueError as exc:
        problem = str(exc)
    if problem is not None:
        raise ConfigurationError(f"RedisThrottle url is not a valid URL ({problem}); use redis://host:6379/0")
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ConfigurationError(
            f"RedisThrottle url has the scheme {parts.scheme!r}; use redis://host:port/db, rediss:// (TLS) "
            "or unix:///path/to/redis.sock"
        )
    if "@" in parts.path + parts.query + parts.fragment:
        raise ConfigurationError(
            "RedisThrottle url has an '@' after its host: percent-encode '/', '?', '#', '@' and ':' in the "
            "user name and password (urllib.parse.quote(password, safe=''))"
        )
    options = parse_qs(parts.query, keep_blank_values=True)
    if parts.scheme == "unix":
        if not parts.path:
            raise ConfigurationError("RedisThrottle url needs the socket path: unix:///path/to/redis.sock")
        db_text = options.get("db", ["0"])[0]
    else:
        if not parts.hostname:
            raise ConfigurationError("RedisThrottle url has no host; use redis://host:6379/0")
        try:
            port = parts.port
        except ValueError:
            port = 0
        if port == 0:
            raise ConfigurationError(
                "RedisThrottle url: the port must be a number from 1 to 65535 (6379 by default)"
            )
        db_text = options["db"][0] if "db" in options else parts.path.replace("/", "") or "0"
    if not re.fullmatch(r"[0-9]{1,10}", db_text) or int(db_text) > _MAX_DATABASE:
        raise ConfigurationError(
            f"RedisThrottle url: the database (the /db part, or ?db=) must be a whole number from 0, "
            f"got {db_text[:20]!r}"
        )
    return int(db_text)


#: The one server-side script. KEYS: state hash, ticket queue (zset by arrival), ticket leases (zset by
#: deadline). ARGV: op, now override ('' = server TIME), burst capacity Q, burst rate r (scaled, margin
#: applied), spec hourly quota (0 = none), hourly rate per unit of capacity, hold, ticket, expiry margin, then
#: per op: acquire (cost, lease, poll) | mark_empty (pause, learn 0/1, max learned hold, hold cap of the spec)
#: | observe (max, remaining, resets_on epoch, delay, unknown-reset pause; '' = absent) | limit (available)
#: | leave () | spec () (store the numbers given, the bucket resized). Returns {flag, value}: acquire
#: {'0', '0'} admitted or {'1', wait}; mark_empty {'0', learned hold}; others {'0', '0'}. Times are seconds
#: (floats written with %.17g, read with tonumber).
LUA_SCRIPT = r"""
local EPS = 1e-9
local TEPS = 1e-9
local NEG = -math.huge
local op = ARGV[1]
local now
if ARGV[2] ~= '' then
  now = tonumber(ARGV[2])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local Q = tonumber(ARGV[3])
local r = tonumber(ARGV[4])
local hspec = tonumber(ARGV[5])
local hfactor = tonumber(ARGV[6])
local hold_arg = tonumber(ARGV[7])
local me = ARGV[8]
local margin = tonumber(ARGV[9])
local params = ARGV[3] .. ',' .. ARGV[4] .. ',' .. ARGV[5] .. ',' .. ARGV[6]

local function fmt(x) return string.format('%.17g', x) end

local raw = redis.call('HGETALL', KEYS[1])
local s = {}
for i = 1, #raw, 2 do s[raw[i]] = raw[i + 1] end
local function num(name, default)
  local v = s[name]
  if v then return tonumber(v) end
  return default
end

-- bucket arithmetic: TokenBucket in GCRA form; F = time the bucket is full again (NEG = full)
local function level(rate, F, t) return math.max(0, rate * (F - t)) end
local function bwait(cap, rate, F, c, t)
  if cap - level(rate, F, t) + EPS >= c then return 0 end
  return math.max(0, F - (cap - c) / rate - t)
end
local function resized(oldrate, F, cap, rate, t)
  local used = math.min(level(oldrate, F, t), cap)
  if used > EPS then return t + used / rate end
  return NEG
end

local st = {
  F = num('F', NEG), h = num('h', 0), HQ = num('HQ', 0), Hr = num('Hr', 0), HF = num('HF', NEG),
  gate = num('gate', NEG), wend = num('wend', nil), wrem = num('wrem', 0), wres = num('wres', nil),
  seq = num('seq', 0), Q = num('Q', Q), r = num('r', r),
}
if s.p == nil then
  st.Q, st.r = Q, r
  if hspec > 0 then st.HQ, st.Hr, st.HF = hspec, hspec * hfactor, NEG end
elseif s.p ~= params then
  -- same key, other numbers (an override, a new time scale): keep what is used
  st.F = resized(st.r, st.F, Q, r, now)
  st.Q, st.r = Q, r
  if hspec <= 0 then
    st.HQ, st.Hr, st.HF = 0, 0, NEG
  elseif st.HQ > 0 then
    st.HF = resized(st.Hr, st.HF, hspec, hspec * hfactor, now)
    st.HQ, st.Hr = hspec, hspec * hfactor
  else
    st.HQ, st.Hr, st.HF = hspec, hspec * hfactor, NEG
  end
end
local hold = math.max(hold_arg, st.h)

local function expire(x, t)
  if x.wend and t >= x.wend - TEPS then
    x.wend, x.wres = nil, nil
    if x.HQ > 0 then x.HF = NEG end
  end
end
local function wait_time(x, c, t)
  expire(x, t)
  local w = math.max(0, x.gate - t, bwait(x.Q, x.r, x.F, c, t))
  local hw = 0
  if x.HQ > 0 then hw = bwait(x.HQ, x.Hr, x.HF, 1, t) end
  if x.wend then
    local u = x.wend - t
    hw = math.min(hw, u)
    if x.wrem < 1 - EPS then hw = u end
  end
  return math.max(w, hw)
end
local function take(x, c, t)
  x.F = math.max(x.F, t + hold) + c / x.r
  if x.HQ > 0 then x.HF = math.max(x.HF, t) + 1 / x.Hr end
  if x.wend then x.wrem = x.wrem - 1 end
end
local function copy(x)
  local y = {}
  for k, v in pairs(x) do y[k] = v end
  return y
end
local function drop(m)
  redis.call('ZREM', KEYS[2], m)
  redis.call('ZREM', KEYS[3], m)
  redis.call('HDEL', KEYS[1], 'c:' .. m)
end

local function save()
  local set = {'p', params, 'Q', fmt(st.Q), 'r', fmt(st.r), 'h', fmt(st.h), 'HQ', fmt(st.HQ),
               'Hr', fmt(st.Hr), 'wrem', fmt(st.wrem), 'seq', fmt(st.seq)}
  local del = {}
  local latest = NEG
  for _, name in ipairs({'F', 'HF', 'gate', 'wend', 'wres'}) do
    local v = st[name]
    if v == nil or v == NEG then
      table.insert(del, name)
    else
      table.insert(set, name)
      table.insert(set, fmt(v))
      if name ~= 'wres' then latest = math.max(latest, v) end
    end
  end
  if #del > 0 then redis.call('HDEL', KEYS[1], unpack(del)) end
  redis.call('HSET', KEYS[1], unpack(set))
  local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
  if #last == 2 then latest = math.max(latest, tonumber(last[2])) end
  local ttl = math.max(latest - now, 0) + margin
  local ms = math.ceil(ttl * 1000)
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ms) end
end

-- tickets whose lease ran out belong to waiters that died: forget them
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. fmt(now))
for _, m in ipairs(dead) do drop(m) end

if op == 'acquire' then
  local c = tonumber(ARGV[10])
  local lease = tonumber(ARGV[11])
  local poll = tonumber(ARGV[12])
  local queue = redis.call('ZRANGE', KEYS[2], 0, -1)
  local pos = nil
  for i, m in ipairs(queue) do
    if m == me then pos = i break end
  end
  local wait
  if #queue == 0 or pos == 1 then
    wait = wait_time(st, c, now)
    if wait <= TEPS then
      take(st, c, now)
      if pos then drop(me) end
      save()
      return {'0', '0'}
    end
  else
    -- replay the tickets ahead of this one on a copy of the state: when would this one's turn come?
    local x = copy(st)
    local t = now
    local ahead = (pos or (#queue + 1)) - 1
    for i = 1, ahead do
      local cm = tonumber(s['c:' .. queue[i]] or '1')
      t = t + wait_time(x, cm, t)
      take(x, cm, t)
    end
    wait = math.max(t + wait_time(x, c, t) - now, poll)
  end
  if not pos then
    st.seq = st.seq + 1
    redis.call('ZADD', KEYS[2], st.seq, me)
  end
  redis.call('HSET', KEYS[1], 'c:' .. me, fmt(c))
  redis.call('ZADD', KEYS[3], fmt(now + wait + lease), me)
  save()
  return {'1', fmt(wait)}
elseif op == 'mark_empty' then
  local pause = tonumber(ARGV[10])
  st.F = math.max(st.F, now + st.Q / st.r)
  st.gate = math.max(st.gate, now + math.max(0, pause))
  local learned = 0
  if ARGV[11] == '1' then
    learned = math.min(tonumber(ARGV[12]), math.max(2 * hold, tonumber(ARGV[14])))
    st.h = math.max(st.h, math.min(learned, tonumber(ARGV[13])))
  end
  save()
  return {'0', fmt(learned)}
elseif op == 'observe' then
  local hmax = tonumber(ARGV[10])
  local remaining = tonumber(ARGV[11])
  local resets = tonumber(ARGV[12])
  local delay = tonumber(ARGV[13])
  local unknown = tonumber(ARGV[14])
  if hmax and hmax >= 1 then
    if st.HQ <= 0 then
      st.HQ, st.Hr, st.HF = hmax, hmax * hfactor, NEG
    elseif math.abs(st.HQ - hmax) > EPS then
      st.HF = resized(st.Hr, st.HF, hmax, hmax * hfactor, now)
      st.HQ, st.Hr = hmax, hmax * hfactor
    end
  end
  if remaining ~= nil then
    if resets ~= nil and delay <= 0 then
      if remaining >= 1 then
        save()
        return {'0', '0'}
      end
      resets = nil
    end
    if resets ~= nil then
      expire(st, now)
      local known = st.wres
      if known ~= nil and resets < known then
        save()
        return {'0', '0'}
      end
      if known ~= nil and resets == known then
        st.wrem = math.min(st.wrem, remaining)
      else
        if known ~= nil and st.HQ > 0 then st.HF = NEG end
        local avail = remaining
        if st.HQ > 0 then avail = st.HQ - level(st.Hr, st.HF, now) end
        st.wrem = math.min(remaining, avail)
        st.wend = now + delay
        st.wres = resets
      end
    elseif st.HQ > 0 then
      local a = math.min(math.max(remaining, 0), st.HQ)
      st.HF = math.max(st.HF, now + (st.HQ - a) / st.Hr)
    elseif remaining < 1 then
      st.gate = math.max(st.gate, now + unknown)
    end
  end
  save()
  return {'0', '0'}
elseif op == 'limit' then
  local a = math.min(math.max(tonumber(ARGV[10]), 0), st.Q)
  st.F = math.max(st.F, now + (st.Q - a) / st.r)
  save()
  return {'0', '0'}
elseif op == 'leave' then
  drop(me)
  save()
  return {'0', '0'}
elseif op == 'spec' then
  -- the numbers were applied above (resized, keeping what is used): store them
  save()
  return {'0', '0'}
end
return redis.error_reply('mws-async throttle script: unknown op ' .. tostring(op))
"""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _arg(value: float | None) -> str:
    return "" if value is None else repr(float(value))


class _Unavailable(Exception):
    """Internal: Redis could not be reached (or is inside its retry interval)."""


class _KeyWaits:
    """This process's waiters on one key: their lock (one talks to Redis at a time, in arrival order), the
    latest numbers given for the key, and the lock holder's sleep (to wake it when the picture changes)."""

    __slots__ = ("lock", "spec", "users", "wakeup")

    def __init__(self, spec: QuotaSpec, time_scale: float) -> None:
        self.lock = asyncio.Lock()
        self.spec = (spec, time_scale)
        self.wakeup: asyncio.Future[None] | None = None
        self.users = 0  # acquires of this process in progress on the key; at 0 the entry is dropped

    async def sleep(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        """Sleep ``seconds``, or until :meth:`wake`."""
        fut: asyncio.Future[None] = loop.create_future()
        self.wakeup = fut
        handle = loop.call_later(seconds, _resolve, fut)
        try:
            await fut
        finally:
            handle.cancel()  # woken early or cancelled: never leave a timer behind
            if self.wakeup is fut:
                self.wakeup = None

    def wake(self) -> None:
        """End the lock holder's sleep now (it asks Redis again)."""
        if self.wakeup is not None:
            _resolve(self.wakeup)


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class RedisThrottle:
    """:class:`~mws_async.throttle.base.ThrottleBackend` whose buckets live in Redis (see the module doc).

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]`` (or ``rediss://``, ``unix://``). Needed unless
            ``client`` is given.
        client: an existing ``redis.asyncio.Redis`` (or ``redis.asyncio.cluster.RedisCluster``) to use
            instead (not closed by :meth:`aclose`).
        cluster: the URL names a node of a Redis Cluster: talk to the cluster (every master) through
            ``redis.asyncio.cluster.RedisCluster``. The database must be 0 and the scheme ``redis`` or
            ``rediss``. Default ``False`` (one server).
        namespace: key prefix; default ``mws-async:v1``.
        rate_margin, latency_margin: the in-memory backend's safety margins (same defaults and meaning); a
            throttle widens the hold for this process's keys and, stored with the bucket, for every process.
        min_latency_margin: floor of the default hold (``latency_margin=None``), 10 ms: requests admitted by
            different processes reach MWS with a wider spread of delays (separate event loops, CPU
            scheduling between processes) than one process's do. It only matters for a time-scaled
            sandbox (at scale 1 the default hold is already ``min(0.25 s, 2 % of Q / r)``, 80 ms or more).
        on_unavailable: ``"fail"`` (raise :class:`ThrottleBackendUnavailable`) or ``"local"`` (a conservative
            per-process bucket, ``expected_processes`` times smaller) while Redis is unreachable.
        expected_processes: how many processes share the quota, for the ``"local"`` fallback.
        retry_interval: seconds between connection attempts while Redis is down.
        connect_timeout, command_timeout: socket timeouts (seconds) of the Redis connection.
        ticket_lease: seconds a waiting ticket outlives its computed wait before it is dropped (a crashed
            process blocks the key at most this long).
        poll_interval: a waiter whose turn is due while the head of the queue has not come back yet re-asks
            after this many seconds.
        expiry_margin: seconds an idle key is kept before it expires.
        wall_clock: current UTC time, to turn ``x-mws-quota-resetsOn`` into a delay (injectable for tests).
        clock: **tests only**: a clock to use instead of the server's ``TIME`` (sent as the script's
            ``now`` override, so tests can move time while Redis's clock cannot be stepped).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Redis | RedisCluster | None = None,
        cluster: bool = False,
        namespace: str = "mws-async:v1",
        rate_margin: float = DEFAULT_RATE_MARGIN,
        latency_margin: float | None = None,
        min_latency_margin: float = 0.01,
        on_unavailable: OnUnavailable = "fail",
        expected_processes: int = 4,
        retry_interval: float = 5.0,
        connect_timeout: float = 1.0,
        command_timeout: float = 2.0,
        ticket_lease: float = 2.0,
        poll_interval: float = 0.002,
        expiry_margin: float = 10.0,
        wall_clock: Callable[[], datetime] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if url is None and client is None:
            raise ConfigurationError(f"RedisThrottle needs a url (or set {ENV_URL}) or a client")
        self._secrets = _url_secrets(url) if isinstance(url, str) else []
        self._db = _check_url(url) if url is not None else None
        if url is not None:
            _check_driver(url, self._secrets, connect_timeout, command_timeout)
        if cluster and url is not None:
            if urlsplit(url).scheme == "unix":
                raise ConfigurationError(
                    "RedisThrottle(cluster=True) needs a node's host and port (redis://host:port or "
                    "rediss://), not a unix socket"
                )
            if self._db != 0:
                raise ConfigurationError(
                    f"RedisThrottle(cluster=True): a Redis Cluster has only database 0, the url names "
                    f"database {self._db}; drop the /db part"
                )
        if on_unavailable not in ("fail", "local"):
            raise ConfigurationError(f"on_unavailable must be 'fail' or 'local', got {on_unavailable!r}")
        if not 0 <= rate_margin < 1:
            raise ConfigurationError("rate_margin must be in [0, 1)")
        if latency_margin is not None and latency_margin < 0:
            raise ConfigurationError("latency_margin must be >= 0")
        if expected_processes < 1:
            raise ConfigurationError("expected_processes must be >= 1")
        if retry_interval < 0 or ticket_lease <= 0 or poll_interval <= 0 or expiry_margin <= 0:
            raise ConfigurationError("retry_interval, ticket_lease, poll_interval, expiry_margin must be > 0")
        self.url = url
        self.cluster = cluster
        self.safe_url = redact_url(url) if url is not None else _redact_text(repr(client))
        self.namespace = namespace.rstrip(":")
        self.rate_margin = rate_margin
        self.latency_margin = latency_margin
        self.min_latency_margin = min_latency_margin
        self.on_unavailable: OnUnavailable = on_unavailable
        self.expected_processes = expected_processes
        self.retry_interval = retry_interval
        self.connect_timeout = connect_timeout
        self.command_timeout = command_timeout
        self.ticket_lease = ticket_lease
        self.poll_interval = poll_interval
        self.expiry_margin = expiry_margin
        self._wall = wall_clock or _utcnow
        self._clock = clock
        self._given_client = client
        self._client: Redis | RedisCluster | None = client
        self._sha: str | None = None
        self._id = uuid.uuid4().hex[:16]
        self._tickets = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waits: dict[ThrottleKey, _KeyWaits] = {}
        self._learned_hold = 0.0
        # Failure state: None while Redis answers; else the monotonic time of the next connection attempt.
        self._retry_at: float | None = None
        self._last_error = ""
        self._local = MemoryThrottle(
            rate_margin=rate_margin, latency_margin=latency_margin, wall_clock=self._wall
        )
        self._local_keys: dict[ThrottleKey, tuple[QuotaSpec, float]] = {}
        self._max_cost: dict[str, float] = {}
        self.fallbacks = 0  # times this backend switched to "unavailable"
        self.recoveries = 0  # times it switched back

    # -- construction from the environment ----------------------------------------------------------------

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **kwargs: Any) -> RedisThrottle:
        """A backend from ``MWS_ASYNC_REDIS_URL`` (required), ``MWS_ASYNC_REDIS_ON_UNAVAILABLE`` (``fail`` |
        ``local``), ``MWS_ASYNC_REDIS_PROCESSES`` (``expected_processes``) and ``MWS_ASYNC_REDIS_CLUSTER``
        (``1``/``true``/``yes`` or ``0``/``false``/``no``: ``cluster``); ``kwargs`` win over them.

        Raises :class:`~mws_async.errors.ConfigurationError` when the URL is not set or a value is invalid.
        """
        env = os.environ if environ is None else environ
        url = env.get(ENV_URL, "").strip()
        if not url:
            raise ConfigurationError(f"{ENV_URL} is not set")
        mode = env.get(ENV_ON_UNAVAILABLE, "").strip().lower()
        if mode and "on_unavailable" not in kwargs:
            if mode not in ("fail", "local"):
                raise ConfigurationError(f"{ENV_ON_UNAVAILABLE} must be 'fail' or 'local', got {mode!r}")
            kwargs["on_unavailable"] = mode
        processes = env.get(ENV_PROCESSES, "").strip()
        if processes and "expected_processes" not in kwargs:
            try:
                kwargs["expected_processes"] = int(processes)
            except ValueError:
                raise ConfigurationError(f"{ENV_PROCESSES} must be an integer, got {processes!r}") from None
        flag = env.get(ENV_CLUSTER, "").strip().lower()
        if flag and "cluster" not in kwargs:
            if flag not in ("1", "true", "yes", "0", "false", "no"):
                raise ConfigurationError(f"{ENV_CLUSTER} must be 1/true/yes or 0/false/no, got {flag[:20]!r}")
            kwargs["cluster"] = flag in ("1", "true", "yes")
        return cls(url, **kwargs)

    # -- the ThrottleBackend interface --------------------------------------------------------------------

    def bounded(self) -> bool:
        """``acquire`` takes ``max_wait`` (see :class:`~mws_async.throttle.base.BoundedBackend`)."""
        return True

    async def acquire(
        self,
        key: ThrottleKey,
        spec: QuotaSpec,
        cost: float,
        time_scale: float = 1.0,
        *,
        max_wait: float | None = None,
    ) -> float:
        """Wait until ``cost`` burst units and one hourly request are free in Redis, take both; return the
        seconds waited.

        Raises :class:`~mws_async.errors.QuotaCostError` at once if ``cost > spec.max_quota``, and
        :class:`ThrottleBackendUnavailable` if Redis is unreachable with ``on_unavailable="fail"``.
        Cancelling a waiter takes nothing (its ticket leaves the queue). With ``max_wait``, a wait Redis
        computes as longer (behind every process's queued tickets) raises
        :class:`~mws_async.throttle.base.WouldWait` at once and the ticket leaves the queue, taking nothing.
        """
        if not cost <= spec.max_quota + EPSILON:  # also refuses NaN
            raise QuotaCostError(spec.group_key, cost, spec.max_quota)
        if cost < 0:
            raise ClientValidationError(spec.group_key, [f"cost must be >= 0, got {cost!r}"])
        loop = self._bind()
        start = loop.time()
        waits = self._waits.get(key)
        if waits is None:
            waits = self._waits[key] = _KeyWaits(spec, time_scale)
        # The latest numbers given for the key are the ones every waiter of this process asks with (an older
        # waiter re-sending its own would turn the shared bucket back to them).
        waits.spec = (spec, time_scale)
        waits.users += 1
        try:
            return await self._acquire(key, waits, cost, loop, start, max_wait)
        finally:
            waits.users -= 1
            if waits.users == 0 and self._waits.get(key) is waits:
                # Nobody of this process waits on the key: forget it (the bucket itself lives in Redis).
                del self._waits[key]

    async def _acquire(
        self,
        key: ThrottleKey,
        waits: _KeyWaits,
        cost: float,
        loop: asyncio.AbstractEventLoop,
        start: float,
        max_wait: float | None = None,
    ) -> float:
        ticket = f"{self._id}:{next(self._tickets)}"
        enqueued = False
        waited = False  # admitted at the first call (no sleep, no queue): report 0, as the memory backend
        if waits.lock.locked():
            waited = True
        async with waits.lock:
            try:
                while True:
                    current, scale = waits.spec
                    if not cost <= current.max_quota + EPSILON:
                        # New numbers for the key (update_spec) made the bucket smaller than this request.
                        raise QuotaCostError(current.group_key, cost, current.max_quota)
                    try:
                        flag, value = await self._run(
                            key,
                            current,
                            scale,
                            "acquire",
                            ticket,
                            cost,
                            self.ticket_lease,
                            self.poll_interval,
                        )
                    except _Unavailable:
                        enqueued = False
                        local = await self._acquire_local(key, current, cost, scale, max_wait, start)
                        waited = local > 0 or waited
                        break
                    if flag == "0":
                        enqueued = False
                        break
                    enqueued = waited = True
                    would_wait = loop.time() - start + float(value)
                    if max_wait is not None and would_wait > max_wait + _TIME_EPSILON:
                        raise WouldWait(would_wait)  # the ticket leaves the queue below
                    # Until the computed time, or until this process changes the key's picture (mark_empty,
                    # observe_hourly, update_spec): then ask again, so the wait follows the change.
                    await waits.sleep(loop, float(value))
            finally:
                if enqueued:
                    current, scale = waits.spec
                    await self._leave(key, current, scale, ticket)
        return loop.time() - start if waited else 0.0

    async def mark_empty(
        self, key: ThrottleKey, spec: QuotaSpec, pause: float, time_scale: float = 1.0
    ) -> None:
        """Empty the shared burst bucket now (server time) and set its gate ``pause`` seconds ahead.

        Every process waiting on ``key`` pauses. A throttle also widens the latency hold (memory backend)."""
        learn = self.latency_margin is None
        try:
            _, value = await self._run(
                key,
                spec,
                time_scale,
                "mark_empty",
                "",
                max(0.0, pause),
                "1" if learn else "0",
                MAX_LATENCY_MARGIN,
                self._hold_cap(spec, time_scale),
                _MIN_LEARNED_HOLD,
            )
        except (_Unavailable, ThrottleBackendUnavailable):
            if self.on_unavailable == "local":
                await self._local.mark_empty(key, self._local_spec(spec, 0.0), pause, time_scale)
                self._local_keys[key] = (spec, time_scale)
            else:
                logger.warning("mark_empty on %r not recorded: Redis at %s unavailable", key, self.safe_url)
            return
        if learn:
            self._learned_hold = max(self._learned_hold, float(value))
        self._wake(key)

    async def observe_hourly(
        self, key: ThrottleKey, spec: QuotaSpec, headers: QuotaHeaders, time_scale: float = 1.0
    ) -> None:
        """Correct the shared hourly model from quota headers (same rules as
        :meth:`MemoryThrottle.observe_hourly <mws_async.throttle.memory.MemoryThrottle.observe_hourly>`).

        The reset time is turned into a delay with this host's wall clock (``resetsOn`` comes from MWS's
        clock, not Redis's); the window end is then stored on the server's clock.
        """
        resets_on = headers.resets_on
        delay = seconds_until_reset(resets_on, self._wall(), time_scale) if resets_on is not None else 0.0
        try:
            await self._run(
                key,
                spec,
                time_scale,
                "observe",
                "",
                _arg(headers.max),
                _arg(headers.remaining),
                _arg(resets_on.timestamp() if resets_on is not None else None),
                delay,
                _UNKNOWN_RESET / time_scale,
            )
        except (_Unavailable, ThrottleBackendUnavailable):
            if self.on_unavailable == "local":
                local = self._local_spec(spec, 0.0)
                await self._local.observe_hourly(key, local, headers, time_scale)
                self._local_keys[key] = (spec, time_scale)
            else:
                logger.warning(
                    "quota headers for %r not recorded: Redis at %s unavailable", key, self.safe_url
                )
            return
        self._wake(key)  # the window or the hourly capacity may free (or hold) this process's waiters

    async def update_spec(self, key: ThrottleKey, spec: QuotaSpec, time_scale: float = 1.0) -> None:
        """From now on ``key``'s shared bucket follows ``spec`` (e.g. a restore rate the server announced).

        The script resizes the stored bucket keeping what is used; this process's waiters ask again with the
        new numbers at once, so they are re-timed to them (earlier or later) in queue order. Waiters of other
        processes follow at their next question (a computed wake-up, at most their old wait).
        """
        waits = self._waits.get(key)
        if waits is not None:
            waits.spec = (spec, time_scale)
        try:
            await self._run(key, spec, time_scale, "spec", "")
        except (_Unavailable, ThrottleBackendUnavailable):
            if self.on_unavailable == "local":
                await self._local.update_spec(key, self._local_spec(spec, 0.0), time_scale)
                self._local_keys[key] = (spec, time_scale)
            else:
                logger.warning("new numbers for %r not recorded: Redis at %s unavailable", key, self.safe_url)
        self._wake(key)

    async def aclose(self) -> None:
        """Close the connection pool (unless the client was given) and the local fallback."""
        client, self._client = self._client, self._given_client
        if client is not None and client is not self._given_client:
            await client.aclose()
        await self._local.aclose()
        self._waits.clear()

    # -- introspection ------------------------------------------------------------------------------------

    @property
    def available_now(self) -> bool:
        """``False`` while Redis is considered down (the fallback or the error is in use)."""
        return self._retry_at is None

    def redis_key(self, key: ThrottleKey) -> str:
        """The Redis key prefix of ``key``'s bucket (``<namespace>:{host|seller|keyhash|group}``)."""
        tag = "|".join((key.host, key.seller_id, key.key_hash[:32], key.group)).replace("}", ")")
        return f"{self.namespace}:{{{tag}}}"

    def __repr__(self) -> str:
        state = "up" if self._retry_at is None else "unavailable"
        kind = " cluster" if self.cluster else ""
        return f"<RedisThrottle {self.safe_url}{kind} {state} on_unavailable={self.on_unavailable}>"

    # -- internals ----------------------------------------------------------------------------------------

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # Locks and pooled connections belong to one loop (the memory backend starts afresh too).
            self._waits.clear()
            if self._loop is not None and self._given_client is None:
                self._client = None
            self._loop = loop
        return loop

    def _wake(self, key: ThrottleKey) -> None:
        waits = self._waits.get(key)
        if waits is not None:
            waits.wake()

    def _redis(self) -> Redis | RedisCluster:
        if self._client is None:
            try:
                from redis.asyncio import Redis
                from redis.asyncio.cluster import RedisCluster
                from redis.asyncio.retry import Retry
                from redis.backoff import NoBackoff
            except ImportError:  # pragma: no cover - depends on the environment
                raise ConfigurationError(
                    "RedisThrottle needs the redis package: pip install 'mws-async[redis]'"
                ) from None
            if self.url is None:  # a given client is stored in __init__, so only a URL reaches here
                raise ConfigurationError("RedisThrottle needs a url or a client")
            options = _client_options(self.connect_timeout, self.command_timeout)
            # One immediate retry on a fresh connection (a pooled one dies when Redis restarts).
            retry = Retry(NoBackoff(), 1)
            if self.cluster:
                # The same single retry: a cluster that is down must fail fast like a single server.
                self._client = RedisCluster.from_url(self.url, **options, retry=retry)
            else:
                self._client = Redis.from_url(self.url, **options, retry=retry)
        return self._client

    def _hold(self, spec: QuotaSpec, time_scale: float) -> float:
        if self.latency_margin is not None:
            return self.latency_margin
        full_refill = spec.max_quota / (spec.restore_rate * time_scale)
        cap = self._hold_cap(spec, time_scale)
        default = min(cap, max(self.min_latency_margin, DEFAULT_LATENCY_FRACTION * full_refill))
        return max(default, min(self._learned_hold, cap))

    @staticmethod
    def _hold_cap(spec: QuotaSpec, time_scale: float) -> float:
        return min(MAX_LATENCY_MARGIN, spec.max_quota / (spec.restore_rate * time_scale))

    def _argv(self, spec: QuotaSpec, time_scale: float, op: str, ticket: str) -> list[str]:
        rate = spec.restore_rate * time_scale * (1.0 - self.rate_margin)
        hourly_factor = time_scale / HOUR * (1.0 - self.rate_margin)
        now = "" if self._clock is None else repr(float(self._clock()))
        return [
            op,
            now,
            repr(float(spec.max_quota)),
            repr(rate),
            repr(float(spec.hourly or 0)),
            repr(hourly_factor),
            repr(self._hold(spec, time_scale)),
            ticket,
            repr(float(self.expiry_margin)),
        ]

    async def _run(
        self, key: ThrottleKey, spec: QuotaSpec, time_scale: float, op: str, ticket: str, *extra: str | float
    ) -> tuple[str, str]:
        """Run the script for ``key``. When Redis cannot be reached (or is inside its retry interval) raise
        :class:`ThrottleBackendUnavailable` (``on_unavailable="fail"``) or :class:`_Unavailable` ("local")."""
        if self._retry_at is not None:
            if time.monotonic() < self._retry_at:
                self._raise()
            await self._recover()
        args = self._argv(spec, time_scale, op, ticket) + [
            x if isinstance(x, str) else repr(float(x)) for x in extra
        ]
        failure: str | None = None
        try:
            result = await self._execute(self._keys_of(key), args)
        except MWSError:
            raise
        except Exception as exc:  # whatever the driver raises never escapes: it is an unavailable backend
            failure = self._describe(exc)
        if failure is not None:
            # Raised outside the except block: no __context__ holding the driver's connection or URL.
            self._mark_down(failure)
            self._raise()
        return str(result[0]), str(result[1])

    def _keys_of(self, key: ThrottleKey) -> list[str]:
        prefix = self.redis_key(key)
        return [f"{prefix}:s", f"{prefix}:q", f"{prefix}:l"]

    async def _execute(self, keys: Sequence[str], args: Sequence[str]) -> list[Any]:
        """``EVALSHA`` the script (``SCRIPT LOAD`` it first, and again after ``NOSCRIPT``)."""
        client = self._redis()  # first: without the redis package this is a ConfigurationError
        from redis.exceptions import NoScriptError

        if self._sha is None:
            self._sha = str(await client.script_load(LUA_SCRIPT))
        try:
            result = await client.evalsha(self._sha, len(keys), *keys, *args)
        except NoScriptError:
            # A restarted (or SCRIPT FLUSHed) server forgot the script.
            self._sha = str(await client.script_load(LUA_SCRIPT))
            result = await client.evalsha(self._sha, len(keys), *keys, *args)
        return list(result)

    def _describe(self, exc: BaseException) -> str:
        """What went wrong talking to Redis and what to do, in words, with every password redacted."""
        from redis.exceptions import (
            AskError,
            AuthenticationError,
            ClusterCrossSlotError,
            InvalidResponse,
            MovedError,
            NoPermissionError,
            ResponseError,
        )
        from redis.exceptions import TimeoutError as RedisTimeoutError

        text = str(exc)
        name = type(exc).__name__
        if isinstance(exc, InvalidResponse):
            seen = text.removeprefix("Protocol Error: ")[:60]
            http = " (an HTTP server)" if "HTTP/" in text else ""
            reason = (
                f"the server at this address is not a Redis server{http}: it answered {seen}; point the "
                "URL at a Redis server's host and port"
            )
        elif isinstance(exc, RedisTimeoutError) and text.startswith("Timeout reading"):
            reason = (
                f"the server at this address accepted the connection but gave no Redis answer within "
                f"{self.command_timeout:g} s ({text}): it may not be a Redis server (an HTTP server waits "
                "silently for a request it understands) or it is overloaded; check the URL's host and port"
            )
        elif isinstance(exc, ResponseError) and "DB index is out of range" in text:
            reason = (
                f"the server refused database {self._db} (DB index is out of range): the URL's /db must be "
                "below the server's 'databases' setting (16 by default)"
            )
        elif isinstance(exc, AuthenticationError) or text.startswith(("NOAUTH", "WRONGPASS", "invalid user")):
            reason = f"the server refused the credentials ({name}: {text}); check the URL's user and password"
        elif isinstance(exc, MovedError | AskError | ClusterCrossSlotError) and not self.cluster:
            reason = (
                f"the server is a Redis Cluster node (it redirected the call: {name} {text[:60]}): use "
                f"RedisThrottle(url, cluster=True) or set {ENV_CLUSTER}=1"
            )
        elif "cluster support disabled" in text or (self.cluster and "CLUSTER" in text.upper()):
            reason = (
                f"cluster=True but the server is not a usable Redis Cluster node ({name}: {text}); drop "
                f"cluster=True ({ENV_CLUSTER}) for a single server, or check that the cluster is up"
            )
        elif isinstance(exc, NoPermissionError):
            reason = f"the server refused a command ({text}); the user needs EVALSHA, SCRIPT LOAD and PING"
        elif isinstance(exc, ResponseError):
            reason = (
                f"the server refused the throttle script ({text}); it must be a Redis server (5 or later) "
                "with Lua scripting (EVALSHA) allowed"
            )
        else:
            reason = f"{name}: {text}" if text else name
        return _redact_text(reason, self._secrets)

    def _mark_down(self, reason: str) -> None:
        first = self._retry_at is None
        self._last_error = reason
        self._retry_at = time.monotonic() + self.retry_interval
        if first:
            self.fallbacks += 1
            logger.warning(
                "Redis throttle backend at %s unavailable (%s); %s",
                self.safe_url,
                self._last_error,
                "using a local bucket" if self.on_unavailable == "local" else "failing requests",
            )

    def _raise(self) -> None:
        """Raise the unavailability (call it outside any except block: the chain stays empty)."""
        retry_in = max(0.0, (self._retry_at or 0.0) - time.monotonic())
        if self.on_unavailable == "fail":
            raise ThrottleBackendUnavailable(self.safe_url, self._last_error, retry_in)
        raise _Unavailable(self._last_error)

    async def _recover(self) -> None:
        """Redis may be back: try one command; on success switch back, seeding buckets used locally.

        The next attempt time is pushed first, so concurrent callers keep the fallback meanwhile."""
        self._retry_at = time.monotonic() + self.retry_interval
        failure: str | None = None
        try:
            await self._redis().ping()
            self._sha = None
            seeded, self._local_keys = self._local_keys, {}
            for key, (spec, time_scale) in seeded.items():
                local_free = self._local.available(key)
                if local_free is None:
                    continue
                used = max(0.0, self._local_spec(spec, 0.0).max_quota - local_free)
                shared_free = spec.max_quota - self.expected_processes * used
                args = [*self._argv(spec, time_scale, "limit", ""), repr(float(shared_free))]
                await self._execute(self._keys_of(key), args)
        except MWSError:
            raise
        except Exception as exc:  # as in _run: typed, and raised outside the except block
            failure = self._describe(exc)
        if failure is not None:
            self._mark_down(failure)
            self._raise()
        self._retry_at = None
        self.recoveries += 1
        logger.warning("Redis throttle backend at %s is back", self.safe_url)
        await self._local.aclose()

    async def _acquire_local(
        self,
        key: ThrottleKey,
        spec: QuotaSpec,
        cost: float,
        time_scale: float,
        max_wait: float | None = None,
        start: float = 0.0,
    ) -> float:
        self._local_keys[key] = (spec, time_scale)
        left = None if max_wait is None else max(0.0, max_wait - (asyncio.get_running_loop().time() - start))
        return await self._local.acquire(key, self._local_spec(spec, cost), cost, time_scale, max_wait=left)

    def _local_spec(self, spec: QuotaSpec, cost: float) -> QuotaSpec:
        """The spec of the conservative local bucket: capacity, restore and hourly quota / processes."""
        n = self.expected_processes
        group = spec.group_key
        biggest = max(self._max_cost.get(group, 0.0), cost)
        self._max_cost[group] = biggest
        capacity = min(spec.max_quota, max(spec.max_quota / n, biggest))
        hourly = max(1, math.floor(spec.hourly / n)) if spec.hourly else None
        return spec.replace(max_quota=capacity, restore_amount=spec.restore_amount / n, hourly=hourly)

    async def _leave(self, key: ThrottleKey, spec: QuotaSpec, time_scale: float, ticket: str) -> None:
        # Best effort: if Redis is gone the lease expires by itself.
        with contextlib.suppress(_Unavailable, ThrottleBackendUnavailable):
            await self._run(key, spec, time_scale, "leave", ticket)


def _check_driver(url: str, secrets: list[str], connect_timeout: float, command_timeout: float) -> None:
    """Let the driver build (not connect) one connection from ``url``: its query options are checked now,
    not at the first request. Skipped without the redis package (reported on first use)."""
    try:
        from redis.asyncio import ConnectionPool
    except ImportError:  # pragma: no cover - depends on the environment
        return
    problem = None
    try:
        ConnectionPool.from_url(url, **_client_options(connect_timeout, command_timeout)).make_connection()  # type: ignore[no-untyped-call]
    except Exception as exc:  # the driver raises ValueError, TypeError ... for bad options
        problem = _redact_text(str(exc) or type(exc).__name__, secrets)
    if problem is not None:  # raised here, outside the except block: no driver context is kept
        raise ConfigurationError(
            f"RedisThrottle url {redact_url(url)} has an option the redis driver refuses ({problem}); "
            "see redis-py's from_url for the query options it accepts"
        )


def _client_options(connect_timeout: float, command_timeout: float) -> dict[str, Any]:
    return {
        "decode_responses": True,
        "socket_connect_timeout": connect_timeout,
        "socket_timeout": command_timeout,
    }


def backend_from_env(environ: Mapping[str, str] | None = None, **kwargs: Any) -> ThrottleBackend | None:
    """A :class:`RedisThrottle` when ``MWS_ASYNC_REDIS_URL`` is set (see :meth:`RedisThrottle.from_env`),
    else ``None`` (the caller keeps its default in-memory backend)."""
    env = os.environ if environ is None else environ
    if not env.get(ENV_URL, "").strip():
        return None
    return RedisThrottle.from_env(env, **kwargs)
