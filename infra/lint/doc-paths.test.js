/* global describe, it, expect */
// The code map must not rot: every repository path the README and docs/architecture.md name in
// backticks exists, every `path:name` names something that file contains, and every relative
// link (with its #anchor) leads somewhere. Fenced code blocks are left out (diagrams, commands).
const { existsSync, readFileSync, statSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const DOCS = ["README.md", "docs/architecture.md"];

// `apps/x/src/y.ts`, `packages/x/`, `migrations/0010_x.sql`, optionally `:name` or `:Class.method`.
const CODE_PATH = /`((?:apps|packages|infra|migrations|docs)\/[^`\s:*<>{}]*)(?::([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*))?`/g;
const LINK = /\]\(([^)\s]+)\)/g;

/** The document without its fenced code blocks. */
function prose(file) {
  return readFileSync(path.join(ROOT, file), "utf8").replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function anchorsIn(file) {
  return new Set(prose(file).split("\n").filter((line) => /^#{1,6} /.test(line)).map((line) => anchorOf(line.replace(/^#+ /, ""))));
}

describe.each(DOCS)("%s", (doc) => {
  const text = prose(doc);
  const named = [...text.matchAll(CODE_PATH)].map((match) => ({ file: match[1], name: match[2] }));

  it("names repository paths that exist", () => {
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter(({ file }) => !existsSync(path.join(ROOT, file))).map(({ file }) => file)).toEqual([]);
  });

  it("names functions and classes their files contain", () => {
    const missing = named
      .filter(({ file, name }) => name && existsSync(path.join(ROOT, file)) && statSync(path.join(ROOT, file)).isFile())
      .filter(({ file, name }) => {
        const source = readFileSync(path.join(ROOT, file), "utf8");
        return !name.split(".").every((part) => new RegExp(`\\b${part.replace(/\$/g, "\\$")}\\b`).test(source));
      })
      .map(({ file, name }) => `${file}:${name}`);
    expect(missing).toEqual([]);
  });

  it("links to files and headings that exist", () => {
    const broken = [...text.matchAll(LINK)]
      .map((match) => match[1])
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [file, anchor] = target.split("#");
        const resolved = file ? path.relative(ROOT, path.resolve(ROOT, path.dirname(doc), file)) : doc;
        if (!existsSync(path.join(ROOT, resolved))) return true;
        return anchor !== undefined && resolved.endsWith(".md") && !anchorsIn(resolved).has(anchor);
      });
    expect(broken).toEqual([]);
  });
});
