"""Child process: serve a :class:`~mws_async.sandbox.Sandbox` on a free loopback port.

Started by :func:`benchmarks._support.sandbox_process`. Prints one JSON line (``base_url``, ``port``) once
listening; then answers one command per stdin line: ``stats`` prints request-log counts as JSON, ``reset``
clears the log; EOF on stdin stops the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from mws_async.sandbox import Sandbox


def _stats(sb: Sandbox) -> dict[str, int]:
    records = list(sb.request_log)
    return {
        "requests": len(records),
        "processed": sum(r.processed for r in records),
        "throttled": sum(r.error_code == "RequestThrottled" for r in records),
        "quota_exceeded": sum(r.error_code == "QuotaExceeded" for r in records),
        "errors": sum(r.status != 200 for r in records),
    }


async def main(args: argparse.Namespace) -> None:
    sb = Sandbox(
        seed=args.seed,
        time_scale=args.time_scale,
        throttling=args.throttling,
        catalog_size=args.catalog_size,
        order_count=args.order_count,
        request_log_size=args.log_size,
    )
    await sb.start()
    port = int(sb.base_url.rsplit(":", 1)[1])
    sys.stdout.write(json.dumps({"base_url": sb.base_url, "port": port}) + "\n")
    sys.stdout.flush()
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            command = line.strip()
            if command == "stats":
                sys.stdout.write(json.dumps(_stats(sb)) + "\n")
            elif command == "reset":
                sb.request_log.clear()
                sys.stdout.write("{}\n")
            else:
                sys.stdout.write(json.dumps({"error": f"unknown command {command!r}"}) + "\n")
            sys.stdout.flush()
    finally:
        await sb.stop()


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--no-throttling", dest="throttling", action="store_false")
    parser.add_argument("--catalog-size", type=int, default=1_000_000)
    parser.add_argument("--order-count", type=int, default=5000)
    parser.add_argument("--log-size", type=int, default=100_000)
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
