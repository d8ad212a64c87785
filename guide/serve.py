"""`make serve`: the live-reloading preview, rebuilding only the page an edit changed.

`mkdocs serve` rebuilds the whole site on every edit: it loads the config again,
compiles every theme template again, converts every page and indexes every page
for search, about 1.5 s here, and only then does the browser reload. An author
who edits one snippet waits for every page. This is the same server (MkDocs'
`LiveReloadServer`, the same browser script, the same watched paths) with a
builder that does less:

- it expands each page's markers and includes (two Markdown preprocessors,
  about 0.06 s for all the pages) and rebuilds just the one page whose
  expanded text changed, with MkDocs' own dirty build (about 0.1 s);
- it compiles each theme template once per source text (an in-memory Jinja
  bytecode cache), in every build;
- it rebuilds everything, exactly as `mkdocs serve` does, after any edit that is
  not a page or what pages include (`mkdocs.yml`, the engine, the registry, a
  stylesheet), when a page is added or removed, when more than one page or the
  home page changed, and after a build that failed.

The engine's own code is imported once, as in `mkdocs serve`: after editing a
module in `guide/`, stop the server and start it again.

tests/test_serve.py runs it as `make serve` does and checks that a page rebuilt
on its own is the page the whole build makes.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import markdown
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer, _serve_url

from guide.pages import built, pages
from guide.paths import BENCH, DOCS, ROOT, SNIPPETS

log = logging.getLogger("mkdocs.guide.serve")

POLL = 0.1
"""Seconds between two looks at the watched files (`mkdocs serve`: 0.5)."""


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the server. Jinja keys
    each on its name and checks the source's checksum, so an edited template is
    compiled again."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class _NotTheDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave other pages' navigation stale,
    and strict mode counts the warning as a failure. Only pages whose
    navigation is the same are ever left unbuilt here (test_serve checks), so
    the warning is dropped, and only that one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "A 'dirty' build is being performed" not in record.getMessage()


def expanded(config: MkDocsConfig, page: Path) -> str:
    """A page's text after its markers and includes are expanded (the guide's
    preprocessor, then pymdownx.snippets'): what the rest of the Markdown
    pipeline turns into the page, from nothing else."""
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    lines = page.read_text(encoding="utf-8").split("\n")
    for preprocessor in list(md.preprocessors)[: md.preprocessors.get_index_for_name("snippet") + 1]:
        lines = preprocessor.run(lines)
    return "\n".join(lines)


def fingerprints(config: MkDocsConfig) -> dict[Path, str]:
    """A hash of every page's expanded text."""
    return {page: hashlib.sha256(expanded(config, page).encode()).hexdigest() for page in pages()}


def files_under(paths: list[Path]) -> dict[Path, int]:
    """Every watched file and its modification time."""
    found = {}
    for path in paths:
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts:
                found[file] = file.stat().st_mtime_ns
    return found


def page_sources(changed: set[Path]) -> bool:
    """True if every changed file is a page or something pages include: the
    edits whose effect a page's expanded text shows."""
    return all(
        (file.parent == DOCS and file.suffix == ".md") or file.is_relative_to(SNIPPETS) or file.is_relative_to(BENCH)
        for file in changed
    )


def one_page(before: dict[Path, str] | None, after: dict[Path, str] | None) -> list[Path] | None:
    """From the pages' fingerprints before and after an edit: `[page]` if one
    page changed, `[]` if none did, None if the whole site must be built."""
    if before is None or after is None or before.keys() != after.keys():
        return None  # a page failed, or was added or removed: the navigation changed
    edited = [page for page in after if after[page] != before[page]]
    if len(edited) > 1 or (edited and edited[0].stem == "index"):
        return None  # Material's search index takes one page's new entries, and not the home page's
    return edited


