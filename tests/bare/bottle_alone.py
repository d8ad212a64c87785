from bottle import BaseRequest, Bottle, request, response

ITEMS = [{"id": 1, "name": "<script>alert('Zoë')</script> 東京 😀"}]  # sent back as JSON, exactly


BaseRequest.MEMFILE_MAX = 1024

app = Bottle()


@app.get("/items")
def list_items():
    return ITEMS


@app.get("/items/<item_id:int>")
def get_item(item_id):
    return {"id": item_id}


@app.post("/items")
def create_item():
    response.status = 201
    return request.json


@app.delete("/items/<item_id:int>")
def delete_item(item_id):
    response.status = 204
