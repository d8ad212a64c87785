// Reference point: Node's built-in http module answering the Items API's two
// GETs with the same JSON bodies. Run as `node node_http.js PORT`, with the port
// the registry gives (guide/frameworks.yml, `references`).
const http = require("http");

const items = [{ id: 1, name: "Hammer" }, { id: 2, name: "Nails" }];
const bodies = { "/items": JSON.stringify(items), "/items/1": JSON.stringify(items[0]) };
const port = Number(process.argv[2]);

http
  .createServer((req, res) => {
    const body = bodies[req.url];
    res.writeHead(body === undefined ? 404 : 200, { "Content-Type": "application/json" });
    res.end(body === undefined ? '{"error": "there is nothing at this path"}' : body);
  })
  .listen(port, "127.0.0.1", () => console.log(`Listening on http://127.0.0.1:${port}`));

for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