class Builder:
    """Builds the site into `site_dir` for the server: the whole site, or one page."""

    def __init__(self, config_file: str | None, site_dir: str, dev_addr: str | None) -> None:
        self.config_file, self.site_dir, self.dev_addr = config_file, site_dir, dev_addr
        self.compiled = _Compiled()
        self.serve_url = ""
        config = self.load()
        host, port = config.dev_addr
        self.host, self.port = host, port
        self.mount_path = urlsplit(config.site_url or "/").path
        self.serve_url = _serve_url(host, port, self.mount_path)
        self.watched = [Path(config.docs_dir), Path(config.config_file_path), *map(Path, config.watch)]
        self.files: dict[Path, int] = {}
        self.prints: dict[Path, str] | None = None
        self.built = False
        """Whether the last build succeeded (then the site holds every page)."""
        logging.getLogger("mkdocs.commands.build").addFilter(_NotTheDirtyWarning())

    def load(self) -> MkDocsConfig:
        """The config, fresh: every build starts from one, as in `mkdocs serve`
        (plugins add to it while they build)."""
        options: dict[str, Any] = {"site_dir": self.site_dir}
        if self.dev_addr:
            options["dev_addr"] = self.dev_addr
        config = load_config(config_file=self.config_file, **options)
        config.plugins.on_startup(command="serve", dirty=True)
        if self.serve_url:
            config.site_url = self.serve_url
        get_env = config.theme.get_env

        def cached_env() -> jinja2.Environment:
            env = get_env()
            env.bytecode_cache = self.compiled
            return env

        config.theme.get_env = cached_env  # type: ignore[method-assign]
        return config

    def __call__(self) -> None:
        """Build after the watched files changed: one page if only one page's
        expanded text changed, nothing if none did, everything otherwise."""
        files = files_under(self.watched)
        changed = {f for f in files.keys() | self.files.keys() if files.get(f) != self.files.get(f)}
        self.files = files
        config = self.load()
        last_built, self.built = self.built, False  # a failed build makes the next one whole
        try:
            prints: dict[Path, str] | None = fingerprints(config)
        except Exception:  # the whole build reports it, as the page would show it
            prints = None
        edited = one_page(self.prints, prints) if last_built and page_sources(changed) else None
        search = config.plugins["material/search"]  # one instance for the server's life
        if edited == []:
            log.info("No page changed")
        elif edited:
            # MkDocs rebuilds the page, and Material's search plugin replaces its
            # entries in the index it kept from the last build.
            self.only(edited[0])
            build(config, serve_url=self.serve_url, dirty=True)
            log.info(f"Rebuilt {edited[0].relative_to(ROOT)} alone")
        else:
            search.search_index_prev = None  # the whole index anew, as `mkdocs serve` makes it
            build(config, serve_url=self.serve_url)
        self.prints, self.built = prints, True

    def only(self, page: Path) -> None:
        """Make MkDocs' dirty build rebuild `page` and no other: it rebuilds each
        page whose source is newer than its built file. A page saved without a
        change to its expanded text builds to the same file, so it is left."""
        for other in pages():
            target = built(Path(self.site_dir), other)
            if other == page:
                target.unlink(missing_ok=True)
            elif target.is_file() and other.stat().st_mtime_ns > target.stat().st_mtime_ns:
                os.utime(target)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-f", "--config-file", help="mkdocs.yml by default")
    parser.add_argument("-a", "--dev-addr", help="IP:PORT; mkdocs.yml's dev_addr by default")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    site_dir = tempfile.mkdtemp(prefix="mkdocs_")
    try:
        builder = Builder(args.config_file, site_dir, args.dev_addr)
        server = LiveReloadServer(builder=builder, host=builder.host, port=builder.port, root=site_dir,
                                  mount_path=builder.mount_path, polling_interval=POLL)

        def error_page(code: int) -> bytes | None:
            page = Path(site_dir, f"{code}.html")
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_page
        try:
            builder()
        except Abort as error:  # as `mkdocs serve` stops: the message, no traceback
            raise SystemExit(f"Error: {error.message}") from None
        for path in builder.watched:
            server.watch(str(path))
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
