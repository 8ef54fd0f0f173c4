"""The HTML page of a report: a string.Template and its inline style sheet.

The page needs nothing outside itself: images are data URIs, the style is inline, there is
no script, and the Content-Security-Policy forbids any fetch or script even if one slipped in.
"""

from string import Template

CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="$csp">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="actlab $version">
<title>$title</title>
<style>
$css
</style>
</head>
<body>
<header>
<h1>$title</h1>
<p class="subtitle">$subtitle</p>
<nav>$nav</nav>
</header>
<main>
$body
</main>
<footer><p>Made by actlab $version. Self-contained: open it offline, mail it, print it.</p></footer>
</body>
</html>
""")

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 1.5rem 2rem 3rem; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial,
  sans-serif; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem;
  margin-top: 2.2rem; }
.subtitle, footer, .caption, figcaption { color: var(--muted); }
nav a { margin-right: 1rem; color: #0969da; text-decoration: none; }
a { color: #0969da; }
table { border-collapse: collapse; margin: .5rem 0; font-variant-numeric: tabular-nums;
  display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }
table.numbers td:not(:last-child), table.numbers th { white-space: nowrap; }
table.numbers td:last-child { min-width: 11rem; }
th { background: var(--band); }
tbody tr:nth-child(even) { background: #fbfcfd; }
code { font: .85em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: var(--band); padding: .1rem .3rem; border-radius: 4px; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.caption { font-size: .9rem; margin-top: .2rem; }
tr.verdict-better td:last-child { color: #1a7f37; font-weight: 600; }
tr.verdict-worse td:last-child { color: #cf222e; font-weight: 600; }
tr.verdict-baseline td:last-child { font-weight: 600; }
figure { margin: 1.5rem 0; padding: 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { font-size: .9rem; margin-top: .3rem; max-width: 60rem; }
p.note { margin: .3rem 0; }
p.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: .4rem .7rem; }
@media print { body { max-width: none; padding: 0; } nav { display: none; }
  figure { break-inside: avoid; } }
"""
