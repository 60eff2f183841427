#!/usr/bin/env python3
"""Deterministic benchmark corpus: N policy-analysis articles, written twice.

    bench/gen_corpus.py N OUTDIR [--seed 42]

writes

    OUTDIR/lede/config.toml, OUTDIR/lede/content/articles/*.md   a lede site
    OUTDIR/hugo/hugo.toml, OUTDIR/hugo/content/articles/*.md,
    OUTDIR/hugo/layouts/...                                       the same articles as a Hugo site
    OUTDIR/manifest.json                                          counts and a few slugs the runner uses

Every article has 800-2,500 words of text drawn from a fixed vocabulary
(about 400 real words and 3,000 generated pseudo-words, Zipf-distributed,
so that no two articles repeat each other and compression or caching does
not flatter anyone), `##` headings, footnotes, block quotes, lists, tables
in about a quarter of them, emphasis and links. Cutoffs: mostly
`paywall = N` (N from 2 to 5), some `<!-- paywall -->` markers, some left to
the site default (`[paywall] free_blocks = 4`), about 10% `paywall = false`.
The same seed and N always give byte-identical output (standard library only).
"""

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
import re
import shutil
import sys

GENERATOR_VERSION = 1

FUNCTION_WORDS = (
    "the of and to in a that is for on as with by be it this are from at was "
    "which an not or have has but its their more than they will would been "
    "can could over into most also only other about after such these those "
    "there while where when between under against both each through"
).split()

REAL_WORDS = (
    "policy government minister ministry parliament coalition election voters "
    "treaty alliance security defence deterrence sanctions tariffs trade export "
    "import market markets inflation rates bank banks central currency debt "
    "deficit budget fiscal monetary growth recession recovery employment labour "
    "wages housing energy gas oil pipeline grid electricity renewables nuclear "
    "climate emissions carbon agreement negotiation negotiators summit border "
    "borders migration refugees asylum courts court judges constitution reform "
    "reforms regulation regulators competition industry industrial supply chain "
    "chains semiconductors shipping ports harbour navy army forces missile "
    "missiles drones cyber intelligence diplomacy diplomats embassy envoy "
    "foreign domestic regional federal provincial local cities rural farmers "
    "agriculture food prices subsidies taxes tax revenue spending investment "
    "investors capital bonds yields equity pension pensions health hospitals "
    "education schools universities research technology data privacy platforms "
    "infrastructure railways roads water drought floods insurance risk risks "
    "crisis crises conflict ceasefire war peace occupation strategy strategic "
    "doctrine posture readiness procurement contracts officials analysts report "
    "reports survey surveys figures estimate estimates forecast quarter annual "
    "decade history precedent legacy mandate majority minority opposition "
    "leadership leader leaders president prime cabinet committee commission "
    "council union bloc neighbours partners partnership rivals rivalry influence "
    "leverage credibility legitimacy stability instability uncertainty pressure "
    "pressures demand demands concessions compromise deadline timetable roadmap "
    "framework mechanism instrument instruments package proposal proposals vote "
    "votes ballot turnout campaign campaigns parties party candidate candidates "
    "audience public opinion media press accountability transparency corruption "
    "enforcement compliance audit audits oversight inquiry hearing testimony "
    "evidence argument arguments assumption assumptions question questions answer "
    "answers choice choices cost costs benefit benefits burden burdens share "
    "shares margin margins balance surplus capacity output productivity exports "
    "imports corridor corridors arctic baltic pacific atlantic mediterranean "
    "northern southern eastern western coastal inland frontier quietly slowly "
    "sharply broadly largely partly rarely often already still again however "
    "therefore meanwhile instead perhaps indeed arguably notably especially "
    "difficult uneasy fragile durable costly cheap expensive modest ambitious "
    "cautious decisive reluctant willing unwilling likely unlikely possible "
    "necessary sufficient familiar unfamiliar new old young long short early late "
    "first second third last next previous final initial broad narrow deep "
    "shallow strong weak open closed public private formal informal political "
    "economic military social legal technical fiscal commercial financial"
).split()

