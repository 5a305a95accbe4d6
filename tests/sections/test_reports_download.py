"""GetReport downloads to a path: concurrent downloads to one path never mix, never fail on each other."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import stat
from pathlib import Path

import anyio
import pytest

from mws_async import ContentMD5MismatchError, MWSClient
from mws_async.sandbox import Fault, Sandbox
from mws_async.sandbox.handlers.reports import LARGE_REPORT_TYPE

SIZE = 3 * 1024 * 1024 + 11  # a dozen 256 KiB chunks: two downloads interleave


def md5_of(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def leftovers(folder: Path, keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


async def large_report(mws: MWSClient, size: int) -> str:
    info = await mws.reports.request_report(LARGE_REPORT_TYPE, report_options=f"size={size}")
    done = await mws.reports.wait_for_report(info.report_request_id, initial_interval=1.0)
    assert done.generated_report_id is not None
    return done.generated_report_id


async def test_concurrent_downloads_of_one_report_to_one_path_both_succeed(
    mws: MWSClient, tmp_path: Path
) -> None:
    report_id = await large_report(mws, SIZE)
    target = tmp_path / "report.txt"
    first, second = await asyncio.gather(
        mws.reports.get_report(report_id, target), mws.reports.get_report(report_id, target)
    )
    data = await anyio.Path(target).read_bytes()
    assert len(data) == SIZE == first.size == second.size
    assert md5_of(data) == first.md5 == second.md5
    assert first.path == second.path == target
    assert leftovers(tmp_path, "report.txt") == []


async def test_concurrent_downloads_of_two_reports_to_one_path_leave_one_whole_report(
    mws: MWSClient, tmp_path: Path
) -> None:
    ids = [await large_report(mws, SIZE), await large_report(mws, SIZE + 5)]
    expected = {}
    for n, report_id in enumerate(ids):
        alone = await mws.reports.get_report(report_id, tmp_path / f"alone-{n}.txt")
        expected[alone.md5] = await anyio.Path(alone.path).read_bytes()
    target = tmp_path / "report.txt"
    results = await asyncio.gather(*(mws.reports.get_report(i, target) for i in ids))
    data = await anyio.Path(target).read_bytes()
    # Whichever finished last is the file, whole: its bytes are exactly one report's, matching its MD5.
    assert {r.md5 for r in results} == set(expected)
    assert md5_of(data) in expected and expected[md5_of(data)] == data
    assert sorted(leftovers(tmp_path, "report.txt")) == ["alone-0.txt", "alone-1.txt"]


async def test_a_failed_download_keeps_the_existing_file_and_leaves_no_partial(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path
) -> None:
    report_id = await large_report(mws, SIZE)
    target = tmp_path / "report.txt"
    await anyio.Path(target).write_bytes(b"yesterday's report")
    sandbox.faults.schedule.append(Fault("MD5Mismatch", times=2))
    with pytest.raises(ContentMD5MismatchError):
        await mws.reports.get_report(report_id, target)
    assert await anyio.Path(target).read_bytes() == b"yesterday's report"
    assert leftovers(tmp_path, "report.txt") == []


async def test_a_downloaded_report_has_the_permissions_open_would_give_it(
    mws: MWSClient, tmp_path: Path
) -> None:
    report_id = await large_report(mws, 1000)
    result = await mws.reports.get_report(report_id, tmp_path / "report.txt")
    reference = tmp_path / "reference.txt"
    await anyio.Path(reference).write_bytes(b"")  # created by open(): 0666 less the umask
    modes = [stat.S_IMODE((await anyio.Path(p).stat()).st_mode) for p in (result.path, reference)]
    assert modes[0] == modes[1]
