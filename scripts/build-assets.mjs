// Builds Onward's front-end assets into onward/static/vendor/ (ignored by git):
// the GOV.UK Frontend stylesheet compiled with Arial (a council service is not GOV.UK),
// GOV.UK Frontend's JavaScript, Onward's own scripts, and axe-core for the browser tests.
import { mkdirSync, copyFileSync, writeFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "onward", "static", "vendor");
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });
mkdirSync(join(out, "images"), { recursive: true });

const result = sass.compile(join(root, "assets", "scss", "onward.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "onward.css"), result.css);

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
// The compiled stylesheet refers to some of GOV.UK Frontend's images (the footer's crest, which
// Onward's own footer never shows). Copy exactly those, or collectstatic's manifest cannot be
// built; no other GOV.UK image (crown, favicons) is served by a council's service.
for (const [, name] of result.css.matchAll(/url\("?\/static\/vendor\/images\/([\w.-]+)"?\)/g)) {
  copyFileSync(join(govuk, "assets", "images", name), join(out, "images", name));
}
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "js", "govuk-frontend.min.js"));
copyFileSync(join(root, "node_modules", "axe-core", "axe.min.js"), join(out, "js", "axe.min.js"));
for (const name of readdirSync(join(root, "assets", "js"))) {
  copyFileSync(join(root, "assets", "js", name), join(out, "js", name));
}
console.log(`Built assets into ${out}`);
