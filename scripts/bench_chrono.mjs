#!/usr/bin/env node
// The second reference for `bench-when`: chrono-node on the same phrase corpus.
//
// Usage: node scripts/bench_chrono.mjs CORPUS [--min-seconds 1.0]
// (with chrono-node installed where Node finds it: NODE_PATH, as scripts/bench sets it)
//
// Each phrase is parsed with chrono.parseDate against its line's `now` (the
// instant, and the zone's UTC offset at that instant, which is what chrono
// takes), preferring future dates (forwardDate). Scored by the rule
// bench_dateparser.py states, the same for every parser:
//   * expected `error`: right when chrono returns nothing;
//   * expected `YYYY-MM-DD`: right when the answer falls on that date in the line's zone;
//   * expected `YYYY-MM-DDTHH:MM:SS+HH:MM`: right when the answer is the same instant to the minute.
// Prints one JSON document on standard output.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const chrono = require("chrono-node");

// The installed version, from the package.json above the module's entry point.
function chronoVersion() {
  let dir = dirname(require.resolve("chrono-node"));
  while (dir !== dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const meta = JSON.parse(readFileSync(file, "utf8"));
      if (meta.name === "chrono-node") return meta.version;
    }
    dir = dirname(dir);
  }
  return "unknown";
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: bench_chrono.mjs CORPUS [--min-seconds 1.0]");
  process.exit(2);
}
const path = args[0];
const minIndex = args.indexOf("--min-seconds");
const minSeconds = minIndex >= 0 ? Number(args[minIndex + 1]) : 1.0;

const cases = [];
let category = "core";
readFileSync(path, "utf8").split("\n").forEach((line, index) => {
  const named = line.match(/^# category: (.*?)( — .*)?$/);
  if (named) {
    category = named[1].trim();
    return;
  }
  if (line.startsWith("#") || line.trim() === "") return;
  const fields = line.split("\t");
  if (fields.length !== 3) throw new Error(`corpus line ${index + 1}: need 3 tab-separated fields`);
  const [now, phrase, expected] = fields;
  const [stamp, zoneWithBracket] = now.split("[");
  const zone = zoneWithBracket.replace("]", "");
  const instant = new Date(stamp);
  const offset = stamp.match(/([+-])(\d\d):(\d\d)$/);
  const minutes = (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  cases.push({ line: index + 1, reference: { instant, timezone: minutes }, zone, phrase, expected, category });
});

const dayIn = new Map();
function localDate(date, zone) {
  let format = dayIn.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayIn.set(zone, format);
  }
  return format.format(date);
}

function parse(c) {
  try {
    return chrono.parseDate(c.phrase, c.reference, { forwardDate: true });
  } catch {
    return null; // a throw is "no answer"
  }
}

function isRight(answer, c) {
  if (c.expected === "error") return answer === null || answer === undefined;
  if (!answer || Number.isNaN(answer.getTime())) return false;
  if (!c.expected.includes("T")) return localDate(answer, c.zone) === c.expected;
  const want = new Date(c.expected);
  return Math.floor(answer.getTime() / 60000) === Math.floor(want.getTime() / 60000);
}

let correct = 0;
const misses = [];
const categories = [];
for (const c of cases) {
  const answer = parse(c);
  const right = isRight(answer, c);
  if (categories.length === 0 || categories[categories.length - 1][0] !== c.category) categories.push([c.category, 0, 0]);
  categories[categories.length - 1][1] += 1;
  if (right) {
    correct += 1;
    categories[categories.length - 1][2] += 1;
  } else if (misses.length < 10) {
    misses.push(`line ${c.line}: ${JSON.stringify(c.phrase)}: expected ${c.expected}, got ${answer ? answer.toISOString() : "nothing"}`);
  }
}
console.error(`  [bench] chrono-node: ${cases.length} phrases, ${correct} right by the accuracy rule`);

let passes = 0;
const started = process.hrtime.bigint();
let seconds = 0;
while (passes === 0 || seconds < minSeconds) {
  for (const c of cases) parse(c);
  passes += 1;
  seconds = Number(process.hrtime.bigint() - started) / 1e9;
}
const rate = (passes * cases.length) / seconds;
console.error(`  [bench] chrono-node: ${rate.toFixed(0)} phrases/s over ${passes} passes`);
console.log(JSON.stringify({
  benchmark: "chrono",
  version: chronoVersion(),
  node: process.versions.node,
  phrases: cases.length,
  passes,
  seconds,
  phrases_per_second: rate,
  correct,
  accuracy: correct / cases.length,
  categories,
  misses,
}, null, 2));
