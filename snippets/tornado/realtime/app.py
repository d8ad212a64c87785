import asyncio

import tornado.web
import tornado.websocket

DELAY = 2  # seconds; stands in for a slow database query or API call


class MainHandler(tornado.web.RequestHandler):
    async def get(self):
        # While this handler waits, the event loop serves other requests.
        await asyncio.sleep(DELAY)
        self.write("Hello, Tornado! This response was delayed.")


class EchoWebSocket(tornado.websocket.WebSocketHandler):
    def open(self):
        print("WebSocket opened")
        self.write_message("Connected to server!")

    def on_message(self, message):
        self.write_message(f"You said: {message}")

    def on_close(self):
        print("WebSocket closed")


def make_app():
    return tornado.web.Application([
        (r"/", MainHandler),
        (r"/ws", EchoWebSocket),
    ])


async def main():
    app = make_app()
    app.listen(8888, address="127.0.0.1")  # reachable only from this machine
    print("Listening on http://127.0.0.1:8888 (press Ctrl+C to stop)")
    await asyncio.Event().wait()  # serve until the process is stopped


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:  # Ctrl+C: stop quietly instead of printing a traceback
        print("Server stopped")
