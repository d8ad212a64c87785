from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

app = FastAPI()


# Define what an "Item" looks like using a Pydantic model
class Item(BaseModel):
    id: int
    name: str = Field(max_length=100)
    description: str | None = Field(default=None, max_length=1000)


# Our in-memory database
items_db = [
    Item(id=1, name="Hammer", description="A sturdy hammer"),
    Item(id=2, name="Nails", description="A box of nails"),
]


@app.get("/items/")
async def read_items() -> list[Item]:
    return items_db


@app.get("/items/{item_id}")
async def read_item(item_id: int) -> Item:
    for item in items_db:
        if item.id == item_id:
            return item
    raise HTTPException(status_code=404, detail="Item not found")


@app.post("/items/", status_code=201)
async def create_item(item: Item) -> Item:
    # In a real app, you'd save to a database here
    if any(existing.id == item.id for existing in items_db):
        raise HTTPException(status_code=409, detail="Item already exists")
    items_db.append(item)
    return item


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI's own 422 answer without the "input" it echoes back: some rejected
    # values, such as NaN or half an emoji ("\ud83d"), cannot be written as JSON,
    # and would turn the 422 into a 500.
    errors = [{key: value for key, value in e.items() if key != "input"} for e in exc.errors()]
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})