ONSETS = ["", "b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n",
          "p", "pl", "pr", "qu", "r", "s", "sh", "sk", "st", "str", "t", "th", "tr", "v", "w", "z"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "ae", "y"]
CODAS = ["", "", "", "n", "r", "s", "l", "m", "nd", "nt", "st", "rk", "x", "th", "ng"]

COLUMNS = ["Global Insights", "Markets and Money", "The Energy Desk", "Security Watch", "Capitals"]

TAGS = ["NATO", "Russia", "China", "European Union", "United States", "India", "Japan", "Middle East",
        "Africa", "Latin America", "Arctic", "Energy", "Oil", "Gas", "Climate", "Trade", "Tariffs",
        "Sanctions", "Inflation", "Central Banks", "Debt", "Elections", "Migration", "Defence",
        "Cyber", "Semiconductors", "Shipping", "Food Security", "Nuclear", "Diplomacy"]

FIRST_NAMES = ["Jane", "Tomas", "Amara", "Lukas", "Mei", "Ravi", "Sofia", "Owen", "Hana", "Diego",
               "Ingrid", "Kwame", "Nadia", "Pieter", "Yara", "Colm"]
LAST_NAMES = ["Analyst", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Haddad", "Brennan",
              "Castillo", "Varga", "Osei", "Nakamura", "Petrov", "Duarte", "Whitfield", "Achterberg"]

DATE_START = dt.date(2016, 6, 1)
DATE_END = dt.date(2026, 5, 31)   # ~10 years, all in the past: nothing is held back as scheduled


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slugify(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


class Words:
    """A Zipf-distributed vocabulary drawn from with one seeded PRNG."""

    def __init__(self, rng):
        self.rng = rng
        pseudo = set()
        real = set(FUNCTION_WORDS) | set(REAL_WORDS)
        while len(pseudo) < 3000:
            n = rng.choice((1, 2, 2, 2, 3, 3, 4))
            w = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(n)) + rng.choice(CODAS)
            if 3 <= len(w) <= 14 and w not in real:
                pseudo.add(w)
        content = sorted(set(REAL_WORDS)) + sorted(pseudo)
        rng.shuffle(content)
        # Function words take the top ranks, as in any English text.
        self.vocab = FUNCTION_WORDS + [w for w in content if w not in FUNCTION_WORDS]
        weights = [1.0 / (rank + 2.7) ** 1.02 for rank in range(len(self.vocab))]
        self.cum = list(itertools.accumulate(weights))
        self.real_content = sorted(set(REAL_WORDS))

    def take(self, k):
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=k)

    def content_words(self, k):
        """Words for titles and headings: no function words at the ends."""
        pool = self.real_content if self.rng.random() < 0.6 else self.vocab[len(FUNCTION_WORDS):]
        return [self.rng.choice(pool) for _ in range(k)]


