// Renders Mermaid diagrams with the real Mermaid library in headless Chromium (no network, fresh profile).
//
//   node render.mjs check DIAGRAMS.json   -> JSON on stdout: per diagram, its rendered nodes and edges, or the error
//   node render.mjs png DIAGRAM.mmd OUT.png [WIDTH]   -> a screenshot of the rendered diagram
//
// Chromium is CHROMIUM (default /usr/bin/chromium). Mermaid is configured with its default limits
// (maxTextSize 50,000, maxEdges 500), the ones GitHub renders comments with, and securityLevel strict.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const MERMAID = join(here, "node_modules", "mermaid", "dist", "mermaid.min.js");
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

async function withPage(width, body, scale = 1) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: FLAGS,
    headless: true,
  });
  try {
    const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: scale });
    // Nothing may be fetched: the page is built from local files only.
    await page.route("**/*", (route) => route.abort());
    await page.setContent("<!doctype html><html><body><div id=out></div></body></html>");
    await page.addScriptTag({ content: readFileSync(MERMAID, "utf8") });
    await page.evaluate(() =>
      window.mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        maxTextSize: 50000,
        maxEdges: 500,
        theme: "default",
      }),
    );
    return await body(page);
  } finally {
    await browser.close();
  }
}

async function check(path) {
  const diagrams = JSON.parse(readFileSync(path, "utf8"));
  const results = await withPage(1600, (page) =>
    page.evaluate(async (texts) => {
      const out = [];
      // A label's text as people read it: one line per <br/> (HTML labels) or per text line (SVG labels).
      const labelOf = (g) => {
        const html = g.querySelector("foreignObject span, foreignObject div");
        if (html) return html.innerText.trim();
        return [...g.querySelectorAll("text > tspan")].map((t) => t.textContent).join("\n").trim();
      };
      for (const [i, text] of texts.entries()) {
        try {
          const { svg } = await window.mermaid.render(`diagram${i}`, text);
          const host = document.getElementById("out");
          host.innerHTML = svg;
          const root = host.querySelector("svg");
          const nodes = [...root.querySelectorAll("g.node")].map((g) => ({
            id: g.id,
            classes: [...g.classList],
            text: labelOf(g),
          }));
          const edges = root.querySelectorAll("g.edgePaths > path, path.flowchart-link").length;
          const clusters = [...root.querySelectorAll("g.cluster")].map(labelOf);
          out.push({ ok: true, nodes, edges, clusters, svg_chars: svg.length, error_svg: /Syntax error|Maximum text size|Too many edges|Edge limit exceeded/i.test(svg) });
          host.innerHTML = "";
        } catch (error) {
          out.push({ ok: false, error: String(error && error.message ? error.message : error) });
        }
      }
      return out;
    }, diagrams),
  );
  process.stdout.write(JSON.stringify(results) + "\n");
}

async function png(path, target, width) {
  const text = readFileSync(path, "utf8");
  await withPage(width, async (page) => {
    await page.evaluate(async (source) => {
      const { svg } = await window.mermaid.render("diagram", source);
      document.body.style.margin = "0";
      document.body.style.background = "#ffffff";
      const host = document.getElementById("out");
      host.style.display = "inline-block";
      host.style.padding = "16px";
      host.innerHTML = svg;
      // Mermaid's SVG scales to its container; draw it at its own size instead.
      const drawn = host.querySelector("svg");
      drawn.style.maxWidth = "none";
      drawn.setAttribute("width", String(drawn.viewBox.baseVal.width));
      drawn.setAttribute("height", String(drawn.viewBox.baseVal.height));
    }, text);
    const box = await page.locator("#out").boundingBox();
    await page.setViewportSize({ width: Math.ceil(Math.max(width, box.width)), height: Math.ceil(box.height) });
    writeFileSync(target, await page.locator("#out").screenshot({ type: "png" }));
  }, 1.5);
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "check" && rest.length === 1) {
  await check(rest[0]);
} else if (mode === "png" && (rest.length === 2 || rest.length === 3)) {
  await png(rest[0], rest[1], Number(rest[2] || 1200));
} else {
  process.stderr.write("usage: node render.mjs check DIAGRAMS.json | png DIAGRAM.mmd OUT.png [WIDTH]\n");
  process.exit(2);
}
