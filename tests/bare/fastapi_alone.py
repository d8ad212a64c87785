from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

ITEMS = [{"id": 1, "name": "<script>alert('Zoë')</script> 東京 😀"}]  # sent back as JSON, exactly


class Item(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    id: int = Field(ge=1, le=2**31 - 1)
    name: str = Field(min_length=1, max_length=100)


app = FastAPI()


@app.get("/items")
def list_items() -> list[dict]:
    return ITEMS


@app.get("/items/{item_id}")
def get_item(item_id: int) -> dict:
    return {"id": item_id}


@app.post("/items", status_code=201)
def create_item(item: Item) -> Item:
    return item


@app.delete("/items/{item_id}", status_code=204)
def delete_item(item_id: int) -> None:
    return None
