#!/usr/bin/env node
// @ts-check
/**
 * Writes the small names table the fake Graph server's schema test reads
 * (`packages/testing/src/contract/graph-schema-v1.0.json`) from Microsoft's published Graph v1.0 schema,
 * `schemas/v1.0-Prod.csdl` of https://github.com/microsoftgraph/msgraph-metadata (MIT, see README.md
 * next to this file). Offline: it reads a CSDL file you already have and nothing else. CI never runs it;
 * it reads the committed table.
 *
 *   node scripts/graph-schema/extract-graph-schema.mjs <v1.0-Prod.csdl> --commit <sha> [--out <table.json>]
 *
 * For each entity type the fake serves, the table lists its base type and every property and navigation
 * property name it has, its base types' included (sorted), and for the directory roots the fake's items
 * can be typed as, every type derived from them. Capability annotations are ignored: they contradict the
 * service and each other (README.md).
 *
 * The CSDL is read with a small tag tokenizer, not a general XML parser: quoted attribute values are
 * atoms (a `>` inside one cannot end a tag), comments, CDATA, processing instructions and DOCTYPE are
 * skipped, and a `Property` or `NavigationProperty` counts only when its parent element is the
 * `EntityType`, so annotation records are never read as members. Malformed nesting throws.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE_REPOSITORY = "https://github.com/microsoftgraph/msgraph-metadata";
const SOURCE_FILE = "schemas/v1.0-Prod.csdl";
const DEFAULT_OUT = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../packages/testing/src/contract/graph-schema-v1.0.json",
);

/** Every entity type the fake Graph server emits or accepts query options on (check every route). */
const SERVED_TYPES = [
  "directoryObject",
  "user",
  "agentUser",
  "group",
  "device",
  "servicePrincipal",
  "agentIdentity",
  "agentIdentityBlueprintPrincipal",
  "administrativeUnit",
  "unifiedRoleDefinition",
  "unifiedRoleAssignment",
  "unifiedRoleEligibilityScheduleInstance",
];

/** Types whose derived types the table lists: what an item's `@odata.type` may name on the fake's routes. */
const DERIVED_ROOTS = ["directoryObject", "user", "group", "device", "servicePrincipal"];

const NAMESPACE = "microsoft.graph";

// msgraph-metadata's LICENSE at the source commit, kept with the table derived from its schema.
const LICENCE_NOTICE = [
  "MIT License",
  "",
  "Copyright (c) 2018 Microsoft Graph",
  "",
  "Permission is hereby granted, free of charge, to any person obtaining a copy",
  'of this software and associated documentation files (the "Software"), to deal',
  "in the Software without restriction, including without limitation the rights",
  "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell",
  "copies of the Software, and to permit persons to whom the Software is",
  "furnished to do so, subject to the following conditions:",
  "",
  "The above copyright notice and this permission notice shall be included in all",
  "copies or substantial portions of the Software.",
  "",
  'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR',
  "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,",
  "FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE",
  "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER",
  "LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,",
  "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE",
  "SOFTWARE.",
];

// ── Reading the CSDL ──────────────────────────────────────────────────────────────────────────────

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const TAG = new RegExp(
  [
    "<!--[\\s\\S]*?-->", // comment
    "<!\\[CDATA\\[[\\s\\S]*?\\]\\]>", // CDATA
    "<\\?[\\s\\S]*?\\?>", // XML declaration, processing instruction
    "<!DOCTYPE(?:[^>\\[]|\\[[\\s\\S]*?\\])*>", // DOCTYPE
    "<\\/\\s*([A-Za-z_][\\w:.\\-]*)\\s*>", // [1] end tag
    "<([A-Za-z_][\\w:.\\-]*)((?:\\s+[^\\s=/>]+\\s*=\\s*(?:\"[^\"]*\"|'[^']*'))*)\\s*(\\/?)>", // [2] [3] [4]
  ].join("|"),
  "g",
);

/** @param {string} text */
function decodeEntities(text) {
  /** @type {Record<string, string>} */
  const named = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, entity) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return named[entity] ?? whole;
  });
}

/** `edmx:Edmx` → `Edmx`: CSDL's own elements are unprefixed. @param {string} name */
const localName = (name) => name.slice(name.indexOf(":") + 1);

/**
 * Start and end tags in document order (a self-closing tag yields both).
 * @param {string} xml
 * @returns {Generator<{ kind: "start" | "end", name: string, attributes: Record<string, string> }>}
 */
function* tags(xml) {
  for (const match of xml.matchAll(TAG)) {
    if (match[1] !== undefined) {
      yield { kind: "end", name: localName(match[1]), attributes: {} };
    } else if (match[2] !== undefined) {
      /** @type {Record<string, string>} */
      const attributes = {};
      for (const attribute of (match[3] ?? "").matchAll(ATTRIBUTE)) {
        attributes[attribute[1] ?? ""] = decodeEntities(attribute[2] ?? attribute[3] ?? "");
      }
      const name = localName(match[2]);
      yield { kind: "start", name, attributes };
      if (match[4] === "/") yield { kind: "end", name, attributes: {} };
    }
  }
}

/**
 * @typedef {{ name: string, baseType: string | null, properties: string[], navigationProperties: string[] }} EntityType
 */

/**
 * Every entity type of the document by qualified name, base types with schema aliases expanded.
 * @param {string} xml
 * @returns {Map<string, EntityType>}
 */
