// Allure 3 (npm "allure", pinned in package.json beside this file) report config.
// `handoff report` (handoff/report/rendering.py) copies this folder and categories.json
// into the renderer's install folder, runs `npm ci` there once, and then
//   <install>/node_modules/.bin/allure generate reports/allure-results \
//     --config <install>/allurerc.mjs -o reports/allure-report
// from the test project's folder. Relative paths below are resolved against the
// process cwd (the project), not against this file.
// ALLURE_SINGLE_FILE=1 -> one self-contained index.html.
import { readFileSync } from "node:fs";
import { defineConfig } from "allure";

const env = process.env;

export default defineConfig({
  // Report title (CLI --report-name/--name overrides).
  name: env.ALLURE_REPORT_NAME || "Handoff integration tests",
  // Report folder (CLI -o/--output overrides).
  output: "reports/allure-report",
  // Results folder(s) when none is given on the command line.
  resultsDir: "reports/allure-results",
  // Run history: one JSON line appended per generate; read back for trends,
  // flaky/new/fixed/regressed markers. Keep it OUTSIDE the report folder.
  historyPath: env.ALLURE_HISTORY_PATH || "reports/allure-history.jsonl",
  historyLimit: 20,
  // ALLURE_APPEND_HISTORY=0 renders with the history without adding this run to it.
  appendHistory: env.ALLURE_APPEND_HISTORY !== "0",
  // Defect classification, shared with Allure 2 readers: the framework copies
  // categories.json into every results folder (handoff/report/metadata.py). First
  // matching rule wins; messages start with the exception's module and class, e.g.
  // "handoff.http.client.ServiceUnreachable: service 'cart' is unreachable at ...".
  // tests/report/test_categories.py proves each rule catches the right scenarios.
  categories: JSON.parse(readFileSync(new URL("./categories.json", import.meta.url), "utf-8")),
  // Pages about the whole run (the API coverage table, handoff/report/api_coverage.py).
  globalAttachments: env.HANDOFF_GLOBAL_ATTACHMENTS ? [env.HANDOFF_GLOBAL_ATTACHMENTS] : [],
  plugins: {
    awesome: {
      options: {
        reportLanguage: "en",
        // The tree follows the business: epic and feature labels from the features' tags.
        groupBy: ["epic", "feature"],
        singleFile: env.ALLURE_SINGLE_FILE === "1",
      },
    },
  },
});
