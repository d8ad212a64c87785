"""The Compare page's Tornado Items API on one process per CPU, as Tornado's
guide to running it in production describes: bind the socket, fork one child
per core (`tornado.process.fork_processes(0)`), and let each child serve the
same application from the shared socket. The parent only watches its
children. The benchmark copies this file beside the snippet's app.py and runs
`python tornado_processes.py PORT`, with the port the registry gives
(guide/frameworks.yml).

As on the Compare page, the store is in memory: with several processes each
has its own, which is fine for the benchmark's reads and wrong for writes.
"""

import asyncio
import sys

import tornado.netutil
import tornado.process
from tornado.httpserver import HTTPServer

import app  # the snippet: make_app()


async def serve(sockets):
    server = HTTPServer(app.make_app())
    server.add_sockets(sockets)
    await asyncio.Event().wait()


def main(port):
    sockets = tornado.netutil.bind_sockets(port, address="127.0.0.1")
    print(f"Listening on http://127.0.0.1:{port} with {tornado.process.cpu_count()} processes", flush=True)
    tornado.process.fork_processes(0)  # returns in each child; the parent waits here
    asyncio.run(serve(sockets))


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]))
    except KeyboardInterrupt:  # Ctrl-C reaches the parent and every child
        pass
