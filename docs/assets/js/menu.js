// Phone menu: open the drawer at the reader's own section, not at the top level.
// Material marks the sections on the way to the current page with .md-nav__item--active; checking their
// toggles slides the drawer into them, so the pages next to this one are one tap away (and a section's
// other pages are reachable without reloading its index page). Delegated on the document because instant
// navigation replaces the drawer with each page.
document.addEventListener("change", (event) => {
  const drawer = event.target;
  if (!(drawer instanceof HTMLInputElement) || drawer.id !== "__drawer" || !drawer.checked) return;
  const active = document.querySelectorAll(".md-nav--primary .md-nav__item--active.md-nav__item--nested > input.md-nav__toggle");
  active.forEach((toggle) => {
    toggle.checked = true;
  });
});
