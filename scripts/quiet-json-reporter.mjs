// vitest's JSON reporter, writing its report to $TANDEM_TEST_REPORT without printing where (scripts/test.mjs
// reads the file and deletes it, so a printed path would point to nothing).
import { writeFileSync } from 'node:fs';
import { JsonReporter } from 'vitest/node';

export default class QuietJsonReporter extends JsonReporter {
  async writeReport(report) {
    writeFileSync(process.env.TANDEM_TEST_REPORT, report);
  }
}
