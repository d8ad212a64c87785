import json
import urllib.error
import urllib.request

item = {"id": 5, "name": "Chisel"}
request = urllib.request.Request(
    "http://127.0.0.1:8000/items/",
    data=json.dumps(item).encode(),
    headers={"Content-Type": "application/json"},  # without it, FastAPI does not read JSON
    method="POST",
)
try:
    with urllib.request.urlopen(request) as response:
        print(response.status, response.read().decode())
except urllib.error.HTTPError as error:  # an answer with an error status, such as 409
    print(error.code, error.read().decode())
