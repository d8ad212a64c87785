from flask import Flask

app = Flask(__name__)


@app.route("/")
def home():
    return "Welcome to Flask"


if __name__ == "__main__":
    app.run()  # http://127.0.0.1:5000, reachable only from this machine
