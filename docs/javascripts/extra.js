// Accessibility fixes to markup that Material's JavaScript creates after the
// page loads, so no template can reach it. Checked by axe-core in
// tests/test_browser.py on every page.
document$.subscribe(() => {
  // Material wraps each table in a box that scrolls sideways when the table is
  // wider than the page, but only a pointer can scroll it: a keyboard reaches
  // a scrolling box only if the box can take focus (WCAG 2.1.1). Material
  // does this for code blocks itself. The box joins the tab order only while
  // it scrolls, so a table that fits adds no tab stop.
  const focusable = box => {
    if (box.scrollWidth > box.clientWidth) box.tabIndex = 0
    else box.removeAttribute("tabindex")
  }
  const resized = new ResizeObserver(entries => entries.forEach(e => focusable(e.target)))
  for (const box of document.querySelectorAll(".md-typeset__scrollwrap")) {
    focusable(box)
    resized.observe(box)
  }

  // Each code block's copy button sits in a <nav> of its own: 92 unnamed
  // navigation landmarks on the Compare page, which a screen reader lists
  // next to the real navigation. A copy button is not navigation.
  for (const nav of document.querySelectorAll(".md-code__nav")) {
    nav.setAttribute("role", "none")
  }

  // The current page's table of contents appears twice: inside the site
  // navigation (shown on narrow screens) and in the right-hand sidebar. Two
  // landmarks with one name cannot be told apart in a screen reader's list:
  // the one inside the navigation gets a name of its own.
  for (const toc of document.querySelectorAll(".md-nav--primary .md-nav--secondary[aria-label]")) {
    const name = toc.getAttribute("aria-label")
    if (!name.endsWith(" in the navigation")) toc.setAttribute("aria-label", `${name} in the navigation`)
  }
})
