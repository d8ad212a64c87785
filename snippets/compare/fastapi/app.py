import threading
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

MAX_ITEMS = 100
MAX_BODY = 1024
MAX_ID = 2**31 - 1


class Item(BaseModel):
    # strict: true is not an integer, "1" is not an integer; extra fields are refused
    model_config = ConfigDict(strict=True, extra="forbid")

    id: int = Field(ge=1, le=MAX_ID, description=f"an integer from 1 to {MAX_ID}")
    name: str = Field(min_length=1, max_length=100, description="a string of 1 to 100 characters")


class Error(BaseModel):
    error: str = Field(description="what is wrong, in words")


def errors(*statuses: int) -> dict:
    """The errors an operation can answer, each with the body it sends, for /docs."""
    return {status: {"model": Error} for status in statuses}


app = FastAPI(title="Items API")
items = {1: Item(id=1, name="Hammer"), 2: Item(id=2, name="Nails")}
lock = threading.Lock()  # plain `def` endpoints run in a thread pool


@app.middleware("http")
async def limit_body(request: Request, call_next):
    # FastAPI(max_body_size=...) would answer this 413 in plain text, not JSON.
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return JSONResponse({"error": f"the body must be at most {MAX_BODY} bytes"}, 413)
    return await call_next(request)


def json_content(content_type: Annotated[str, Header(include_in_schema=False)] = "") -> None:
    # Not a parameter in /docs: the request body's media type already says it.
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise HTTPException(415, "the Content-Type must be application/json")


@app.get("/items")
def list_items() -> list[Item]:
    with lock:
        return sorted(items.values(), key=lambda item: item.id)


@app.get("/items/{item_id}", responses=errors(404))
def get_item(item_id: int) -> Item:
    with lock:
        item = items.get(item_id)
    if item is None:
        raise HTTPException(404, f"item {item_id} not found")
    return item


@app.post(
    "/items",
    status_code=201,
    dependencies=[Depends(json_content)],
    responses={201: {"headers": {"Location": {"schema": {"type": "string"}}}}}
    | errors(409, 413, 415, 422, 507),
)
def create_item(item: Item, response: Response) -> Item:
    with lock:
        if item.id in items:
            raise HTTPException(409, f"item {item.id} already exists")
        if len(items) >= MAX_ITEMS:
            raise HTTPException(507, f"the store is full ({MAX_ITEMS} items)")
        items[item.id] = item
    response.headers["Location"] = f"/items/{item.id}"
    return item


# response_class=Response: no body, so no Content-Type either (not JSON's).
@app.delete("/items/{item_id}", status_code=204, response_class=Response, responses=errors(404))
def delete_item(item_id: int) -> None:
    with lock:
        if items.pop(item_id, None) is None:
            raise HTTPException(404, f"item {item_id} not found")


def problem(error: dict) -> str:
    """Pydantic's first complaint about a body, in the contract's words."""
    field = error["loc"][1:]
    if error["type"] == "json_invalid" or (error["type"] == "missing" and not field):
        return "the body is not valid JSON"  # an empty body is a missing one
    if not field:
        return "the body must be a JSON object"
    if error["type"] == "extra_forbidden":
        return "only id and name are allowed"
    if error["type"] == "missing":
        return "both id and name are required"
    return f"{field[0]} must be {Item.model_fields[field[0]].description}"


@app.exception_handler(RequestValidationError)
def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI answers 422 with Pydantic's list of errors; the contract wants one sentence.
    error = exc.errors()[0]
    if error["loc"][0] == "path":  # /items/abc is not an item: 404
        return JSONResponse({"error": f"item {request.path_params['item_id']} not found"}, 404)
    return JSONResponse({"error": problem(error)}, 422)


@app.exception_handler(HTTPException)
def our_error(request: Request, exc: HTTPException) -> JSONResponse:
    # The errors raised above, already in the contract's words.
    return JSONResponse({"error": exc.detail}, exc.status_code)


@app.exception_handler(StarletteHTTPException)
def framework_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    # FastAPI's and Starlette's own: a body FastAPI cannot decode (400), or
    # no route for the path (404) or for the method (405).
    if exc.status_code == 400:
        return JSONResponse({"error": "the body is not valid JSON"}, 422)
    if exc.status_code == 404:
        return JSONResponse({"error": "there is nothing at this path"}, 404)
    # Starlette's Allow names one route's methods, not the path's.
    methods = {m for r in app.routes if r.matches(request.scope)[0] != Match.NONE for m in r.methods}
    headers = {"Allow": ", ".join(sorted(methods))}
    return JSONResponse({"error": "method not allowed; see the Allow header"}, 405, headers)


def openapi() -> dict:
    # What /docs shows, as the app answers: OpenAPI 3.0, in which 1.0 is not
    # an integer (in 3.1 it is), and no 422 for an id, which answers 404 here.
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, openapi_version="3.0.3", routes=app.routes)
        for operation in schema["paths"]["/items/{item_id}"].values():
            del operation["responses"]["422"]
        for unused in ("HTTPValidationError", "ValidationError"):
            del schema["components"]["schemas"][unused]
        app.openapi_schema = schema
    return app.openapi_schema


app.openapi = openapi
