#!/usr/bin/env bash
# Render docs/markdown-sample.md (the merge-request comment of a sample
# plan) the way a forge shows it, and take a screenshot of it, so a person
# can check how a plan comment reads.
#
#   scripts/render-markdown-sample.sh [OUT_DIR]
#
# Writes OUT_DIR/markdown-sample.html (default: target/markdown-sample) and,
# when Chromium is installed, docs/markdown-sample.png. Needs python3 with
# the `markdown` package (pip install markdown); Chromium, ImageMagick and
# pngquant from apt (`apt-get install chromium imagemagick pngquant`), and
# for the topology diagram Mermaid from npm, installed outside the
# repository (`cd /tmp/mm && npm install mermaid`; pass
# MERMAID_JS=/tmp/mm/node_modules/mermaid/dist/mermaid.min.js); without it
# the diagram shows as its source text. Regenerate the Markdown first if the
# renderer changed:
#
#   CDA_UPDATE_DOCS=1 cargo test -p plan --test markdown_sample
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/markdown-sample}
mkdir -p "$out"
html=$out/markdown-sample.html

python3 - "$root/docs/markdown-sample.md" "$html" "${MERMAID_JS:-}" <<'PY'
import html
import re
import sys

import markdown

src, dst, mermaid_js = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(src, encoding="utf-8").read()

# Forges colour ```diff blocks by the first column; python-markdown does
# not, so mark up the lines here: + green, - red, ! orange, # grey.
def colour_diff(match):
    body = html.unescape(match.group(1))
    cls = {"+": "add", "-": "del", "!": "chg", "#": "com"}
    lines = []
    for line in body.split("\n"):
        c = cls.get(line[:1], "")
        esc = html.escape(line)
        lines.append(f'<span class="{c}">{esc}</span>' if c else esc)
    return '<pre class="diff"><code>' + "\n".join(lines) + "</code></pre>"

# md_in_html renders Markdown inside <details> the way GitHub does.
body = markdown.markdown(
    text, extensions=["tables", "fenced_code", "md_in_html"], output_format="html5"
)
body = re.sub(
    r'<pre><code class="language-diff">(.*?)</code></pre>', colour_diff, body, flags=re.S
)
# Forges draw ```mermaid blocks; mermaid.js does here, from <pre class="mermaid">.
body = re.sub(
    r'<pre><code class="language-mermaid">(.*?)</code></pre>',
    lambda m: '<pre class="mermaid">' + m.group(1) + "</pre>",
    body,
    flags=re.S,
)
scripts = ""
if mermaid_js:
    scripts = (
        f'<script src="file://{html.escape(mermaid_js)}"></script>'
        "<script>mermaid.initialize({startOnLoad: true, theme: 'default'});</script>"
    )
# Show collapsed sections open, as a reviewer clicking them would see them.
body = body.replace("<details>", "<details open>")

page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>cda plan comment</title>
<style>
body {{ font: 14px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       color: #1f2328; max-width: 920px; margin: 16px auto; padding: 0 16px; }}
.comment {{ border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 16px; }}
table {{ border-collapse: collapse; margin: 8px 0; }}
th, td {{ border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; }}
th {{ background: #f6f8fa; }}
code {{ font: 12px "DejaVu Sans Mono", monospace; background: #eff1f3;
        padding: 1px 4px; border-radius: 4px; }}
pre {{ background: #f6f8fa; padding: 10px; border-radius: 6px; overflow: auto; }}
pre code {{ background: none; padding: 0; }}
.add {{ color: #116329; background: #dafbe1; }}
.del {{ color: #82071e; background: #ffebe9; }}
.chg {{ color: #953800; background: #fff1e5; }}
.com {{ color: #6e7781; }}
summary {{ cursor: pointer; font-weight: 600; }}
pre.mermaid {{ background: none; text-align: center; }}
</style></head>
<body><div class="comment">
{body}
</div>{scripts}</body></html>
"""
open(dst, "w", encoding="utf-8").write(page)
PY
echo "wrote $html"

chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
  echo "no Chromium: skipping the screenshot (apt-get install chromium)"
  exit 0
fi
png=$root/docs/markdown-sample.png
"$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --hide-scrollbars --window-size=960,"${SAMPLE_HEIGHT:-4000}" \
  --allow-file-access-from-files --virtual-time-budget=15000 \
  --screenshot="$out/full.png" "file://$html" 2> "$out/chromium.log"
# Trim the empty page below the comment, then keep the committed picture
# small: a 64-colour palette is plenty for text on a white page.
if convert -version 2> /dev/null | grep -q ImageMagick; then
  convert "$out/full.png" -trim +repage -bordercolor white -border 12 "$out/trimmed.png"
else
  cp "$out/full.png" "$out/trimmed.png"
fi
if command -v pngquant > /dev/null; then
  pngquant --force --strip --speed 1 64 --output "$png" "$out/trimmed.png"
else
  cp "$out/trimmed.png" "$png"
fi
echo "wrote $png ($(wc -c < "$png") bytes)"
