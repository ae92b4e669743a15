// The one rule for "may the page follow this link": a link taken from input (a query string, an
// imported file) is followed only if it stays on this site, over http or https. The text is read by
// the browser's own URL parser, so it sees what a click would see: leading and trailing control
// characters and spaces dropped, tabs and newlines removed anywhere, backslashes read as slashes,
// "//host" as another host. Checking the raw text instead let "\tjavascript:" and "\\evil" through.

/**
 * The normalised address of `input` if following it keeps the reader on this site, else null.
 * `base` resolves relative links (default: this page); `within`, when given, is the site's root:
 * the link must also stay under it (two handbooks on one host are two sites).
 */
export function safeLink(input, base = location.href, within = null) {
  if (typeof input !== "string" || input === "") return null;
  let url;
  let home;
  try {
    url = new URL(input, base);
    home = new URL(within || base);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.origin !== home.origin) return null;
  if (within && !url.pathname.startsWith(home.pathname)) return null;
  return url.href;
}