class Article:
    def __init__(self, g, i, used_slugs):
        rng = g.rng
        self.i = i
        tw = g.words.content_words(rng.randint(3, 7))
        if rng.random() < 0.3:
            tw.insert(rng.randint(1, len(tw) - 1), rng.choice(["of", "and", "in", "after", "without", "for", "the"]))
        self.title = " ".join(w if w in ("of", "and", "in", "after", "without", "for", "the") and k else w.capitalize()
                              for k, w in enumerate(tw))
        base = slugify(self.title) or f"article-{i}"
        slug, n = base, 2
        while slug in used_slugs:
            slug, n = f"{base}-{n}", n + 1
        used_slugs.add(slug)
        self.slug = slug
        span = (DATE_END - DATE_START).days
        self.date = DATE_START + dt.timedelta(days=rng.randrange(span + 1))
        self.time = rng.random() < 0.2 and f"T{rng.randint(6, 20):02d}:{rng.choice(['00', '15', '30', '45'])}:00Z"
        self.column = COLUMNS[rng.randrange(len(COLUMNS))] if rng.random() < 0.92 else None
        self.authors = rng.sample(g.authors, 2 if rng.random() < 0.12 else 1)
        self.tags = rng.sample(TAGS, rng.randint(1, 4))
        self.teaser = g.sentence(14, 30) if rng.random() < 0.85 else None
        self.target_words = rng.randint(800, 2500)
        r = rng.random()
        if r < 0.10:
            self.paywall = "false"          # the whole article is free
        elif r < 0.22:
            self.paywall = "marker"         # `<!-- paywall -->` in the body
        elif r < 0.28:
            self.paywall = None             # the site default (free_blocks = 4)
        else:
            self.paywall = str(rng.randint(2, 5))
        self.blocks, self.footnotes, self.words = g.body(self.target_words)
        if self.paywall == "marker":
            # After the 2nd to 5th block, and only after a paragraph or a
            # heading: a marker right after a list would sit in its item.
            spots = [k for k in range(2, 6) if self.blocks[k - 1][0] in ("p", "h")]
            k = rng.choice(spots) if spots else 1
            self.blocks.insert(k, ("marker", "<!-- paywall -->"))

    def body_text(self):
        out = [text for _, text in self.blocks]
        out += [f"[^{n}]: {text}" for n, text in self.footnotes]
        return "\n\n".join(out) + "\n"

    def date_toml(self):
        return self.date.isoformat() + (self.time or "")

    def lede_file(self):
        fm = [f"title = {toml_str(self.title)}", f"date = {self.date_toml()}"]
        if self.column:
            fm.append(f"column = {toml_str(self.column)}")
        fm.append("authors = [" + ", ".join(map(toml_str, self.authors)) + "]")
        fm.append("tags = [" + ", ".join(map(toml_str, self.tags)) + "]")
        if self.teaser:
            fm.append(f"teaser = {toml_str(self.teaser)}")
        if self.paywall not in (None, "marker"):
            fm.append(f"paywall = {self.paywall}")
        return "+++\n" + "\n".join(fm) + "\n+++\n" + self.body_text()

    def hugo_file(self):
        fm = [f"title = {toml_str(self.title)}", f"date = {self.date_toml()}"]
        if self.teaser:
            fm.append(f"description = {toml_str(self.teaser)}")
        if self.column:
            fm.append(f"columns = [{toml_str(self.column)}]")
        fm.append("authors = [" + ", ".join(map(toml_str, self.authors)) + "]")
        fm.append("tags = [" + ", ".join(map(toml_str, self.tags)) + "]")
        # lede lists articles by year under /archive/<year>/: the Hugo twin gets a taxonomy for it.
        fm.append(f'years = ["{self.date.year}"]')
        if self.paywall not in (None, "marker"):
            fm.append("[params]")
            fm.append(f"paywall = {self.paywall}")
        return "+++\n" + "\n".join(fm) + "\n+++\n" + self.body_text()


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.words = Words(self.rng)
        names = [f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES]
        self.authors = sorted(self.rng.sample(names, 14))

    def sentence(self, lo=8, hi=30, inline=False):
        rng = self.rng
        ws = self.words.take(rng.randint(lo, hi))
        if inline and len(ws) > 6:
            r = rng.random()
            k = rng.randrange(1, len(ws) - 2)
            if r < 0.10:
                ws[k] = f"*{ws[k]}*"
            elif r < 0.16:
                ws[k] = f"**{ws[k]} {ws[k + 1]}**"
                del ws[k + 1]
            elif r < 0.24:
                ws[k] = f"[{ws[k]} {ws[k + 1]}](https://example.org/notes/{ws[k]}-{ws[k + 1]})"
                del ws[k + 1]
            elif r < 0.30:
                ws[k] = f'"{ws[k]} {ws[k + 1]}"'
                del ws[k + 1]
            elif r < 0.34:
                ws[k] = f"{ws[k]} -- {ws[k + 1]}"
                del ws[k + 1]
            elif r < 0.36:
                ws[k] = f"~~{ws[k]}~~"
            elif r < 0.42:
                ws[k] = f"{ws[k]}'s"
            elif r < 0.50:
                ws[k] = f"{rng.randint(2, 98)}%"
        if len(ws) > 10 and rng.random() < 0.4:
            c = rng.randrange(3, len(ws) - 3)
            ws[c] += ","
        s = " ".join(ws)
        return s[0].upper() + s[1:] + rng.choice(".....?")

    def paragraph(self, lo, hi, refs):
        """A paragraph of lo..hi words; may cite new footnotes (appended to refs)."""
        rng = self.rng
        out, n = [], 0
        target = rng.randint(lo, hi)
        while n < target:
            s = self.sentence(inline=True)
            if rng.random() < 0.06:
                refs.append(len(refs) + 1)
                s = s[:-1] + f"[^{refs[-1]}]" + s[-1]
            out.append(s)
            n += len(s.split())
        return " ".join(out), n

    def body(self, target):
        """Blocks (kind, markdown) and footnotes (n, text) of about `target` words."""
        rng = self.rng
        blocks, refs, words = [], [], 0
        since_heading = 0
        # About a quarter of the articles carry one table, somewhere in the body.
        table_at = rng.randint(3, 12) if rng.random() < 0.25 else -1
        # The lede: always a plain paragraph first (the serve benchmark edits it).
        p, n = self.paragraph(40, 90, [])
        blocks.append(("p", p))
        words += n
        while words < target:
            r = rng.random()
            if since_heading >= rng.randint(3, 6) and r < 0.5:
                level = "###" if rng.random() < 0.15 else "##"
                h = " ".join(self.words.content_words(rng.randint(2, 6))).capitalize()
                if rng.random() < 0.05:
                    h += " {#" + slugify(h)[:20] + "-" + str(len(blocks)) + "}"
                blocks.append(("h", f"{level} {h}"))
                since_heading = 0
                words += len(h.split())
                continue
            since_heading += 1
            if 0 <= table_at <= len(blocks):
                table_at = -1
                cols = rng.randint(3, 5)
                rows = rng.randint(4, 9)
                head = ["Country"] + [w.capitalize() for w in self.words.content_words(cols - 1)]
                lines = ["| " + " | ".join(head) + " |",
                         "|" + "|".join([":---"] + ["---:"] * (cols - 1)) + "|"]
                for _ in range(rows):
                    row = [self.words.content_words(1)[0].capitalize()]
                    row += [f"{rng.uniform(-20, 300):.1f}" for _ in range(cols - 1)]
                    lines.append("| " + " | ".join(row) + " |")
                n = rows * cols
                blocks.append(("table", "\n".join(lines)))
            elif r < 0.74:
                p, n = self.paragraph(45, 140, refs)
                blocks.append(("p", p))
            elif r < 0.86:
                items = [self.sentence(5, 18, inline=True) for _ in range(rng.randint(3, 6))]
                bullet = "1." if rng.random() < 0.35 else rng.choice("-*")
                text = "\n".join(f"{bullet} {it}" for it in items)
                n = sum(len(it.split()) for it in items)
                blocks.append(("list", text))
            else:
                p, n = self.paragraph(25, 80, refs)
                q = "> " + p
                if rng.random() < 0.3:
                    q += "\n>\n> -- " + rng.choice(self.authors)
                blocks.append(("quote", q))
            words += n
        notes = [(k, self.sentence(6, 24, inline=True)) for k in refs]
        return blocks, notes, words + sum(len(t.split()) for _, t in notes)


