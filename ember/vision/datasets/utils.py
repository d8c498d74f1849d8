"""Downloading, verifying and extracting dataset files (``torchvision.datasets.utils``).

Downloads go to a temporary name next to their destination and are renamed only once complete and verified, so an
interrupted or corrupted transfer never leaves a file that looks like the real one.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import shutil
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from typing import Iterable

__all__ = ['calculate_md5', 'check_md5', 'check_integrity', 'download_url', 'extract_archive',
           'download_and_extract_archive', 'verify_str_arg', 'iterable_to_str', 'list_dir', 'list_files']

USER_AGENT = 'ember/vision'
_CHUNK = 1 << 20
_TIMEOUT = 60.0


def calculate_md5(fpath: str, chunk_size: int = _CHUNK) -> str:
    """The hex MD5 digest of a file."""
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath: str, md5: str, **kwargs) -> bool:
    """Whether the file's MD5 digest is ``md5``."""
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath: str, md5: str | None = None) -> bool:
    """Whether ``fpath`` is a file and, when ``md5`` is given, has that digest."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def iterable_to_str(iterable: Iterable) -> str:
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg: str | None = None, valid_values: Iterable | None = None,
                   custom_msg: str | None = None) -> str:
    """Check that ``value`` is a string and one of ``valid_values``; raise ValueError otherwise."""
    if not isinstance(value, str):
        msg = "Expected type str" + ("" if arg is None else f" for argument {arg}") + f", but got type {type(value)}."
        raise ValueError(msg)
    if valid_values is None:
        return value
    if value not in valid_values:
        if custom_msg is not None:
            raise ValueError(custom_msg)
        raise ValueError(f"Unknown value '{value}' for argument {arg}. "
                         f"Valid values are {{{iterable_to_str(valid_values)}}}.")
    return value


def _temp_name(fpath: str) -> str:
    return f"{fpath}.{os.getpid()}.part"


def _fetch(url: str, tmp: str, max_redirect_hops: int) -> None:
    """Stream ``url`` into ``tmp``; raise URLError/OSError on network failures and short transfers."""
    redirects = urllib.request.HTTPRedirectHandler()
    redirects.max_redirections = max_redirect_hops
    req = urllib.request.Request(url, headers={'User-Agent': USER_AGENT})
    with urllib.request.build_opener(redirects).open(req, timeout=_TIMEOUT) as resp, open(tmp, 'wb') as out:
        expected = resp.headers.get('Content-Length')
        got = 0
        while True:
            chunk = resp.read(_CHUNK)
            if not chunk:
                break
            out.write(chunk)
            got += len(chunk)
        if expected is not None and got != int(expected):
            raise urllib.error.URLError(f"transfer interrupted after {got} of {expected} bytes")


def _manual_hint(fpath: str) -> str:
    return f"download it yourself (with a browser, curl or wget) and place it at {fpath}"


def download_url(url: str, root: str, filename: str | None = None, md5: str | None = None,
                 max_redirect_hops: int = 3) -> None:
    """Download ``url`` into ``root/filename`` (skipped when an intact copy is there), checking ``md5`` if given.

    Raises RuntimeError naming the URL when the download fails or the checksum does not match; nothing is left
    at the destination in that case.
    """
    root = os.path.expanduser(os.fspath(root))
    if not filename:
        filename = os.path.basename(urllib.parse.urlparse(url).path)
    fpath = os.path.join(root, filename)
    if check_integrity(fpath, md5):
        return
    os.makedirs(root, exist_ok=True)
    tmp = _temp_name(fpath)
    try:
        try:
            _fetch(url, tmp, max_redirect_hops)
        except (urllib.error.URLError, OSError, ValueError) as err:
            reason = getattr(err, 'reason', err)
            raise RuntimeError(f"Failed to download {url} ({reason}). If this machine is offline, "
                               f"{_manual_hint(fpath)}.") from err
        if md5 is not None:
            got = calculate_md5(tmp)
            if got != md5:
                raise RuntimeError(f"The file downloaded from {url} is corrupted: its MD5 is {got}, expected {md5}. "
                                   f"It was removed; try again, or {_manual_hint(fpath)}.")
        os.replace(tmp, fpath)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _is_network_failure(err: RuntimeError) -> bool:
    return isinstance(err.__cause__, (urllib.error.URLError, OSError))


def download_from_mirrors(urls: list[str], root: str, filename: str, md5: str | None) -> None:
    """Try each URL in turn; raise RuntimeError naming all of them when none can be reached."""
    errors = []
    for url in urls:
        try:
            download_url(url, root, filename, md5)
            return
        except RuntimeError as err:
            if not _is_network_failure(err):
                raise
            errors.append(f"  {url}: {err.__cause__}")
    fpath = os.path.join(os.path.expanduser(os.fspath(root)), filename)
    raise RuntimeError(f"Error downloading {filename}; tried:\n" + "\n".join(errors)
                       + f"\nIf this machine is offline or the mirrors are down, {_manual_hint(fpath)}.")


_COMPRESSIONS = {'.gz': gzip.open, '.bz2': bz2.open, '.xz': lzma.open}
_TAR_SUFFIXES = ('.tar', '.tar.gz', '.tgz', '.tar.bz2', '.tbz', '.tbz2', '.tar.xz', '.txz')


def _decompress(from_path: str, to_path: str, opener) -> None:
    tmp = _temp_name(to_path)
    try:
        with opener(from_path, 'rb') as src, open(tmp, 'wb') as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
        os.replace(tmp, to_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def extract_archive(from_path: str, to_path: str | None = None, remove_finished: bool = False) -> str:
    """Extract a .tar[.gz|.bz2|.xz]/.tgz/.zip archive, or decompress a .gz/.bz2/.xz file; return where it went."""
    from_path = os.fspath(from_path)
    if to_path is None:
        to_path = os.path.dirname(from_path)
    lower = from_path.lower()
    if lower.endswith(_TAR_SUFFIXES):
        with tarfile.open(from_path, 'r:*') as tar:
            tar.extractall(to_path, filter='data')
        out = to_path
    elif lower.endswith('.zip'):
        with zipfile.ZipFile(from_path) as zf:
            zf.extractall(to_path)
        out = to_path
    else:
        ext = os.path.splitext(lower)[1]
        if ext not in _COMPRESSIONS:
            raise RuntimeError(f"Archive type of {from_path} is not supported: expected one of .tar, .tar.gz, .tgz, "
                               f".tar.bz2, .tar.xz, .zip, .gz, .bz2, .xz")
        name = os.path.basename(from_path)[:-len(ext)]
        out = to_path if not os.path.isdir(to_path) else os.path.join(to_path, name)
        _decompress(from_path, out, _COMPRESSIONS[ext])
    if remove_finished:
        os.remove(from_path)
    return out


def download_and_extract_archive(url: str, download_root: str, extract_root: str | None = None,
                                 filename: str | None = None, md5: str | None = None,
                                 remove_finished: bool = False) -> None:
    """Download an archive (verified by ``md5``) and extract it into ``extract_root`` (default: download_root)."""
    download_root = os.path.expanduser(os.fspath(download_root))
    extract_root = download_root if extract_root is None else extract_root
    if not filename:
        filename = os.path.basename(urllib.parse.urlparse(url).path)
    download_url(url, download_root, filename, md5)
    extract_archive(os.path.join(download_root, filename), extract_root, remove_finished)


def list_dir(root: str, prefix: bool = False) -> list[str]:
    """The directories in ``root`` (as full paths when ``prefix``)."""
    root = os.path.expanduser(os.fspath(root))
    dirs = [p for p in os.listdir(root) if os.path.isdir(os.path.join(root, p))]
    return [os.path.join(root, d) for d in dirs] if prefix else dirs


def list_files(root: str, suffix: str | tuple, prefix: bool = False) -> list[str]:
    """The files in ``root`` whose names end with ``suffix`` (as full paths when ``prefix``)."""
    root = os.path.expanduser(os.fspath(root))
    files = [p for p in os.listdir(root) if os.path.isfile(os.path.join(root, p)) and p.endswith(suffix)]
    return [os.path.join(root, f) for f in files] if prefix else files
