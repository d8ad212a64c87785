import json

import tornado.web

ITEMS = [{"id": 1, "name": "<script>alert('Zoë')</script> 東京 😀"}]  # sent back as JSON, exactly


class ItemsHandler(tornado.web.RequestHandler):
    def get(self):
        self.write(ITEMS)

    def post(self):
        self.set_status(201)
        self.write(json.loads(self.request.body))


class ItemHandler(tornado.web.RequestHandler):
    def get(self, item_id):
        self.write({"id": item_id})

    def delete(self, item_id):
        self.set_status(204)


app = tornado.web.Application(
    [
        (r"/items", ItemsHandler),
        (r"/items/([0-9]{1,10})", ItemHandler),
    ]
)
