"""What the Django page (docs/django.md) claims beyond "each URL answers as shown".

The page promises that, after its walkthrough, the admin lets you log in with
the account `createsuperuser` made and create, list, edit and delete posts; that
the model limits titles to 200 characters and dates each post by itself; that
the article's steps, followed literally, leave the model out of the database;
and that the generated settings run in debug mode. Each of those is checked
here: the admin round trip twice, through Django's test client and over real
HTTP against `python manage.py runserver` in the reader's folder, with the
credentials the page's `createsuperuser` answers give.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import html
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from bs4 import BeautifulSoup

from guide import django_project
from guide.checks import where
from guide.paths import ROOT
from guide.processes import reader_env
from guide.reader import COMMAND_TIMEOUT
from guide.walkthroughs import Command, Step, walkthrough

W = walkthrough("django.blog")
SERVE = W.step("serve")
MODELS = W.source / "myblog/posts/models.py"
USERNAME, EMAIL, PASSWORD, _ = (answer for _, answer in W.step("superuser").commands[0].answers)

FIRST = ("Hello, Django", "The first post, typed into the admin.")
EDITED = ("Edited: <b>hi</b> & more", "Changed in the admin.")
CHANGELIST = "/admin/posts/post/"


# --------------------------------------------------------------------------
# One admin session, whichever way the requests travel
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Page:
    """Where the browser ended up after redirects, and what it shows."""

    status: int
    path: str
    text: str

    @property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")


class Browser(Protocol):
    def get(self, path: str) -> Page: ...

    def post(self, path: str, data: dict[str, str]) -> Page: ...


class DjangoClientBrowser:
    """Django's test client with CSRF checks on, as a browser meets them."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True, raise_request_exception=False)

    def _page(self, r: Any) -> Page:
        return Page(r.status_code, r.request["PATH_INFO"], r.content.decode())

    def get(self, path: str) -> Page:
        return self._page(self.client.get(path, follow=True))

    def post(self, path: str, data: dict[str, str]) -> Page:
        return self._page(self.client.post(path, data, follow=True))


class HttpBrowser:
    """Real HTTP with a cookie jar, following redirects."""

    def __init__(self, base_url: str) -> None:
        import httpx2

        self.client = httpx2.Client(base_url=base_url, follow_redirects=True, timeout=10)

    def _page(self, r: Any) -> Page:
        return Page(r.status_code, r.url.path, r.text)

    def get(self, path: str) -> Page:
        return self._page(self.client.get(path))

    def post(self, path: str, data: dict[str, str]) -> Page:
        return self._page(self.client.post(path, data=data))

    def close(self) -> None:
        self.client.close()


def csrf_token(page: Page, context: str) -> str:
    """The hidden CSRF token of the page's form, as a browser would send it."""
    field = page.soup.select_one("form input[name=csrfmiddlewaretoken]")
    assert field, f"{context}: {page.path} has no form with a CSRF token: {page.text[:300]!r}"
    return str(field["value"])


def expect(page: Page, path: str, texts: tuple[str, ...], context: str) -> None:
    """The browser is on `path` with status 200 and sees every one of `texts`."""
    problems = []
    if page.status != 200:
        problems.append(f"status {page.status}")
    if page.path != path:
        problems.append(f"ended on {page.path}")
    problems += [f"no {t!r} on the page" for t in texts if t not in page.text]
    if problems:
        raise AssertionError(
            f"{context}: expected {path}: " + "; ".join(problems) + f": {page.text[:500]!r}"
        )


def log_in(browser: Browser, username: str, password: str, context: str) -> Page:
    login = browser.get("/admin/")
    expect(login, "/admin/login/", ("Log in | Django site admin",), context)
    return browser.post(
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": csrf_token(login, context),
            "username": username,
            "password": password,
            "next": "/admin/",
        },
    )


def post_id(changelist: Page, title: str, context: str) -> str:
    """The id of the post whose changelist link reads `title` (its __str__)."""
    for link in changelist.soup.select("#result_list a[href]"):
        found = re.fullmatch(r"/admin/posts/post/(\d+)/change/", str(link["href"]))
        if found and link.get_text() == title:
            return found[1]
    raise AssertionError(
        f"{context}: the post list has no row titled {title!r}: {changelist.text[:800]!r}"
    )


def admin_round_trip(browser: Browser, context: str) -> str:
    """Log in, then create, list, edit and delete a post through the admin's
    own forms. Returns the id the post had."""
    home = log_in(browser, USERNAME, PASSWORD, context)
    # The admin's front page lists the Post model: the app is installed and registered.
    expect(home, "/admin/", ("Site administration", f'href="{CHANGELIST}"'), context)

    add = browser.get(CHANGELIST + "add/")
    expect(add, CHANGELIST + "add/", ("Add post",), context)
    title_field = add.soup.select_one("input[name=title]")
    assert title_field and title_field.get("maxlength") == "200", (
        f"{context}: the add form's title field is {title_field}, page says at most 200 characters"
    )
    assert add.soup.select_one("textarea[name=content]"), f"{context}: no content box"
    assert not add.soup.select("[name^=published_date]"), (
        f"{context}: the add form asks for published_date, page says it is set by itself"
    )

    token = csrf_token(add, context)
    too_long = browser.post(
        CHANGELIST + "add/",
        {"csrfmiddlewaretoken": token, "title": "x" * 201, "content": "c", "_save": "Save"},
    )
    expect(
        too_long,
        CHANGELIST + "add/",
        ("Ensure this value has at most 200 characters (it has 201).",),
        context,
    )

    added = browser.post(
        CHANGELIST + "add/",
        {"csrfmiddlewaretoken": token, "title": FIRST[0], "content": FIRST[1], "_save": "Save"},
    )
    expect(added, CHANGELIST, ("was added successfully", "1 post"), context)
    pk = post_id(added, FIRST[0], context)

    change_url = f"{CHANGELIST}{pk}/change/"
    change = browser.get(change_url)
    expect(change, change_url, ("Change post",), context)
    shown = change.soup.select_one("input[name=title]")
    assert shown and shown.get("value") == FIRST[0], f"{context}: change form shows {shown}"
    edited = browser.post(
        change_url,
        {
            "csrfmiddlewaretoken": csrf_token(change, context),
            "title": EDITED[0],
            "content": EDITED[1],
            "_save": "Save",
        },
    )
    expect(edited, CHANGELIST, ("was changed successfully", html.escape(EDITED[0])), context)
    assert EDITED[0] not in edited.text, f"{context}: the admin echoed a title unescaped"
    assert post_id(edited, EDITED[0], context) == pk
    assert FIRST[0] not in edited.text, f"{context}: the old title is still listed"

    delete_url = f"{CHANGELIST}{pk}/delete/"
    confirm = browser.get(delete_url)
    expect(confirm, delete_url, ("Are you sure you want to delete the post",), context)
    deleted = browser.post(
        delete_url, {"csrfmiddlewaretoken": csrf_token(confirm, context), "post": "yes"}
    )
    expect(deleted, CHANGELIST, ("was deleted successfully", "0 posts"), context)
    assert not deleted.soup.select("#result_list"), f"{context}: the deleted post is still listed"
    return pk


# --------------------------------------------------------------------------
# In-process: Django's test client and an in-memory database
# --------------------------------------------------------------------------


@pytest.fixture
def django_db() -> Iterator[None]:
    """Django set up from the page's snippets; whatever a test writes to the
    in-memory database is rolled back afterwards."""
    django_project.setup()
    from django.db import transaction
    from django.test import override_settings

    # A fast password hash keeps these tests quick; the reader's project uses
    # Django's default (PBKDF2), and the test over real HTTP logs in against it.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast, transaction.atomic():
        yield
        transaction.set_rollback(True)


IN_PROCESS = where(W, SERVE) + " [in-process]"


def test_settings_add_only_posts() -> None:
    """The page's INSTALLED_APPS is the one `startproject` writes with `"posts"`
    added as the last entry, and nothing else changed."""
    import django

    edit = next(s.edit for s in W.steps if s.edit)
    fragment = W.source / edit
    page_says: dict[str, Any] = {}
    # Compiled under its own file name, so coverage sees the snippet itself run.
    exec(compile(fragment.read_text(), str(fragment), "exec"), page_says)  # noqa: S102
    template = Path(django.__file__).parent / "conf/project_template/project_name/settings.py-tpl"
    generated = settings_values(template)["INSTALLED_APPS"]
    assert page_says["INSTALLED_APPS"] == [*generated, "posts"], (
        f"{W.page_file} ({fragment.relative_to(ROOT)}): INSTALLED_APPS is "
        f"{page_says['INSTALLED_APPS']}, not startproject's {generated} plus 'posts'"
    )


def test_post_model_fields(django_db: None) -> None:
    """`title` holds at most 200 characters, `content` any length of text, and
    `published_date` is filled in when a post is created; a post reads as its title."""
    from django.utils import timezone
    from posts.models import Post

    context = f"{W.page_file} ({MODELS.relative_to(ROOT)}) [in-process]"
    fields = {f.name: f for f in Post._meta.get_fields()}
    described = {
        name: (type(f).__name__, getattr(f, "max_length", None), getattr(f, "auto_now_add", None))
        for name, f in fields.items()
    }
    assert described == {
        "id": ("BigAutoField", None, None),
        "title": ("CharField", 200, None),
        "content": ("TextField", None, None),
        "published_date": ("DateTimeField", None, True),
    }, f"{context}: the fields are {described}"

    before = timezone.now()
    post = Post.objects.create(title=FIRST[0], content=FIRST[1])
    after = timezone.now()
    post.refresh_from_db()
    assert post.published_date and before <= post.published_date <= after, (
        f"{context}: published_date is {post.published_date}, not the moment the post was "
        f"created (between {before} and {after})"
    )
    assert str(post) == FIRST[0], f"{context}: str(post) is {str(post)!r}, not its title"


def test_admin_needs_an_account(django_db: None) -> None:
    """A fresh database has no user at all, so the admin refuses every login
    until `createsuperuser` makes one (the step the article leaves out)."""
    from django.contrib.auth.models import User

    assert not User.objects.exists(), f"{IN_PROCESS}: migrate created a user"
    refused = log_in(DjangoClientBrowser(), USERNAME, PASSWORD, IN_PROCESS)
    expect(
        refused,
        "/admin/login/",
        ("Please enter the correct username and password for a staff account.",),
        IN_PROCESS,
    )


def test_forms_need_their_csrf_token(django_db: None) -> None:
    """A login posted without the token the form carries is refused with 403,
    even with the right password: the CSRF protection the page names."""
    from django.contrib.auth.models import User

    User.objects.create_superuser(USERNAME, EMAIL, PASSWORD)
    browser = DjangoClientBrowser()
    browser.get("/admin/login/")
    forged = browser.post(
        "/admin/login/?next=/admin/",
        {"username": USERNAME, "password": PASSWORD, "next": "/admin/"},
    )
    assert forged.status == 403 and "CSRF verification failed" in forged.text, (
        f"{IN_PROCESS}: a login without its CSRF token got {forged.status}: {forged.text[:300]!r}"
    )


def test_admin_round_trip_in_process(django_db: None) -> None:
    """With the page's superuser, the admin's forms add, list, edit and delete
    a post, and the database follows along."""
    from django.contrib.auth.models import User
    from posts.models import Post

    User.objects.create_superuser(USERNAME, EMAIL, PASSWORD)
    pk = admin_round_trip(DjangoClientBrowser(), IN_PROCESS)
    assert not Post.objects.filter(pk=pk).exists(), f"{IN_PROCESS}: post {pk} is still stored"


# --------------------------------------------------------------------------
# As the reader runs it
# --------------------------------------------------------------------------


def settings_values(path: Path) -> dict[str, Any]:
    """The literal top-level assignments of a generated settings file."""
    values = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            with contextlib.suppress(ValueError):
                values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


@pytest.mark.server
def test_admin_round_trip_as_reader(reader) -> None:
    """The whole walkthrough typed in an empty folder; then, on the running
    `manage.py runserver`, log in with the answers given to `createsuperuser`
    and add, list, edit and delete a post over real HTTP. A wrong address shows
    Django's debug page, because the generated settings keep DEBUG = True."""
    served = 0
    for step, server in reader(W).follow():
        served += 1
        context = where(W, step) + " [as the reader runs it]"
        browser = HttpBrowser(server.base_url)
        try:
            admin_round_trip(browser, context)
            missing = browser.get("/no-such-page/")
        finally:
            browser.close()
        patterns = [c.get_text().strip() for c in missing.soup.select("#info ol li code")]
        assert (
            missing.status == 404
            and "you have <code>DEBUG = True</code>" in missing.text
            and patterns == ["admin/"]
        ), (
            f"{context}: the page says DEBUG is on and a 404 lists the URL patterns, but "
            f"/no-such-page/ got {missing.status}, patterns {patterns}: {missing.text[:300]!r}"
        )
        project = server.cwd
        generated = settings_values(project / "myblog" / "settings.py")
        assert (
            generated["DEBUG"] is True
            and generated["ALLOWED_HOSTS"] == []
            and generated["SECRET_KEY"].startswith("django-insecure-")
        ), f"{context}: the page says startproject writes development settings: {generated}"
        assert (project / "db.sqlite3").is_file(), f"{context}: no db.sqlite3 beside manage.py"
    assert served == 1, f"{W.page_file}: expected one server in {W.id}, got {served}"


def test_article_steps_leave_the_model_out(reader) -> None:
    """Followed literally (no `posts` in INSTALLED_APPS), `makemigrations`
    finds nothing to do and the admin registers no Post; with the app label
    the page uses, the same mistake stops with a clear error instead."""
    create = W.step("create")
    models_step = next(s for s in W.steps if s.copy == "myblog/posts/models.py")
    admin_step = next(s for s in W.steps if s.copy == "myblog/posts/admin.py")
    literal = dataclasses.replace(
        W,
        steps=(
            create,
            models_step,
            admin_step,
            Step(
                "article-makemigrations",
                commands=(
                    Command(
                        "python manage.py makemigrations", output=("No changes detected",)
                    ),
                ),
            ),
        ),
    )
    r = reader(literal)
    assert list(r.follow()) == []
    context = where(W, W.step("migrate")) + " [the article's steps, literally]"

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["python", "manage.py", *args],
            check=False,
            cwd=r.cwd,
            env=reader_env(),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )

    labelled = manage("makemigrations", "posts")
    assert labelled.returncode != 0 and "No installed app with label 'posts'." in labelled.stderr, (
        f"{context}: without posts in INSTALLED_APPS, `makemigrations posts` exited "
        f"{labelled.returncode}: {labelled.stdout}{labelled.stderr}"
    )
    registered = "print(sorted(m._meta.label for m in admin.site._registry))"
    shown = manage("shell", "-c", f"from django.contrib import admin; {registered}")
    assert shown.returncode == 0 and "auth.User" in shown.stdout, f"{context}: {shown}"
    assert "posts" not in shown.stdout, (
        f"{context}: without posts in INSTALLED_APPS the admin still lists {shown.stdout}"
    )
