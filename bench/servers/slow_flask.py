"""Slow requests on a sync worker, for contrast: every GET blocks its worker
for one second (time.sleep). The benchmark runs it on one gunicorn sync
worker, with the command the registry gives (guide/frameworks.yml, `slow`)."""

import time

from flask import Flask

app = Flask(__name__)


@app.get("/slow")
def slow():
    time.sleep(1)
    return {"slept": 1}
