"""The Compare page's FastAPI app with every endpoint written `async def`.

The benchmark copies this file beside the snippet's app.py and runs
`uvicorn fastapi_async:app`. It reads app.py, turns each function decorated
with `@app.get(...)`, `@app.post(...)` (any route) from `def` into `async def`,
and runs the result as this module: the same routes, models, middleware and
error handlers, and only that one word changed, so the difference in the
figures is FastAPI running the endpoints on its event loop instead of handing
each call to its thread pool. No endpoint of that app waits on anything, so
nothing blocks the loop.
"""

import ast
from pathlib import Path

SOURCE = Path(__file__).with_name("app.py")
ROUTES = {"get", "post", "put", "patch", "delete", "head", "options"}


def is_route(decorator: ast.expr) -> bool:
    """`@app.<method>(...)`."""
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and isinstance(decorator.func.value, ast.Name)
        and decorator.func.value.id == "app"
        and decorator.func.attr in ROUTES
    )


def asynchronous(tree: ast.Module) -> list[str]:
    """Rewrite each top-level route function as `async def`; their names."""
    changed = []
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.FunctionDef) and any(map(is_route, node.decorator_list)):
            tree.body[i] = ast.copy_location(
                ast.AsyncFunctionDef(**{field: getattr(node, field) for field in node._fields}), node
            )
            changed.append(node.name)
    return changed


tree = ast.parse(SOURCE.read_text(encoding="utf-8"), filename=str(SOURCE))
ENDPOINTS = asynchronous(tree)
if not ENDPOINTS:
    raise SystemExit(f"{SOURCE}: no `@app.<method>(...)` function to make `async def`")
exec(compile(ast.fix_missing_locations(tree), str(SOURCE), "exec"))  # noqa: S102  the snippet, rewritten
