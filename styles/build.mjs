// Writes static/css/bootstrap.css: Bootstrap's stylesheet with only the rules
// whose selectors name a class, id or element found in the site's templates,
// scripts and stored-HTML rules (crispy-bootstrap5's field templates included).
// A class that only an error state or a script adds is found where it is
// written (crispy's templates, static/js). Run from the repository root:
//   node styles/build.mjs .venv/lib/python3.11/site-packages
import { readFileSync, writeFileSync } from "node:fs";
import postcss from "postcss";
import { PurgeCSS } from "purgecss";

const sitePackages = process.argv[2];
if (!sitePackages) {
  console.error("usage: node styles/build.mjs SITE_PACKAGES");
  process.exit(2);
}
const source = "static/vendor/bootstrap/bootstrap.min.css";
const output = "static/css/bootstrap.css";

const CRISPY_TEMPLATES = [
  "bootstrap5/errors.html",
  "bootstrap5/layout/attrs.html",
  "bootstrap5/layout/field_errors.html",
  "bootstrap5/layout/field_errors_block.html",
  "bootstrap5/layout/help_text.html",
  "bootstrap5/layout/help_text_and_errors.html",
  "bootstrap5/layout/radio_checkbox_select.html",
];

// In a template, what a selector can match: element names, the words of class
// and id attributes, and attribute names and values. Words elsewhere (template
// variables, prose) are not class names. Template tags inside an attribute
// ({% if ... %} is-pending{% endif %}) leave their literal words in.
const words = (text) => text.match(/[A-Za-z0-9_-]+/g) || [];

function fromTemplate(content) {
  const found = { tags: new Set(), classes: new Set(), ids: new Set(), names: new Set(),
    values: new Set() };
  for (const [, tag] of content.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)) {
    found.tags.add(tag.toLowerCase());
  }
  for (const [, name, quoted] of content.matchAll(/([a-zA-Z:-]+)=("[^"]*"|'[^']*')/g)) {
    const value = quoted.slice(1, -1).replace(/\{\{.*?\}\}|\{%.*?%\}/g, " ");
    found.names.add(name);
    found.values.add(value);
    const into = name === "class" ? found.classes : name === "id" ? found.ids : found.values;
    for (const word of words(value)) into.add(word);
  }
  // Classes crispy's tag is handed: {% crispy_field field 'class' 'form-control is-invalid' %}
  for (const [value] of content.matchAll(/\{%[^%]*%\}/g)) {
    for (const [, literal] of value.matchAll(/'([^']*)'/g)) {
      for (const word of words(literal)) found.classes.add(word);
    }
  }
  const list = (set) => [...set];
  return {
    tags: list(found.tags),
    classes: list(found.classes),
    ids: list(found.ids),
    attributes: { names: list(found.names), values: list(found.values) },
    undetermined: [],
  };
}

// In a script, only the words of its string literals can be class names.
function fromScript(content) {
  const found = new Set();
  for (const [literal] of content.matchAll(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/g)) {
    for (const word of words(literal)) found.add(word);
  }
  return [...found];
}

const [result] = await new PurgeCSS().purge({
  // site.css comes along only so that the custom properties it reads count as used.
  css: [source, "static/css/site.css"],
  // The admin has Django's own stylesheets, and mail none: neither is scanned.
  skippedContentGlobs: ["templates/admin/**", "*/templates/admin/**", "**/email/**"],
  content: [
    "templates/**/*.html",
    "templates/**/*.svg",
    "*/templates/**/*.html",
    "*/jinja2/**/*.html",
    "static/js/*.js",
    // The elements an article's or a comment's stored HTML may hold, and the
    // wrapper of an imported post: the only markup Python writes for readers.
    "articles/rendering.py",
    "comments/sanitize.py",
    "importers/content.py",
    // What templates/bootstrap5/field.html (as_crispy_field) includes for the
    // site's fields: help text, errors, checkboxes; and the classes crispy adds.
    ...CRISPY_TEMPLATES.map((name) => `${sitePackages}/crispy_bootstrap5/templates/${name}`),
    `${sitePackages}/crispy_forms/templatetags/*.py`,
  ],
  // A custom property stays when a kept rule or site.css reads it.
  variables: true,
  extractors: [
    { extractor: fromTemplate, extensions: ["html", "svg"] },
    { extractor: fromScript, extensions: ["js"] },
  ],
  keyframes: true,
  fontFace: true,
  rejected: false,
});
// No page has a file, date, time or colour input, nor a datalist: Bootstrap's
// styles for their browser-drawn parts go too (selectors kept for `.form-control`).
const NEVER_DRAWN = /file-selector-button|file-upload-button|datetime-edit|date-and-time-value|color-swatch|calendar-picker-indicator/;
const tree = postcss.parse(result.css);
tree.walkRules((rule) => {
  const kept = rule.selectors.filter((selector) => !NEVER_DRAWN.test(selector));
  if (!kept.length) rule.remove();
  else if (kept.length < rule.selectors.length) rule.selectors = kept;
});
tree.walkAtRules("media", (media) => {
  if (!media.nodes.length) media.remove();
});
// PurgeCSS keeps Bootstrap's @charset and its licence comment.
const css = `${tree.toString()}\n`;
writeFileSync(output, css);
console.log(`${output}: ${Buffer.byteLength(css)} bytes from ${readFileSync(source).length}`);