function readEntityTypes(xml) {
  /** @type {Map<string, EntityType>} */
  const types = new Map();
  /** @type {Map<string, string>} */
  const aliases = new Map();
  /** @type {string[]} */
  const stack = [];
  /** @type {string | null} */
  let namespace = null;
  /** @type {EntityType | null} */
  let current = null;
  for (const tag of tags(xml)) {
    if (tag.kind === "end") {
      const open = stack.pop();
      if (open !== tag.name) throw new Error(`Malformed CSDL: </${tag.name}> closes <${open}>.`);
      if (tag.name === "EntityType") current = null;
      continue;
    }
    const parent = stack.at(-1);
    stack.push(tag.name);
    const { attributes } = tag;
    if (tag.name === "Schema") {
      namespace = attributes.Namespace ?? null;
      if (attributes.Alias !== undefined && namespace !== null) aliases.set(attributes.Alias, namespace);
    } else if (tag.name === "EntityType" && parent === "Schema" && namespace !== null) {
      const name = `${namespace}.${attributes.Name}`;
      current = { name, baseType: attributes.BaseType ?? null, properties: [], navigationProperties: [] };
      if (!types.has(name)) types.set(name, current);
    } else if (current !== null && parent === "EntityType" && attributes.Name !== undefined) {
      if (tag.name === "Property") current.properties.push(attributes.Name);
      if (tag.name === "NavigationProperty") current.navigationProperties.push(attributes.Name);
    }
  }
  if (stack.length > 0) throw new Error(`Malformed CSDL: <${stack.join("> <")}> never closed.`);
  // A base type may be written with its schema's alias (`graph.entity`).
  for (const type of types.values()) {
    if (type.baseType === null) continue;
    const dot = type.baseType.lastIndexOf(".");
    const alias = aliases.get(type.baseType.slice(0, dot));
    if (alias !== undefined) type.baseType = `${alias}${type.baseType.slice(dot)}`;
  }
  return types;
}

// ── Building the table ────────────────────────────────────────────────────────────────────────────

/**
 * One type's base type and member names, merged along its base type chain.
 * @param {Map<string, EntityType>} types
 * @param {string} name
 */
function flatten(types, name) {
  const properties = new Set();
  const navigationProperties = new Set();
  /** @type {string | null} */
  let at = name;
  const seen = new Set();
  while (at !== null) {
    if (seen.has(at)) throw new Error(`Base type cycle at ${at}.`);
    seen.add(at);
    const type = types.get(at);
    if (type === undefined) throw new Error(`${name}: base type ${at} is not declared in the CSDL.`);
    for (const property of type.properties) properties.add(property);
    for (const navigation of type.navigationProperties) navigationProperties.add(navigation);
    at = type.baseType;
  }
  return {
    baseType: types.get(name)?.baseType ?? null,
    properties: [...properties].sort(),
    navigationProperties: [...navigationProperties].sort(),
  };
}

/**
 * Every type derived from `name`, directly or not, sorted.
 * @param {Map<string, EntityType>} types
 * @param {string} name
 */
function derivedTypes(types, name) {
  /** @type {string[]} */
  const found = [];
  const walk = (/** @type {string} */ base) => {
    for (const type of types.values()) {
      if (type.baseType === base) {
        found.push(type.name);
        walk(type.name);
      }
    }
  };
  walk(name);
  return found.sort();
}

/**
 * @param {Buffer} csdl
 * @param {string} commit
 */
function buildTable(csdl, commit) {
  const types = readEntityTypes(csdl.toString("utf8"));
  const qualified = (/** @type {string} */ name) => {
    const full = `${NAMESPACE}.${name}`;
    if (!types.has(full)) throw new Error(`${full} is not declared in the CSDL.`);
    return full;
  };
  return {
    source: {
      repository: SOURCE_REPOSITORY,
      commit,
      file: SOURCE_FILE,
      sha256: createHash("sha256").update(csdl).digest("hex"),
      // `git ls-tree <commit> schemas/v1.0-Prod.csdl` prints the same id when the file is that commit's.
      gitBlob: createHash("sha1").update(`blob ${csdl.length}\0`).update(csdl).digest("hex"),
      licence: "MIT",
      licenceNotice: LICENCE_NOTICE,
    },
    generatedBy: "scripts/graph-schema/extract-graph-schema.mjs (do not edit by hand)",
    entityTypes: Object.fromEntries(
      SERVED_TYPES.map((name) => [qualified(name), flatten(types, qualified(name))]),
    ),
    derivedTypes: Object.fromEntries(
      DERIVED_ROOTS.map((name) => [qualified(name), derivedTypes(types, qualified(name))]),
    ),
  };
}

// ── Command line ──────────────────────────────────────────────────────────────────────────────────

const USAGE =
  "usage: node scripts/graph-schema/extract-graph-schema.mjs <v1.0-Prod.csdl> --commit <sha> [--out <table.json>]";

function main() {
  const args = process.argv.slice(2);
  /** @type {string | undefined} */
  let file;
  let commit = "";
  let out = DEFAULT_OUT;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === "--commit") commit = args[++index] ?? "";
    else if (arg === "--out") out = resolve(args[++index] ?? "");
    else if (file === undefined && arg !== undefined && !arg.startsWith("--")) file = arg;
    else throw new Error(`Unexpected argument ${arg}.\n${USAGE}`);
  }
  if (file === undefined || !/^[0-9a-f]{40}$/.test(commit)) {
    throw new Error(`Give the CSDL file and the full msgraph-metadata commit it was taken from.\n${USAGE}`);
  }
  const table = buildTable(readFileSync(file), commit);
  writeFileSync(out, `${JSON.stringify(table, null, 2)}\n`);
  process.stdout.write(`wrote ${out}: ${Object.keys(table.entityTypes).length} entity types\n`);
}

main();
