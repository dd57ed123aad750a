// Lints code snippets as if they were files of the repository, with its own eslint.config.mjs.
// Reads [{ file, code }] as JSON on stdin; writes, per snippet, the messages of one rule, and
// any fatal (parse) error under "fatal", so a snippet that does not parse cannot pass unseen.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";

const [, , ruleId] = process.argv;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// A snippet is in no TypeScript project: lint it without the type-aware rules.
const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { "@typescript-eslint/no-floating-promises": "off", "@typescript-eslint/no-misused-promises": "off" },
  },
});
let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const { file, code } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  const messages = result.messages.filter((message) => message.ruleId === ruleId || message.fatal);
  results.push(messages.map((message) => (message.fatal ? `fatal: ${message.message}` : message.message)));
}
process.stdout.write(JSON.stringify(results));
