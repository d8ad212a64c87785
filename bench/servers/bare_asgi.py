"""Reference point: a bare ASGI app (no framework) answering the Items API's
two GETs with the same JSON bodies. The benchmark runs it with the command
the registry gives (guide/frameworks.yml, `references`)."""

import json

ITEMS = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]
BODIES = {
    "/items": json.dumps(ITEMS).encode(),
    "/items/1": json.dumps(ITEMS[0]).encode(),
}
NOT_FOUND = b'{"error": "there is nothing at this path"}'


async def app(scope, receive, send):
    if scope["type"] == "lifespan":  # nothing to set up or tear down
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = BODIES.get(scope["path"])
    status = 200 if body is not None else 404
    body = body if body is not None else NOT_FOUND
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})