LEDE_CONFIG = """\
# Generated by bench/gen_corpus.py: a benchmark corpus, not a real publication.
title = "The Bench Brief"
base_url = "https://bench.example.org"
members_url = "https://members.bench.example.org"
description = "A generated corpus of policy analysis, for benchmarking."
language = "en"
paginate_by = 10

[paywall]
free_blocks = 4

[subscribe]
action = "https://newsletter.example.org/subscribe"
pitch = "Subscribe for instant access to every analysis in the archive."

[[subscribe.plans]]
id = "monthly"
name = "Monthly"
price = "$12 a month"
description = "Cancel any time."

[[subscribe.plans]]
id = "annual"
name = "Annual"
price = "$120 a year"
description = "Two months free."

[[subscribe.plans]]
id = "trial"
name = "Two-week trial"
price = "Free for 14 days"
description = "Then $12 a month."
"""

HUGO_CONFIG = """\
# Generated by bench/gen_corpus.py: the Hugo twin of the lede benchmark site.
baseURL = "https://bench.example.org/"
title = "The Bench Brief"

enableRobotsTXT = true
disableKinds = ["section"]

[params]
description = "A generated corpus of policy analysis, for benchmarking."

[pagination]
pagerSize = 10

[taxonomies]
column = "columns"
tag = "tags"
author = "authors"
year = "years"

[services.rss]
limit = 20

[outputs]
home = ["html", "rss"]
taxonomy = ["html"]
term = ["html", "rss"]

[markup.goldmark.extensions]
table = true
footnote = true
strikethrough = true
typographer = true

[markup.goldmark.parser.attribute]
title = true
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><a href="/columns/">Columns</a> <a href="/tags/">Topics</a> <a href="/authors/">Authors</a> <a href="/years/">Archive</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><a href="#top">Back to top</a></footer>
</body>
</html>
""",
    "_partials/card.html": """\
<article class="card">
{{ range .GetTerms "columns" }}<p class="column"><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></p>{{ end }}
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ range .GetTerms "authors" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ if ne .Params.paywall false }} <span class="mark">Subscribers</span>{{ end }}</p>
<p>{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 200 }}{{ end }}</p>
</article>
""",
    "_partials/pager.html": """\
{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav class="pager">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }} Page {{ .PageNumber }} of {{ .TotalPages }}
{{ with .Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}</nav>{{ end }}{{ end }}
""",
    "page.html": """\
{{ define "main" }}
<article>
<header>
{{ range .GetTerms "columns" }}<p class="column"><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></p>{{ end }}
<h1>{{ .Title }}</h1>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ range .GetTerms "authors" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
</header>
<nav class="toc">{{ .TableOfContents }}</nav>
<div class="body">{{ .Content }}</div>
<p class="tags">{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
{{ $p := .Paginate (where site.RegularPages "Section" "articles") }}
{{ range $p.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $p := .Paginate .Pages }}
{{ range $p.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" . }}
{{ end }}
""",
}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("outdir", help="where to write lede/, hugo/ and manifest.json (replaced)")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    if args.n < 1:
        ap.error("N must be 1 or more")

    out = os.path.abspath(args.outdir)
    tmp = out + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    g = Generator(args.seed)
    used = set()
    counts = {"false": 0, "marker": 0, "default": 0, "blocks": 0}
    words_total = tables = 0
    free_slug = None
    write(os.path.join(tmp, "lede", "config.toml"), LEDE_CONFIG)
    write(os.path.join(tmp, "hugo", "hugo.toml"), HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        write(os.path.join(tmp, "hugo", "layouts", name), text)
    for i in range(args.n):
        a = Article(g, i, used)
        write(os.path.join(tmp, "lede", "content", "articles", a.slug + ".md"), a.lede_file())
        write(os.path.join(tmp, "hugo", "content", "articles", a.slug + ".md"), a.hugo_file())
        key = {"false": "false", "marker": "marker", None: "default"}.get(a.paywall, "blocks")
        counts[key] += 1
        words_total += a.words
        tables += any(k == "table" for k, _ in a.blocks)
        if free_slug is None and a.paywall == "false":
            free_slug = a.slug
        if (i + 1) % 2000 == 0:
            print(f"  {i + 1}/{args.n} articles", file=sys.stderr)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "articles": args.n,
        "seed": args.seed,
        "words": words_total,
        "paywall": counts,
        "with_table": tables,
        "free_article": free_slug,
        "columns": len(COLUMNS),
        "tags": len(TAGS),
        "authors": len(g.authors),
    }
    write(os.path.join(tmp, "manifest.json"), json.dumps(manifest, indent=2) + "\n")
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f"wrote {args.n} articles ({words_total} words) to {out}/lede and {out}/hugo", file=sys.stderr)


if __name__ == "__main__":
    main()
