"""Serve a built site on 127.0.0.1 as a production web server would (used by make serve, tests and bench).

Correct types for .mjs and .wasm, gzip for text and WebAssembly, and revalidation (Last-Modified / 304)
so a second visit downloads only what changed.
"""

import argparse
import email.utils
import functools
import gzip
import http.server
import threading
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


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return super().do_GET()
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
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start(directory, port=0):
    """Start a server in a background thread; returns (server, base URL)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", nargs="?", default="site")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server, url = start(args.directory, args.port)
    print(f"手册已启动：{url}  （Ctrl+C 停止）", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()
