from bottle import route, run, template

@route('/greet/<name>')
def greet(name):
    return template('<b>Hello, {{name}}!</b>', name=name)

@route('/square/<number:int>')
def calculate_square(number):
    return f"The square of {number} is {number * number}."

if __name__ == '__main__':
    run(host='localhost', port=8080, debug=True)
