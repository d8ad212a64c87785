from tornado.testing import AsyncHTTPTestCase, gen_test
from tornado.websocket import websocket_connect

from app import make_app


class RealtimeTest(AsyncHTTPTestCase):
    def get_app(self):
        return make_app()

    def test_slow_page(self):
        response = self.fetch("/")
        self.assertEqual(response.code, 200)
        self.assertEqual(response.body, b"Hello, Tornado! This response was delayed.")

    def test_unknown_path(self):
        response = self.fetch("/missing")
        self.assertEqual(response.code, 404)

    @gen_test
    async def test_echo(self):
        ws = await websocket_connect(f"ws://127.0.0.1:{self.get_http_port()}/ws")
        self.assertEqual(await ws.read_message(), "Connected to server!")
        await ws.write_message("hello")
        self.assertEqual(await ws.read_message(), "You said: hello")
        ws.close()
