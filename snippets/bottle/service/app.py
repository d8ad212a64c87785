from bottle import Bottle, abort, template

app = Bottle()

MAX_DIGITS = 1000  # the answer has up to twice as many


@app.get("/greet/<name>")
def greet(name):
    # {{name}} is HTML-escaped: /greet/<script> shows the tag as text.
    return template("<b>Hello, {{name}}!</b>", name=name)


@app.get("/square/<number:int>")
def calculate_square(number):
    if len(str(abs(number))) > MAX_DIGITS:
        abort(400, f"Please use a number with at most {MAX_DIGITS} digits.")
    return f"The square of {number} is {number * number}."


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8080)
