"""Serve a built site on 127.0.0.1 as a production web server would (used by make serve, tests and bench).

Correct types for .mjs and .wasm, gzip for text and WebAssembly, and revalidation (Last-Modified / 304)
so a second visit downloads only what changed. Optionally over a slow line (--kbps, --rtt-ms): every
response waits one round trip and all of them share the bandwidth, so the page and its service worker
(which the browser's own network emulation does not slow) see the same phone line.
"""

import argparse
import email.utils
import functools
import gzip
import http.server
import sys
import threading
import time
from pathlib import Path

TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".py": "text/plain; charset=utf-8",
    ".zip": "application/zip",
}
COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".py", ".svg", ".xml", ".txt", ".wasm", ".map"}
SITE_URL = "https://msw-handbook.invalid/"  # mkdocs.yml site_url
_compressed = {}


class Link:
    """A slow line shared by every response: `rtt_ms` before each one, then its bytes at `kbps` in total."""

    CHUNK = 4096

    def __init__(self, kbps, rtt_ms):
        self.bytes_per_s = kbps * 1000 / 8
        self.rtt_s = rtt_ms / 1000
        self.free_at = 0.0
        self.lock = threading.Lock()

    def wait_round_trip(self):
        time.sleep(self.rtt_s)

    def send(self, wfile, body):
        for start in range(0, len(body), self.CHUNK):
            chunk = body[start : start + self.CHUNK]
            with self.lock:
                # Chunks of concurrent responses take turns on the line, as packets would.
                self.free_at = max(self.free_at, time.monotonic()) + len(chunk) / self.bytes_per_s
                until = self.free_at
            time.sleep(max(0.0, until - time.monotonic()))
            try:
                wfile.write(chunk)
            except ConnectionError:
                return  # the browser went away (a page closed mid-download)


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    link = None  # a Link to serve over a slow line

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return super().do_GET()
        if self.link:
            self.link.wait_round_trip()
        stat = path.stat()
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if self.headers.get("If-Modified-Since") == modified and path.name != "sitemap.xml":
            self.send_response(304)
            self.end_headers()
            return
        body = path.read_bytes()
        if path.name == "sitemap.xml":
            # Material maps sitemap URLs onto the current host but keeps their port, so instant
            # navigation only works on the port of site_url (none: 80/443, as on an intranet
            # server). Served here on another port, the sitemap names this server instead.
            body = body.replace(SITE_URL.encode(), f"http://{self.headers['Host']}/".encode())
        gzipped = path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            key = (path, stat.st_mtime_ns, self.headers["Host"] if path.name == "sitemap.xml" else None)
            if key not in _compressed:
                _compressed[key] = gzip.compress(body, 6)
            body = _compressed[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", "no-cache")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        if self.link:
            self.link.send(self.wfile, body)
        else:
            self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that closes a page mid-download is normal, not an error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def start(directory, port=0, link=None):
    """Start a server in a background thread (over `link`, a Link, if given); returns (server, base URL)."""
    handler = type("SlowHandler", (Handler,), {"link": link}) if link else Handler
    server = Server(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", nargs="?", default="site")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--kbps", type=float, help="serve over a slow line of this bandwidth (e.g. 1600)")
    parser.add_argument("--rtt-ms", type=float, default=150, help="round trip of the slow line (with --kbps)")
    args = parser.parse_args()
    server, url = start(args.directory, args.port, Link(args.kbps, args.rtt_ms) if args.kbps else None)
    print(f"手册已启动：{url}  （Ctrl+C 停止）", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
