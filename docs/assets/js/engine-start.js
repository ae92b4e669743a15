// Started from the head of a page that needs the Python engine (overrides/main.html), before the
// stylesheets: a file, not an inline script, because the Content-Security-Policy allows no inline script.
import { start } from "./engine.js";

start();
