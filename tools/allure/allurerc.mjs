// Allure 3 (npm "allure", pinned in tools/allure/package.json) report config.
// Run from the repository root, e.g.
//   tools/allure/node_modules/.bin/allure generate reports/allure-results \
//     --config tools/allure/allurerc.mjs -o reports/allure-report
// Relative paths below are resolved against the process cwd (the repo root),
// not against this file. ALLURE_SINGLE_FILE=1 -> one self-contained index.html.
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
  // Defect classification. First matching rule wins; Allure appends its
  // defaults ("Product errors" = failed, "Test errors" = broken) after these.
  // `message` / `trace` are regexes tested against statusDetails.message / trace.
  categories: [
    {
      id: "infrastructure",
      name: "Infrastructure problems",
      matchers: [
        { statuses: ["failed", "broken"], message: /connection refused|ConnectionRefused|ConnectionError|timed? ?out|Timeout/i },
        { statuses: ["failed", "broken"], trace: /ConnectionRefusedError|TimeoutError|socket\.timeout|ReadTimeout|ConnectTimeout/ },
      ],
    },
    {
      id: "product",
      name: "Product defects",
      matchers: [{ statuses: ["failed"] }, { statuses: ["broken"], message: /^AssertionError/ }],
    },
    {
      id: "test",
      name: "Test defects",
      matchers: { statuses: ["broken"] },
    },
  ],
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
