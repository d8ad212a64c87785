"""Django in-process: one configured project for every Django example.

Django's settings are global to a process, and the test process holds more
than one Django example. So the in-process layer configures Django once, as
the Django page's walkthrough leaves the reader's project: the `posts` app
imported from the snippet folder, the `INSTALLED_APPS` the page tells the
reader to write, the rest as `startproject` generates it, and SQLite in
memory. Its URLconf is `guide.django_urls`. A single-file Django app (the
Compare page's) runs under its own `settings.configure(...)` values, applied
around each request by `own_settings`.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from guide.imports import import_folder
from guide.walkthroughs import walkthrough

BLOG = "django.blog"
"""The walkthrough whose project the in-process layer sets up."""


def setup() -> None:
    """Configure Django in this process from the Django page's snippets (once)."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    w = walkthrough(BLOG)
    edit = next(s for s in w.steps if s.edit)
    assert edit.edit
    source = w.source / edit.edit
    project = source.parent.parent
    import_folder(project / "posts", "posts")  # the reader's app, as manage.py finds it beside itself
    fragment: dict[str, Any] = {}
    exec(compile(source.read_text(), str(source), "exec"), fragment)  # noqa: S102 - our snippet
    settings.configure(
        DEBUG=False,
        SECRET_KEY="in-process-tests-only",
        ALLOWED_HOSTS=["testserver", "localhost"],
        INSTALLED_APPS=fragment["INSTALLED_APPS"],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        ROOT_URLCONF="guide.django_urls",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        MIGRATION_MODULES={"posts": None},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        STATIC_URL="static/",
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def own_settings(module: Any) -> dict[str, Any]:
    """The literal keyword arguments a single-file app passes to
    `settings.configure(...)` (`__name__` read as the module's name)."""
    found: dict[str, Any] = {}
    for node in ast.walk(ast.parse(Path(module.__file__).read_text())):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "settings.configure":
            for kw in node.keywords:
                is_name = isinstance(kw.value, ast.Name) and kw.value.id == "__name__"
                found[str(kw.arg)] = module.__name__ if is_name else ast.literal_eval(kw.value)
    return found
