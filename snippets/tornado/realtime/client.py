import asyncio

from tornado.websocket import websocket_connect

URL = "ws://127.0.0.1:8888/ws"


async def main(url=URL):
    connection = await websocket_connect(url)
    print(await connection.read_message())  # the greeting `open` sends
    await connection.write_message("hello")
    print(await connection.read_message())  # the echo from `on_message`
    connection.close()


if __name__ == "__main__":
    asyncio.run(main())
