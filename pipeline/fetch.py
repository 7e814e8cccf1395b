"""Stage 0 — fetch: download what is new from a web source into ``data/raw/<code>/``.

A web source gives an index page (HTML listing PDF links, filtered by a regex) or a list of
URLs. Requests are conditional (ETag / Last-Modified), polite (a delay between requests, a
user agent naming the project), bounded (timeouts) and retried on server errors. What was
fetched, from where and when is kept beside the files in ``.fetch.json``; ingestion reads it
to record each document's URL and fetch date.
"""
from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import httpx

from pipeline.sources import Source

log = logging.getLogger(__name__)

USER_AGENT = "delib-pipeline/0.1 (open-source deliberations warehouse; polite nightly crawler)"
STATE_FILE = ".fetch.json"


@dataclass
class FetchSettings:
    timeout: float = 20.0
    delay: float = 1.0  # seconds between two requests to the same source
    retries: int = 2  # extra attempts on 5xx and connection errors
    backoff: float = 2.0


@dataclass
class FetchResult:
    url: str
    path: str | None
    status: str  # new | changed | unchanged | failed
    error: str | None = None


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def index_links(html: str, base_url: str, pattern: str | None) -> list[str]:
    """PDF links of an index page, absolute, filtered by ``pattern`` (a regex), in page order."""
    p = _Links()
    p.feed(html)
    rx = re.compile(pattern) if pattern else None
    out: list[str] = []
    for href in p.links:
        url = urljoin(base_url, href)
        if not urlparse(url).path.lower().endswith(".pdf"):
            continue
        if rx and not rx.search(url):
            continue
        if url not in out:
            out.append(url)
    return out


def load_state(folder: Path) -> dict[str, dict]:
    f = folder / STATE_FILE
    if not f.exists():
        return {}
    return json.loads(f.read_text(encoding="utf-8"))


def save_state(folder: Path, state: dict[str, dict]) -> None:
    f = folder / STATE_FILE
    tmp = f.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(f)


def url_for(path: str | Path) -> tuple[str | None, str | None]:
    """(url, fetched_at) of a downloaded file, from its folder's fetch state."""
    path = Path(path)
    for url, entry in load_state(path.parent).items():
        if entry.get("path") == path.name:
            return url, entry.get("fetched_at")
    return None, None


def _get(client: httpx.Client, url: str, headers: dict, s: FetchSettings) -> httpx.Response:
    """GET with retries on 5xx and transport errors (not on 4xx, not past the timeout)."""
    attempt = 0
    while True:
        try:
            r = client.get(url, headers=headers)
        except httpx.TimeoutException:
            raise
        except httpx.TransportError:
            if attempt >= s.retries:
                raise
        else:
            if r.status_code < 500 or attempt >= s.retries:
                return r
        attempt += 1
        time.sleep(s.backoff * attempt)


def file_name(url: str) -> str:
    name = Path(unquote(urlparse(url).path)).name or "document.pdf"
    return re.sub(r"[^\w.\-]+", "_", name)


def fetch_source(source: Source, settings: FetchSettings | None = None,
                 client: httpx.Client | None = None) -> list[FetchResult]:
    s = settings or FetchSettings()
    folder = source.folder
    folder.mkdir(parents=True, exist_ok=True)
    state = load_state(folder)
    results: list[FetchResult] = []
    own = client is None
    client = client or httpx.Client(timeout=s.timeout, follow_redirects=True,
                                    headers={"User-Agent": USER_AGENT})
    try:
        urls = list(source.urls)
        if source.index_url:
            try:
                r = _get(client, source.index_url, {}, s)
                r.raise_for_status()
                urls += [u for u in index_links(r.text, str(r.url), source.pattern) if u not in urls]
            except httpx.HTTPError as e:
                results.append(FetchResult(source.index_url, None, "failed", f"index: {_describe(e)}"))
        for i, url in enumerate(urls):
            if i:
                time.sleep(s.delay)
            results.append(_fetch_one(client, url, folder, state, s))
            save_state(folder, state)
    finally:
        if own:
            client.close()
    return results


def _describe(e: Exception) -> str:
    if isinstance(e, httpx.TimeoutException):
        return f"timed out ({type(e).__name__})"
    if isinstance(e, httpx.HTTPStatusError):
        return f"HTTP {e.response.status_code}"
    return f"{type(e).__name__}: {e}"


def _fetch_one(client: httpx.Client, url: str, folder: Path, state: dict, s: FetchSettings) -> FetchResult:
    entry = state.get(url, {})
    headers = {}
    if entry.get("etag"):
        headers["If-None-Match"] = entry["etag"]
    if entry.get("last_modified"):
        headers["If-Modified-Since"] = entry["last_modified"]
    try:
        r = _get(client, url, headers, s)
        if r.status_code == 304:
            return FetchResult(url, entry.get("path"), "unchanged")
        r.raise_for_status()
    except httpx.HTTPError as e:
        return FetchResult(url, entry.get("path"), "failed", _describe(e))
    name = entry.get("path") or _unique(folder, file_name(url), state)
    target = folder / name
    existed = target.exists()
    if existed and target.read_bytes() == r.content:
        status = "unchanged"
    else:
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(r.content)
        tmp.replace(target)  # atomic: ingestion never sees a half-written file
        status = "changed" if existed else "new"
    state[url] = {"path": name, "etag": r.headers.get("etag"), "last_modified": r.headers.get("last-modified"),
                  "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    return FetchResult(url, str(target), status)


def _unique(folder: Path, name: str, state: dict) -> str:
    taken = {e.get("path") for e in state.values()}
    stem, suffix = Path(name).stem, Path(name).suffix
    n, candidate = 1, name
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate
