"""What the Django page (docs/django.md) claims beyond "each URL answers as shown".

The page promises that, after its walkthrough, the admin lets you log in with
the account `createsuperuser` made and create, list, edit and delete posts; that
the model limits titles to 200 characters and dates each post by itself; that
the generated settings run in debug mode; and that the ORM and the admin bring
the protections the page names. (That the article's steps, followed literally
with the article's own files, leave the model out is proven in
tests/test_article.py.) Each of those is checked here: the admin round trip twice, through Django's test client and over real
HTTP against `python manage.py runserver` in the reader's folder, with the
credentials the page's `createsuperuser` answers give.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from bs4 import BeautifulSoup

from guide import django_project, registry
from guide.checks import where
from guide.clients import loopback_client
from guide.live import LiveServers
from guide.paths import ROOT
from guide.processes import Server
from guide.render.release_lines import checklist
from guide.walkthroughs import walkthrough

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
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    """Response headers, names in lower case."""

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
        headers = {k.lower(): v for k, v in r.headers.items()}
        return Page(r.status_code, r.request["PATH_INFO"], r.content.decode(), headers)

    def get(self, path: str) -> Page:
        return self._page(self.client.get(path, follow=True))

    def post(self, path: str, data: dict[str, str]) -> Page:
        return self._page(self.client.post(path, data, follow=True))


class HttpBrowser:
    """Real HTTP with a cookie jar, following redirects."""

    def __init__(self, base_url: str) -> None:
        self.client = loopback_client(base_url, follow_redirects=True)

    def _page(self, r: Any) -> Page:
        return Page(r.status_code, r.url.path, r.text, {k.lower(): v for k, v in r.headers.items()})

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
    """The browser is on `path` with status 200 and sees every one of `texts`;
    the page forbids being shown in a frame (`X-Frame-Options: DENY`, Django's
    clickjacking protection), as every admin page does."""
    problems = []
    if page.status != 200:
        problems.append(f"status {page.status}")
    if page.headers.get("x-frame-options") != "DENY":
        problems.append(f"X-Frame-Options {page.headers.get('x-frame-options')!r}, not 'DENY'")
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


HOSTILE = "x'); DROP TABLE posts_post; --"
"""A title written to end Django's SQL and start a statement of its own."""


def test_orm_sends_values_as_query_parameters(django_db: None) -> None:
    """SQL injection, as the page says Django prevents it: every statement the
    ORM hands the database driver to store or find a post carries the title
    as a parameter, never inside the SQL text; the title is stored verbatim
    and the table is still there."""
    from django.db import connection
    from posts.models import Post

    sent: list[tuple[str, Any]] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        Post.objects.create(title=HOSTILE, content="c")
        found = Post.objects.get(title=HOSTILE)
    context = f"{W.page_file} ({MODELS.relative_to(ROOT)}) [in-process]"
    assert found.title == HOSTILE, f"{context}: stored {found.title!r}"
    assert len(sent) == 2 and all(HOSTILE not in sql and HOSTILE in params for sql, params in sent), (
        f"{context}: the driver received {sent}"
    )
    assert "posts_post" in connection.introspection.table_names(), f"{context}: the table is gone"


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
@pytest.mark.parametrize("ref", [f"{W.id}.{SERVE.id}"])
def test_admin_round_trip_as_reader(ref: str, live: LiveServers) -> None:
    """The whole walkthrough typed in an empty folder; then, on the running
    `manage.py runserver`, log in with the answers given to `createsuperuser`
    and add, list, edit and delete a post over real HTTP. A wrong address shows
    Django's debug page, because the generated settings keep DEBUG = True. And
    what the installed release line prints and writes is what the page's box
    says for that line."""
    server = live.server(ref)
    context = where(W, SERVE) + " [as the reader runs it]"
    browser = HttpBrowser(server.base_url)
    try:
        admin_round_trip(browser, context)
        missing = browser.get("/no-such-page/")
    finally:
        browser.close()
    # Each entry starts with its pattern; Django 6.1 adds the namespace after it.
    patterns = [c.get_text().split()[0] for c in missing.soup.select("#info ol li code")]
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
    check_line_differences(server, project, context)


# --------------------------------------------------------------------------
# Django's release lines: which one pip gives on which Python, and what differs
# --------------------------------------------------------------------------

DJANGO = registry.framework("django")
LINES = DJANGO.lines["releases"]
DATA = "guide/frameworks.yml (django.lines)"


def installed_line() -> tuple[str, dict[str, Any]]:
    """The release line of the Django installed here, and what the registry says of it."""
    import django

    line = f"{django.VERSION[0]}.{django.VERSION[1]}"
    assert line in LINES, (
        f"{W.page_file}: Django {django.__version__} is installed, but {DATA} describes only "
        f"{', '.join(LINES)}: check the walkthrough with {line} and add what differs"
    )
    return line, LINES[line]


def test_installed_line_is_what_pip_gives_here() -> None:
    """The Django these checks run is the line `pip install Django` gives on this
    Python, with the Requires-Python the registry says: a run on each supported
    Python verifies the page on the line its readers get."""
    import platform
    from importlib.metadata import metadata

    line, data = installed_line()
    requires = metadata("django")["Requires-Python"]
    assert requires == data["python"], f"{DATA}: Django {line} runs on Python {data['python']}; it says {requires}"
    python = platform.python_version()
    assert registry.line_for(DJANGO, python) == line, (
        f"{W.page_file}: a reader on Python {python} gets Django {registry.line_for(DJANGO, python)}, "
        f"but these checks run Django {line}"
    )


def test_default_primary_key_type() -> None:
    """Django's own DEFAULT_AUTO_FIELD is the one the registry says for this line."""
    from django.conf import global_settings

    line, data = installed_line()
    assert global_settings.DEFAULT_AUTO_FIELD == data["default_auto_field"], (
        f"{DATA}: Django {line}'s default primary key is {global_settings.DEFAULT_AUTO_FIELD}"
    )


def test_the_page_shows_the_lines() -> None:
    """The Django page renders the box of release lines, and links Django's
    documentation only for the lines the registry describes."""
    page = (ROOT / W.page_file).read_text()
    assert '\n{{ release_lines("django") }}\n' in page, f'{W.page_file} lacks {{{{ release_lines("django") }}}}'
    linked = set(re.findall(r"docs\.djangoproject\.com/en/([\d.]+)/", page))
    assert linked <= set(LINES), f"{W.page_file} links Django docs for {sorted(linked - set(LINES))}"


def class_values(path: Path) -> dict[str, Any]:
    """The literal assignments in the body of a generated file's first class."""
    cls = next(n for n in ast.parse(path.read_text()).body if isinstance(n, ast.ClassDef))
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in cls.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }


def check_line_differences(server: Server, project: Path, context: str) -> None:
    """What the installed line prints and writes is what the registry, and so
    the page's box, says for that line."""
    line, data = installed_line()
    context = f"{context} [Django {line}, {DATA}]"
    announced = f"{data['runserver']} http://127.0.0.1:{SERVE.port}/"
    assert announced in server.output.splitlines(), f"{context}: runserver did not print {announced!r}"
    found = {
        "settings.py": (settings_values(project / "myblog" / "settings.py"), data["settings"]),
        "posts/apps.py": (class_values(project / "posts" / "apps.py"), data["app_config"]),
    }
    for name, (values, expected) in found.items():
        for key, value in expected.items():
            assert values.get(key) == value, f"{context}: {name} has {key} = {values.get(key)!r}, not {value!r}"
    assert checklist(line) in (project / "myblog" / "settings.py").read_text(), (
        f"{context}: the generated settings do not link {checklist(line)}"
    )
    migration = (project / "posts" / "migrations" / "0001_initial.py").read_text()
    id_type = data["settings"].get("DEFAULT_AUTO_FIELD") or data["default_auto_field"]
    assert f"models.{id_type.rpartition('.')[2]}(" in migration, f"{context}: the post's id is no {id_type}"
