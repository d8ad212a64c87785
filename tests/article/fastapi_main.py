from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from typing import Optional, List

app = FastAPI()

# Define what an "Item" looks like using a Pydantic model
class Item(BaseModel):
    id: int
    name: str
    description: Optional[str] = None

# Our in-memory database
items_db = [
    Item(id=1, name="Hammer", description="A sturdy hammer"),
    Item(id=2, name="Nails", description="A box of nails")
]

@app.get("/items/", response_model=List[Item])
async def read_items():
    return items_db

@app.get("/items/{item_id}", response_model=Item)
async def read_item(item_id: int):
    for item in items_db:
        if item.id == item_id:
            return item
    raise HTTPException(status_code=404, detail="Item not found")

@app.post("/items/", response_model=Item)
async def create_item(item: Item):
    # In a real app, you'd save to a database here
    items_db.append(item)
    return item
