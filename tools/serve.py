"""Serve a built site on 127.0.0.1 with correct types for .mjs and .wasm (used by make serve and the tests)."""

import argparse
import functools
import http.server
import threading
from pathlib import Path

TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
         ".json": "application/json", ".py": "text/plain; charset=utf-8", ".zip": "application/zip"}


SITE_URL = "https://msw-handbook.invalid/"  # mkdocs.yml site_url


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def do_GET(self):
        # Material maps sitemap URLs onto the current host but keeps their port, so instant
        # navigation only works on the port of site_url (none: 80/443, as on an intranet server).
        # Served locally on another port, the sitemap is rewritten to this server's address.
        if self.path.split("?")[0].endswith("/sitemap.xml"):
            body = (Path(self.directory) / "sitemap.xml").read_bytes()
            body = body.replace(SITE_URL.encode(), f"http://{self.headers['Host']}/".encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

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
