// Builds masa's static assets from the pinned govuk-frontend package:
// compiles frontend/masa.scss with Arial and copies GOV.UK Frontend's JS and images.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/masa/core/static/govuk");
const dist = join(root, "node_modules/govuk-frontend/dist/govuk");

mkdirSync(out, { recursive: true });
const result = sass.compile(join(root, "frontend/masa.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "masa.css"), result.css);
cpSync(join(dist, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(dist, "assets/images"), join(out, "assets/images"), { recursive: true });
cpSync(join(dist, "assets/manifest.json"), join(out, "assets/manifest.json"));
console.log(`GOV.UK Frontend assets built into ${out}`);
