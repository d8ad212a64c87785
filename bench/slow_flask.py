"""Slow requests on a sync worker, for contrast: every GET blocks its worker
for one second (time.sleep). Run:
gunicorn --workers 1 --backlog 4096 --bind 127.0.0.1:8014 slow_flask:app"""

import time

from flask import Flask

app = Flask(__name__)


@app.get("/slow")
def slow():
    time.sleep(1)
    return {"slept": 1}
