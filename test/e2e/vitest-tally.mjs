// Prints vitest's result as the TALLY line the test scripts sum up:
//   node test/e2e/vitest-tally.mjs build/vitest.json  ->  "TALLY 43 passed, 0 failed"
// Used by `npm run test:tally` in frontend/ (vitest writes the JSON report first).
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "build/vitest.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`vitest-tally: cannot read ${file}: ${error.message}`);
  console.log("TALLY 0 passed, 1 failed");
  process.exit(1);
}

const suites = report.testResults ?? [];
// A test file that failed to load (syntax error, bad import) has no failed test in it
// but must still count as a failure.
const brokenFiles = suites.filter(
  (suite) =>
    suite.status === "failed" &&
    !(suite.assertionResults ?? []).some((t) => t.status === "failed"),
).length;
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
console.log(`TALLY ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || report.success === false ? 1 : 0);
