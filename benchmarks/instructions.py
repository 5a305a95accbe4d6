"""Client cost per call in CPU instructions (valgrind), the noise-free companion of ``benchmarks.cpu``.

CPU time on a shared machine moves by ±30 % from run to run; an instruction count does not. Each subject
runs twice in a client process under ``valgrind --tool=cachegrind`` (N calls, then none, after the same
warm-up), and the difference divided by N is what one call costs: instructions, not seconds, so the
ratios are exact but say nothing of cache misses or waits. The sandbox runs in another process, at full
speed and outside valgrind.

Subjects, GetMatchingProductForId for 5 ISBNs (the 13 KB answer), 20 calls in flight:

- ``mws-async``: ``client.products.get_matching_product_for_id`` (sign, throttle, send, parse, validate);
- ``floor``: the same pre-signed POST through httpx over aiohttp, plus ``xmltodict_rs.parse`` of the body;
- ``mws-async send``: ``transport.send`` of a prepared request (sign, send, read; no parse);
- ``httpx POST``: the floor without the parse;
- ``parse`` / ``validate`` / ``raw parse``: ``mws_async.xml.parse`` of the body, ``Operation.validate`` of
  its document, ``xmltodict_rs.parse`` of the body (one call each, no network);
- ``model floor``: as many pydantic model instances as the validated answer holds, each of a bare model
  with two optional text fields, in one ``TypeAdapter(list[...])`` call: the least that turning this
  answer into pydantic models can cost, whatever the models look like.

The last row, ``least above the floor``, adds what the lookup must do beyond the floor (namespace stripping
and the plain-subset check, the call's own path: ids, throttle, deadline, result) to the model floor, and
compares it with what a target ratio to the floor leaves.

``python -m benchmarks.instructions [--n 200]`` (needs valgrind; skipped with a note when it is absent)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Final

from benchmarks import _support as S
from benchmarks._support import Row, Section

METHOD = (
    "valgrind --tool=cachegrind --cache-sim=no counts every instruction of a client process; each subject "
    "runs N times and 0 times after the same warm-up, and (I(N) - I(0)) / N is one call's cost. The sandbox "
    "runs in another process, outside valgrind (throttling off). Deterministic to within a fraction of a "
    "percent, unlike CPU time on a shared machine; instructions are not time (no cache or wait effects)."
)

SUBJECTS = (
    "mws-async",
    "floor",
    "mws-async send",
    "httpx POST",
    "parse",
    "validate",
    "raw parse",
    "model floor",
)

TARGET: Final = 1.3
"""The issue's goal for the lookup's instructions as a multiple of the floor's."""

# The client process: ``python instructions.py-client SPEC_JSON`` (this file, run as a script).
_CLIENT = r"""
import asyncio, json, sys
spec = json.loads(sys.argv[1])
from benchmarks import _support as S
from benchmarks import _worker as W
from mws_async import xml
from mws_async.sections.products import GET_MATCHING_PRODUCT_FOR_ID as OP
import xmltodict_rs
from pydantic import BaseModel, TypeAdapter
xml.set_parser("xmltodict-rs")

class Bare(BaseModel):
    a: str | None = None
    b: str | None = None

def models_in(value):
    if isinstance(value, BaseModel):
        held = [getattr(value, name) for name in type(value).model_fields]
        return 1 + sum(map(models_in, held + list((value.__pydantic_extra__ or {}).values())))
    if isinstance(value, (list, tuple)):
        return sum(map(models_in, value))
    return sum(map(models_in, value.values())) if isinstance(value, dict) else 0
subject, n = spec["subject"], spec["n"]

async def main():
    client = W._mws_async_client(spec, None)
    ids = spec["ids"]
    params, _ = OP.build({"id_type": "ISBN", "ids": ids, "marketplace_id": S.US}, default_marketplace=S.US)
    request = OP.request(params, quota=None, cost=1)
    http = S.make_http("aiohttp")
    body = client.transport.signed_query(request).encode("ascii")
    url = spec["base_url"] + request.section.path
    headers = {"User-Agent": client.transport.user_agent,
               "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    answer = (await client.transport.send(request)).body
    doc = xml.parse(answer, force_list=OP._parse_lists)
    response = await client.transport.send(request)
    instances = models_in(OP.validate(doc, response))
    print(json.dumps({"model_instances": instances}))
    bare = TypeAdapter(list[Bare])
    bare_items = [{"a": "x", "b": "y"} for _ in range(instances)]

    async def lookup():
        results = await client.products.get_matching_product_for_id("ISBN", ids)
        assert len(results) == len(ids) and results[0].ok

    async def floor(parse=True):
        r = await http.post(url, content=body, headers=headers)
        assert r.status_code == 200
        if parse:
            xmltodict_rs.parse(r.content)

    async def send():
        assert (await client.transport.send(request)).status_code == 200

    calls = {"mws-async": lookup, "floor": floor, "mws-async send": send,
             "httpx POST": lambda: floor(parse=False)}
    local = {"parse": lambda: xml.parse(answer, force_list=OP._parse_lists),
             "validate": lambda: OP.validate(doc, response),
             "raw parse": lambda: xmltodict_rs.parse(answer),
             "model floor": lambda: bare.validate_python(bare_items)}
    if subject in calls:
        await W._drive(calls[subject], 40, 20)
        await W._drive(calls[subject], n, 20)
    else:
        for _ in range(20 + n):
            local[subject]()
    await client.aclose()
    await http.aclose()

asyncio.run(main())
"""


