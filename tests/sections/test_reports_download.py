"""GetReport downloads to a path: concurrent downloads to one path never mix, never fail on each other; the
path is checked before the request, and a device or FIFO is written into, never replaced."""

from __future__ import annotations

import asyncio
import base64
import errno
import hashlib
import io
import os
import stat
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest

from mws_async import ClientValidationError, ContentMD5MismatchError, DownloadWriteError, MWSClient
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


# -- the target path: checked before anything is sent; a device or FIFO is written, never replaced --------


async def any_report(mws: MWSClient) -> str:
    async for report in mws.reports.get_report_list(max_count=1):
        return report.report_id
    raise AssertionError("the sandbox lists no report")  # pragma: no cover


def char_device(folder: Path, name: str, minor: int) -> Path:
    """A device node of the test's own (minor 3: like /dev/null, 7: like /dev/full); tests run as root."""
    node = folder / name
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return node


async def test_a_download_to_a_character_device_writes_into_it_and_keeps_the_node(
    mws: MWSClient, tmp_path: Path
) -> None:
    null = char_device(tmp_path, "null", 3)
    result = await mws.reports.get_report(await any_report(mws), null)
    assert result.path == null and result.size > 0
    assert stat.S_ISCHR(null.stat().st_mode)  # still the device, not a regular file renamed onto it
    assert leftovers(tmp_path, "null") == []


async def test_a_download_to_a_fifo_streams_the_report_to_its_reader(mws: MWSClient, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before the download starts
    received = bytearray()
    finished = False

    async def read_all() -> None:
        while True:
            try:
                data = os.read(reader, 65536)
            except BlockingIOError:
                data = None
            if data:
                received.extend(data)
            elif finished:
                return
            else:
                await asyncio.sleep(0.005)

    async def download() -> int:
        nonlocal finished
        try:
            return (await mws.reports.get_report(await any_report(mws), fifo)).size
        finally:
            finished = True

    try:
        size, _ = await asyncio.wait_for(asyncio.gather(download(), read_all()), 30)
    finally:
        os.close(reader)
    assert size > 0 and len(received) == size
    assert stat.S_ISFIFO(fifo.stat().st_mode)


async def test_a_full_device_is_a_typed_write_error_and_stays_a_device(
    mws: MWSClient, tmp_path: Path
) -> None:
    full = char_device(tmp_path, "full", 7)
    with pytest.raises(
        DownloadWriteError, match=r"path: cannot write .*No space left on device \(ENOSPC\)"
    ) as info:
        await mws.reports.get_report(await any_report(mws), full)
    assert info.value.errno == errno.ENOSPC and info.value.path == str(full)
    assert stat.S_ISCHR(full.stat().st_mode)


async def test_a_fifo_nobody_reads_is_refused_after_a_bounded_wait_without_a_request(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    async with MWSClient(
        sandbox.credentials, base_url=sandbox.base_url, time_scale=100.0, timeout=0.3
    ) as mws:
        with pytest.raises(DownloadWriteError, match=r"no process opened it for reading within 0\.3 s"):
            await asyncio.wait_for(mws.reports.get_report("12345", fifo), 10)
    assert sandbox.request_log.count() == 0


BAD_PATHS: dict[str, tuple[Callable[[Path], object], str]] = {
    "a folder": (lambda tmp: tmp, "is a folder; give the path of a file in it"),
    "a missing folder": (lambda tmp: tmp / "missing" / "r.txt", "the folder .* does not exist"),
    "a file as folder": (lambda tmp: tmp / "afile" / "r.txt", "is not a folder"),
    "empty": (lambda tmp: "", "is empty; give a file path"),
    "a NUL": (lambda tmp: f"{tmp}/r\x00.txt", "contains a NUL character"),
    "a name too long": (lambda tmp: tmp / ("r" * 300), "File name too long"),
    "bytes": (
        lambda tmp: os.fsencode(tmp / "r.txt"),
        r"must be a file path \(str or os.PathLike\), got bytes",
    ),
    "None": (lambda tmp: None, "got NoneType"),
    "an int": (lambda tmp: 1, "got int"),
    "a BytesIO": (lambda tmp: io.BytesIO(), r"got a file object \(BytesIO\); pass the file's path"),
    "a file opened to write": (
        lambda tmp: (tmp / "w.txt").open("wb"),
        r"got a file object \(BufferedWriter\)",
    ),
    "a file opened to read": (
        lambda tmp: (tmp / "afile").open("rb"),
        r"got a file object \(BufferedReader\)",
    ),
}


@pytest.mark.parametrize("case", list(BAD_PATHS))
async def test_a_bad_download_path_is_refused_before_the_request(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path, case: str
) -> None:
    (tmp_path / "afile").write_bytes(b"")
    make, message = BAD_PATHS[case]
    path = make(tmp_path)
    try:
        with pytest.raises(ClientValidationError, match=f"GetReport: path.*{message}"):
            await mws.reports.get_report("12345", path)  # type: ignore[arg-type]
    finally:
        if isinstance(path, io.IOBase):
            path.close()
    assert sandbox.request_log.count() == 0


async def test_a_long_but_valid_file_name_is_downloaded(mws: MWSClient, tmp_path: Path) -> None:
    name = "r" * 250  # fits the 255-byte limit; the partial file's suffix must not push it over
    result = await mws.reports.get_report(await any_report(mws), tmp_path / name)
    assert result.size > 0 and (tmp_path / name).stat().st_size == result.size
    assert leftovers(tmp_path, name) == []


async def test_request_and_download_checks_the_path_before_requesting(
    mws: MWSClient, sandbox: Sandbox, tmp_path: Path
) -> None:
    with pytest.raises(ClientValidationError, match=r"RequestReport: path .* is a folder"):
        await mws.reports.request_and_download("_GET_FLAT_FILE_OPEN_LISTINGS_DATA_", tmp_path)
    assert sandbox.request_log.count() == 0
