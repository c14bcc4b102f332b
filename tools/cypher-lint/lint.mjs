// Lint Cypher statements with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support), against graph-intel's schema.
//
// Usage: node tools/cypher-lint/lint.mjs INPUT.json   (or the JSON on stdin)
// INPUT: {"schema": DbSchema, "statements": [{"name": N, "cypher": C}, ...]}
//   DbSchema: {labels, relationshipTypes, propertyKeys, parameters, graphSchema, defaultLanguage}
// Output (stdout): {"statements": n, "diagnostics": n,
//                   "results": [{"name": N, "diagnostics": [{"severity", "message", "line", "column"}]}]}
// Exit status: 0 no diagnostic at all; 1 at least one diagnostic (of any severity); 2 bad input.
// Runs offline: nothing here touches the network.

import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function readInput() {
  const path = process.argv[2];
  const text = path && path !== '-' ? readFileSync(path, 'utf8') : readFileSync(0, 'utf8');
  const input = JSON.parse(text);
  if (!input || typeof input !== 'object' || !Array.isArray(input.statements)) {
    throw new Error('input must be {"schema": {...}, "statements": [{"name", "cypher"}, ...]}');
  }
  return input;
}

function main() {
  let input;
  try {
    input = readInput();
  } catch (err) {
    process.stderr.write(`cypher-lint: cannot read input: ${err.message}\n`);
    return 2;
  }
  const schema = input.schema ?? {};
  const results = [];
  let total = 0;
  for (const { name, cypher } of input.statements) {
    const { diagnostics } = lintCypherQuery(cypher, schema, { consoleCommandsEnabled: false });
    const found = diagnostics.map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    }));
    total += found.length;
    results.push({ name, diagnostics: found });
    for (const d of found) {
      process.stderr.write(`${name}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`);
    }
  }
  process.stdout.write(
    JSON.stringify({ statements: results.length, diagnostics: total, results }) + '\n',
  );
  return total === 0 ? 0 : 1;
}

process.exitCode = main();
