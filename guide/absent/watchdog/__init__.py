"""watchdog, absent: the reader's processes import this in its place and fail.

MkDocs brings watchdog into this project's environment; a reader who installs
Flask has none. With it, Werkzeug's reloader (`flask run --debug`) watches the
whole environment and the standard library through inotify, whose queue here
overflows every half second; each overflow rescans them all, so the idle
server used a full core, where a reader's checks its files once a second
(Werkzeug's "stat" reloader). `guide.processes.reader_env` puts this folder
first on the reader's path, so Werkzeug falls back as it does on their machine.
"""

raise ImportError("watchdog is not in a reader's environment (guide/absent: see its docstring)")
