import threading
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

MAX_ITEMS = 100
MAX_BODY = 1024


class Item(BaseModel):
    # strict: true is not an integer, "1" is not an integer; extra fields are refused
    model_config = ConfigDict(strict=True, extra="forbid")

    id: int = Field(ge=1, le=2**31 - 1)
    name: str = Field(min_length=1, max_length=100)


app = FastAPI()
items = {1: Item(id=1, name="Hammer"), 2: Item(id=2, name="Nails")}
lock = threading.Lock()  # plain `def` endpoints run in a thread pool


@app.middleware("http")
async def limit_body(request: Request, call_next):
    # FastAPI(max_body_size=...) would answer this 413 in plain text, not JSON.
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return JSONResponse({"error": f"the body is over {MAX_BODY} bytes"}, 413)
    return await call_next(request)


def json_content(content_type: Annotated[str, Header()] = "") -> None:
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise HTTPException(415, "the Content-Type must be application/json")


@app.get("/items")
def list_items() -> list[Item]:
    with lock:
        return sorted(items.values(), key=lambda item: item.id)


@app.get("/items/{item_id}")
def get_item(item_id: int) -> Item:
    with lock:
        item = items.get(item_id)
    if item is None:
        raise HTTPException(404, f"item {item_id} not found")
    return item


@app.post("/items", status_code=201, dependencies=[Depends(json_content)])
def create_item(item: Item, response: Response) -> Item:
    with lock:
        if item.id in items:
            raise HTTPException(409, f"item {item.id} already exists")
        if len(items) >= MAX_ITEMS:
            raise HTTPException(507, f"the store is full ({MAX_ITEMS} items)")
        items[item.id] = item
    response.headers["Location"] = f"/items/{item.id}"
    return item


@app.delete("/items/{item_id}", status_code=204)
def delete_item(item_id: int) -> None:
    with lock:
        if items.pop(item_id, None) is None:
            raise HTTPException(404, f"item {item_id} not found")


@app.exception_handler(RequestValidationError)
def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI answers 422 with its own shape; the contract wants one sentence.
    error = exc.errors()[0]
    if error["loc"][0] == "path":  # /items/abc is not an item: 404
        return JSONResponse({"error": f"item {request.path_params['item_id']} not found"}, 404)
    if error["type"] == "json_invalid":
        return JSONResponse({"error": "the body is not valid JSON"}, 422)
    field = ".".join(str(part) for part in error["loc"][1:]) or "body"
    return JSONResponse({"error": f"{field}: {error['msg']}"}, 422)


@app.exception_handler(StarletteHTTPException)
def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    # Every error, including Starlette's own 404 and 405, answers in JSON.
    headers = exc.headers
    if exc.status_code == 400:  # FastAPI could not decode the body, e.g. not UTF-8
        return JSONResponse({"error": "the body is not valid JSON"}, 422)
    if exc.status_code == 405:  # Starlette's Allow names one route's methods, not the path's
        methods = {m for r in app.routes if r.matches(request.scope)[0] != Match.NONE for m in r.methods}
        headers = {"Allow": ", ".join(sorted(methods))}
    return JSONResponse({"error": exc.detail}, exc.status_code, headers)
