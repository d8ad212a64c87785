"""Slow requests on Tornado: every GET waits one second on the event loop
(asyncio.sleep), so one process can hold thousands of them at once.
/ws is a WebSocket echo: every message comes back as sent. Run as
`python slow_tornado.py PORT`, with the port the registry gives
(guide/frameworks.yml, `slow`)."""

import asyncio
import sys

import tornado.web
import tornado.websocket


class Slow(tornado.web.RequestHandler):
    async def get(self):
        await asyncio.sleep(1)
        self.write({"slept": 1})


class Echo(tornado.websocket.WebSocketHandler):
    def on_message(self, message):
        self.write_message(message, binary=isinstance(message, bytes))


async def main(port):
    app = tornado.web.Application([(r"/slow", Slow), (r"/ws", Echo)])
    # The same listen backlog as gunicorn's --backlog below (the kernel caps
    # both at net.core.somaxconn).
    app.listen(port, address="127.0.0.1", backlog=4096)
    print(f"Listening on http://127.0.0.1:{port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(main(int(sys.argv[1])))
    except KeyboardInterrupt:
        pass
