"""Reference point: the smallest FastAPI app answering the Items API's two
GETs with `async def` endpoints and no middleware, to separate FastAPI's own
cost from the Compare page's app (plain `def` endpoints run in a thread pool,
an HTTP middleware). The benchmark runs it with the command the registry
gives (guide/frameworks.yml, `references`)."""

from fastapi import FastAPI

ITEMS = [{"id": 1, "name": "Hammer"}, {"id": 2, "name": "Nails"}]

app = FastAPI()


@app.get("/items")
async def list_items() -> list[dict]:
    return ITEMS


@app.get("/items/1")
async def get_item() -> dict:
    return ITEMS[0]
