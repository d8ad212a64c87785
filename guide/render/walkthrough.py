"""The walkthrough markers: a step's commands, its URLs, its port.

```text
{{ run("flask.hello.serve") }}     the commands of a step, and what they print
{{ visit("flask.hello.serve") }}   the URLs a serve step names, with their answers
{{ port("flask.hello.serve") }}    the port a serve step listens on, inside a sentence
{{ venv() }}                       the virtual environment every framework page starts in
```
"""

from __future__ import annotations

import json

from guide.walkthroughs import LOGIN, LOGIN_SHOWN, Visit, shown, step, venv


def run(ref: str) -> str:
    """A copyable block of the step's commands, then what they print."""
    _, s = step(ref)
    commands = (s.serve,) if s.serve else s.commands
    if not commands:
        raise ValueError(f'{{{{ run("{ref}") }}}}: that step types no command')
    lines = "\n".join(c.line for c in commands)
    terminal = "A second terminal, while the server runs" if s.while_serving else "Terminal"
    out = [f'```bash title="{terminal}"\n{lines}\n```']
    transcript = []
    for c in commands:
        for question, answer in c.answers:
            typed = "" if answer in c.secret else answer
            transcript.append(f"{question.replace(LOGIN, LOGIN_SHOWN)}{typed}".rstrip())
        transcript.extend(c.output)
    if transcript:
        body = "\n".join(transcript)
        out.append(f'```text title="Among what it prints"\n{body}\n```')
    return "\n\n".join(out)


def visit(ref: str) -> str:
    """A list of the URLs a serve step tells the reader to open."""
    _, s = step(ref)
    if not s.visits:
        raise ValueError(f'{{{{ visit("{ref}") }}}}: that step has no URLs to visit')
    return "\n".join(_item(v) for v in s.visits)


def venv_block() -> str:
    """The virtual environment, shown once on every framework page: the
    Linux and macOS lines the verification runs, the Windows ones it names."""
    v = venv()
    return (
        f"{v.before}\n\n"
        f'=== "Linux and macOS"\n\n    ```bash title="Terminal"\n'
        + "".join(f"    {line}\n" for line in v.posix)
        + '    ```\n\n=== "Windows"\n\n'
        + '    ```bat title="Command Prompt or PowerShell (not run by this guide\'s checks)"\n'
        + "".join(f"    {line}\n" for line in v.windows)
        + f"    ```\n\n{v.after}\n"
    )


def port(ref: str) -> str:
    """The port of a serve step, for a sentence that names it."""
    _, s = step(ref)
    if not s.port:
        raise ValueError(f'{{{{ port("{ref}") }}}}: that step serves nothing')
    return str(s.port)


def _item(v: Visit) -> str:
    head = f"- <{v.url}>" if not v.is_websocket else f"- `{v.url}` (a WebSocket)"
    if v.note:
        head += f": {v.note}"
    if v.is_websocket:
        sent = ", ".join(f"`{m}`" for m in v.send)
        return f"{head}. Send {sent} and the server answers:\n\n" + _nested(
            "text", "\n".join(v.receive), 'title="Messages received"'
        )
    kind = f", `{v.content_type.split(';')[0]}`" if v.content_type else ""
    if v.redirects_to is not None:
        head += (
            f". It redirects ({v.redirect_status}) to `{v.redirects_to}`, which answers"
            f" with status {v.status}{kind}"
        )
    else:
        head += f" (status {v.status}{kind})"
    if v.json is not None:
        return f"{head}:\n\n" + _nested("json", json.dumps(v.json, indent=2, ensure_ascii=False)) + "\n"
    if v.body is not None:
        # HTML whose source differs from what a browser displays is labelled as source.
        title = 'title="HTML source"' if v.is_html and shown(v.body) != v.body else ""
        return f"{head}:\n\n" + _nested("text", v.body, title) + "\n"
    if v.contains:
        if v.is_html:
            quoted = ", ".join(_code(shown(c)) for c in v.contains)
            return f"{head}: a page that shows {quoted}"
        what = "JSON" if "json" in (v.content_type or "") else "an answer"
        return f"{head}: {what} that includes " + ", ".join(_code(c) for c in v.contains)
    return head


def _code(text: str) -> str:
    """Inline code for any text, backticks in it included."""
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _nested(lang: str, text: str, options: str = "") -> str:
    """A code block inside a list item."""
    info = f"{lang} {options}".strip()
    body = "".join(f"    {line}\n" for line in text.splitlines())
    return f"    ```{info}\n{body}    ```"