def _instructions(script: Path, spec: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The instructions a client process ran, and what it printed (one JSON object)."""
    out = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            str(script),
            json.dumps(spec),
        ],
        cwd=S.REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "PYTHONPATH": str(S.REPO), "PYTHONWARNINGS": "ignore"},
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if out.returncode != 0 or found is None:
        raise RuntimeError(f"valgrind run failed ({out.returncode}): {out.stderr[-2000:]}")
    return int(found.group(1).replace(",", "")), json.loads(out.stdout.strip().splitlines()[-1])


def run(n: int = 200) -> Section:
    section = Section("instructions", METHOD)
    if shutil.which("valgrind") is None:
        section.rows.append(Row("instructions", "skipped", "valgrind is not installed", None, ""))
        return section
    per_call: dict[str, float] = {}
    printed: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, S.sandbox_process(throttling=False) as sb:
        script = Path(tmp) / "client.py"
        script.write_text(_CLIENT)
        base = {"base_url": sb.base_url, "port": sb.port, "ids": S.sample_ids("ISBN", 5)}
        for subject in SUBJECTS:
            counts = []
            for calls in (n, 0):
                count, printed = _instructions(script, {**base, "subject": subject, "n": calls})
                counts.append(count)
            per_call[subject] = (counts[0] - counts[1]) / n
    ours, floor = per_call["mws-async"], per_call["floor"]
    for subject in SUBJECTS:
        ours_row = subject == "mws-async"
        ratio_to, ratio = ("floor", S.ratio(per_call[subject], floor)) if ours_row else ("", None)
        section.rows.append(
            Row(
                "instructions",
                "instructions per call @c20",
                subject,
                per_call[subject] / 1e6,
                "M instr",
                ratio,
                ratio_to,
            )
        )
    above = ours - floor
    section.rows.append(
        Row(
            "instructions",
            "above the floor",
            "mws-async - floor",
            above / 1e6,
            "M instr",
            None,
            "",
            f"validate {per_call['validate'] / 1e6:.2f}M, parse beyond raw "
            f"{(per_call['parse'] - per_call['raw parse']) / 1e6:.2f}M, send vs httpx POST "
            f"{(per_call['mws-async send'] - per_call['httpx POST']) / 1e6:+.2f}M",
        )
    )
    section.rows.append(_least_above_the_floor(per_call, printed["model_instances"]))
    section.raw.update({"per_call": per_call, "n": n, "model_instances": printed["model_instances"]})
    return section


def _least_above_the_floor(per_call: dict[str, float], instances: int) -> Row:
    """What the lookup needs above the floor at the least, with validation at the model floor.

    Beyond the floor's raw parse, the lookup must strip namespaces and check the plain subset (``parse`` -
    ``raw parse``) and run its own call path (ids, throttle, deadline, result: what ``mws-async`` costs
    beyond ``send``, ``parse`` and ``validate``); its send path may cost less than the bare POST."""
    floor = per_call["floor"]
    beyond_raw = per_call["parse"] - per_call["raw parse"]
    call_path = per_call["mws-async"] - per_call["mws-async send"] - per_call["parse"] - per_call["validate"]
    send_delta = per_call["mws-async send"] - per_call["httpx POST"]
    least = beyond_raw + call_path + send_delta + per_call["model floor"]
    allowed = (TARGET - 1) * floor
    return Row(
        "instructions",
        "least above the floor",
        "with the model floor",
        least / 1e6,
        "M instr",
        S.ratio(floor + least, floor),
        "floor",
        f"{TARGET}x leaves {allowed / 1e6:.2f}M; needs parse beyond raw {beyond_raw / 1e6:.2f}M + call path "
        f"{call_path / 1e6:.2f}M + send {send_delta / 1e6:+.2f}M + {instances} bare models "
        f"{per_call['model floor'] / 1e6:.2f}M",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="calls counted per subject")
    args = parser.parse_args()
    S.run_main("instructions", lambda: run(n=args.n))


if __name__ == "__main__":
    main()
