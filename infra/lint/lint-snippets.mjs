// Lints code snippets as if they were files of the repository, with its own eslint.config.mjs.
// Reads [{ file, code }] as JSON on stdin; writes, per snippet, the messages of one rule.
import path from "node:path";
import { ESLint } from "eslint";

const [, , ruleId] = process.argv;
const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: REPO_ROOT });
let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const { file, code } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  results.push(result.messages.filter((message) => message.ruleId === ruleId).map((message) => message.message));
}
process.stdout.write(JSON.stringify(results));
