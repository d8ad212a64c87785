import cherrypy
from cherrypy.test import helper

from app import HelloWorld, config


class HelloWorldTest(helper.CPWebCase):
    interactive = False  # on a failure, report it instead of asking what to show

    @staticmethod
    def setup_server():
        cherrypy.tree.mount(HelloWorld(), "", config)

    def test_index(self):
        self.getPage("/")
        self.assertStatus(200)
        self.assertBody("This is the homepage.")

    def test_greet(self):
        self.getPage("/greet?name=Alice")
        self.assertBody("Hello, Alice!")
        self.getPage("/greet")
        self.assertBody("Hello, Guest!")

    def test_add(self):
        self.getPage("/add?a=5&b=3")
        self.assertStatus(200)
        self.assertBody("The sum of 5 and 3 is 8.")

    def test_add_refuses_text(self):
        self.getPage("/add?a=five&b=3")
        self.assertStatus(400)
        self.assertBody("Please provide integer values.")
