"""Fetching web sources against a real HTTP server on loopback."""
from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.fetch import USER_AGENT, FetchSettings, fetch_source, index_links, url_for
from pipeline.sources import Source

PDF_A = b"%PDF-1.4 deliberation A"
PDF_B = b"%PDF-1.4 deliberation B"


class Site:
    def __init__(self):
        self.hits: dict[str, int] = {}
        self.agents: set[str] = set()
        self.files = {"/actes/a.pdf": PDF_A, "/actes/b.pdf": PDF_B}


def _handler(site: Site):
    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            site.hits[self.path] = site.hits.get(self.path, 0) + 1
            site.agents.add(self.headers.get("User-Agent", ""))
            if self.path == "/index.html":
                body = ('<html><a href="actes/a.pdf">A</a> <a href="/actes/b.pdf">B</a> '
                        '<a href="actes/missing.pdf">404</a> <a href="actes/flaky.pdf">500</a> '
                        '<a href="actes/slow.pdf">slow</a> <a href="autre/c.pdf">other</a> '
                        '<a href="page.html">page</a></html>').encode()
                return self._send(200, body, "text/html")
            if self.path in site.files:
                body = site.files[self.path]
                etag = '"%s"' % hashlib.md5(body).hexdigest()
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                return self._send(200, body, "application/pdf", etag)
            if self.path == "/actes/flaky.pdf":
                if site.hits[self.path] == 1:
                    return self._send(500, b"oops", "text/plain")
                return self._send(200, b"%PDF-1.4 flaky", "application/pdf")
            if self.path == "/actes/slow.pdf":
                time.sleep(1.5)
                return self._send(200, b"%PDF-1.4 slow", "application/pdf")
            return self._send(404, b"not found", "text/plain")

        def _send(self, code, body, ctype, etag=None):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return H


@pytest.fixture
def site():
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield s
    server.shutdown()
    server.server_close()


FAST = FetchSettings(timeout=0.5, delay=0.0, retries=1, backoff=0.05)


def test_index_links_filters_pdfs_by_pattern():
    html = '<a href="x/a.pdf">a</a><a href="/y/b.PDF">b</a><a href="c.html">c</a>'
    assert index_links(html, "http://h/p/index.html", r"/x/") == ["http://h/p/x/a.pdf"]
    assert index_links(html, "http://h/p/", None) == ["http://h/p/x/a.pdf", "http://h/y/b.PDF"]


def test_fetch_new_unchanged_404_retry_and_timeout(site, tmp_path):
    src = Source(name="Test", departement_code="99", departement_name="Test", path="99",
                 index_url=site.base + "/index.html", pattern=r"/actes/", base=tmp_path)
    first = {r.url.rsplit("/", 1)[-1]: r for r in fetch_source(src, FAST)}
    assert first["a.pdf"].status == "new" and first["b.pdf"].status == "new"
    assert (tmp_path / "99" / "a.pdf").read_bytes() == PDF_A
    assert first["missing.pdf"].status == "failed" and "404" in first["missing.pdf"].error
    assert first["flaky.pdf"].status == "new"  # 500, then success on retry
    assert site.hits["/actes/flaky.pdf"] == 2
    assert first["slow.pdf"].status == "failed" and "timed out" in first["slow.pdf"].error
    assert "c.pdf" not in first  # filtered out by the pattern
    assert site.agents == {USER_AGENT}
    url, fetched_at = url_for(tmp_path / "99" / "a.pdf")
    assert url == site.base + "/actes/a.pdf" and fetched_at

    second = {r.url.rsplit("/", 1)[-1]: r for r in fetch_source(src, FAST)}
    assert second["a.pdf"].status == "unchanged" and second["b.pdf"].status == "unchanged"
    assert not list((tmp_path / "99").glob("*.part"))
