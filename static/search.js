// The search page: asks this tree's Pagefind index (on this host, loaded
// on the first search) and shows the results as the listings' cards.
// Every value is written as text, never as HTML.

const form = document.querySelector(".search-form");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
// The tree's indexes, newest first: the members tree has one a year.
// Relative to this page, as the index's links are, so it works wherever the tree is served.
const bundles = form.dataset.bundles.split(" ").filter(Boolean).map((b) => new URL(b, document.baseURI).href);
// The tree's root (this page is its `search/`): the index's links are paths within the tree.
const root = new URL("../", document.baseURI);
const shown = 10;

let engine;
let pending = [];

/** The index, imported once, with the other years' merged in. */
async function pagefind() {
  if (!engine) {
    const [first, ...others] = bundles;
    const loaded = await import(`${first}pagefind.js`);
    // On this thread: a worker would be one more download before the first result.
    await loaded.options({ basePath: first, baseUrl: root.pathname, noWorker: true });
    for (const other of others) await loaded.mergeIndex(other, { baseUrl: root.pathname, noWorker: true });
    engine = loaded;
  }
  return engine;
}

/** An element with a class and text. */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One result as a card: column, title, teaser, date and the subscribers mark. */
function card(result) {
  const meta = result.meta;
  const article = el("article", "card");
  if (meta.column) {
    const kicker = el("p", "kicker");
    const link = el("a", "", meta.column);
    link.href = new URL(meta.column_url.replace(/^\//, ""), root).href;
    kicker.append(link);
    article.append(kicker);
  }
  const title = el("h2", "card-title");
  const link = el("a", "", meta.title);
  link.href = result.url;
  title.append(link);
  article.append(title);
  if (meta.teaser) article.append(el("p", "card-teaser", meta.teaser));
  const line = el("p", "card-meta");
  const time = el("time", "", meta.date);
  time.dateTime = meta.datetime;
  line.append(time);
  if (meta.subscribers) {
    line.append(" ");
    const badge = el("span", "badge", "Subscribers");
    badge.title = "The full analysis is for subscribers";
    line.append(badge);
  }
  article.append(line);
  return article;
}

/** Shows the next results of the current search. */
async function more() {
  const next = pending.splice(0, shown);
  const data = await Promise.all(next.map((r) => r.data()));
  list.querySelector(".search-more")?.remove();
  list.append(...data.map(card));
  if (pending.length > 0) {
    const button = el("button", "search-more", "More results");
    button.type = "button";
    button.addEventListener("click", more);
    list.append(button);
  }
}

/** The form's query and filters. */
function query() {
  const data = new FormData(form);
  const filters = {};
  for (const name of ["column", "year"]) {
    const value = data.get(name);
    if (value) filters[name] = value;
  }
  return { text: (data.get("q") || "").trim(), filters };
}

/** Runs the form's search; `remember` puts it in the address, so it can be linked. */
async function run(remember) {
  const { text, filters } = query();
  if (remember) {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params]) if (!value) params.delete(key);
    history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
  }
  if (!text && Object.keys(filters).length === 0) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  if (bundles.length === 0) {
    status.textContent = "No articles found.";
    return;
  }
  try {
    const index = await pagefind();
    // Without words, the filters alone list their articles, newest first (the index's order).
    const search = await index.search(text || null, { filters });
    if (search === null) return; // Superseded by a newer search.
    pending = search.results.slice();
    list.replaceChildren();
    const n = pending.length;
    const what = text ? ` for “${text}”` : "";
    status.textContent = n === 0 ? `No articles found${what}.` : `${n} article${n === 1 ? "" : "s"} found${what}.`;
    await more();
  } catch (error) {
    status.textContent = "Search could not load its index. Please reload the page.";
    console.error(error);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(true);
});
for (const select of form.querySelectorAll("select")) {
  select.addEventListener("change", () => run(true));
}

// A search in the address (`/search/?q=…`) runs when the page opens.
const params = new URLSearchParams(location.search);
for (const [key, value] of params) {
  const field = form.elements.namedItem(key);
  if (field) field.value = value;
}
if (params.size) run(false);
