"""The engine of *Python Web Frameworks, Verified*.

The guide's pages show code, commands and URLs; this package is what makes
them true. It reads the data a page is made of (`snippets/*/walkthroughs.yml`
and the framework registry), renders it into the pages (a Python-Markdown
extension that MkDocs and Zensical both run), and does what a reader does
with it (imports each snippet into its framework's test client, or types the
page's commands in an empty folder and opens its URLs over real HTTP).

Tests, the site build, `bench/` and `scripts/` import it like any installed
package; `make` installs it into the virtual environment in editable mode.
"""
