#!/usr/bin/env node
// @ts-check
/**
 * Public API reports: for every publishable package, lists each name its `exports` entries export, with
 * the declaration a consumer sees (read from the built `dist/*.d.ts` through the TypeScript compiler
 * API, comments removed), plus every package-internal type those declarations reach without exporting
 * it (a change there changes the API too). Writes `api/<package>.api.md`.
 *
 *   node scripts/api-report.mjs          # write the reports (pnpm api:update)
 *   node scripts/api-report.mjs --check  # fail with a diff when a committed report is out of date (pnpm api:check)
 *   node scripts/api-report.mjs core     # only the named package folders
 *
 * Needs a fresh build (`pnpm build`): the reports describe what would be published, which is dist.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { folderArguments, publicPackages, root } from "./workspace-packages.mjs";

const apiDir = join(root, "api");
const check = process.argv.includes("--check");
const only = folderArguments();

/** @typedef {{ name: string, dir: string, reportName: string, entries: { subpath: string, dts: string }[] }} ReportTarget */

/** @returns {ReportTarget[]} */
function reportTargets() {
  return publicPackages(only).map(({ folder, dir, manifest }) => {
    // What consumers resolve is the published exports map (publishConfig overrides the workspace one).
    const exportsMap = manifest.publishConfig?.exports ?? manifest.exports ?? {};
    const entries = [];
    for (const [subpath, target] of Object.entries(exportsMap)) {
      if (typeof target !== "object" || target === null || typeof target.types !== "string") continue;
      entries.push({ subpath, dts: join(dir, target.types) });
    }
    return { name: manifest.name, dir, reportName: folder, entries };
  });
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** @param {ts.Node} node */
function kindOf(node) {
  if (ts.isFunctionDeclaration(node)) return "function";
  if (ts.isInterfaceDeclaration(node)) return "interface";
  if (ts.isTypeAliasDeclaration(node)) return "type";
  if (ts.isClassDeclaration(node)) return "class";
  if (ts.isEnumDeclaration(node)) return "enum";
  if (ts.isModuleDeclaration(node)) return "namespace";
  if (ts.isVariableDeclaration(node)) {
    return node.parent.flags & ts.NodeFlags.Const ? "const" : "let";
  }
  return ts.SyntaxKind[node.kind];
}

/** The statement to print for a declaration (a variable prints with its `declare const` statement). */
function printable(/** @type {ts.Declaration} */ node) {
  if (ts.isVariableDeclaration(node) && ts.isVariableStatement(node.parent.parent)) return node.parent.parent;
  return node;
}

/**
 * @param {ReportTarget} pkg
 * @returns {string}
 */
function reportFor(pkg) {
  for (const entry of pkg.entries) {
    if (!existsSync(entry.dts)) {
      throw new Error(`${relative(root, entry.dts)} is missing: run \`pnpm build\` before the API report.`);
    }
  }
  const program = ts.createProgram(
    pkg.entries.map((entry) => entry.dts),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
    },
  );
  const checker = program.getTypeChecker();
  const distDir = join(pkg.dir, "dist") + sep;
  const ownFile = (/** @type {ts.SourceFile} */ file) => resolve(file.fileName).startsWith(distDir);

  /** Symbols reachable by name from some entry: never reported as "not exported". */
  const exported = new Set();
  /** @type {{ subpath: string, items: { name: string, symbol: ts.Symbol, typeOnly: boolean }[] }[]} */
  const sections = [];
  for (const entry of pkg.entries) {
    const source = program.getSourceFile(entry.dts);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${relative(root, entry.dts)} is not a module.`);
    const items = checker
      .getExportsOfModule(moduleSymbol)
      .map((symbol) => {
        const specifier = symbol.declarations?.find(ts.isExportSpecifier);
        const typeOnly = specifier ? specifier.isTypeOnly || specifier.parent.parent.isTypeOnly : false;
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        exported.add(target);
        return { name: symbol.getName(), symbol: target, typeOnly };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    sections.push({ subpath: entry.subpath, items });
  }

  /** @type {ts.Symbol[]} */
  const unexported = [];
  const seen = new Set();
  /** Collects package-internal symbols referenced by a declaration and not exported anywhere. */
  const collectReferences = (/** @type {ts.Node} */ node) => {
    const visit = (/** @type {ts.Node} */ child) => {
      let name;
      if (ts.isTypeReferenceNode(child)) name = child.typeName;
      else if (ts.isExpressionWithTypeArguments(child)) name = child.expression;
      else if (ts.isTypeQueryNode(child)) name = child.exprName;
      if (name) {
        let symbol = checker.getSymbolAtLocation(name);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const declarations = symbol?.declarations ?? [];
        if (
          symbol &&
          !exported.has(symbol) &&
          !seen.has(symbol) &&
          declarations.length > 0 &&
          declarations.every((d) => ownFile(d.getSourceFile()) && !ts.isTypeParameterDeclaration(d))
        ) {
          seen.add(symbol);
          unexported.push(symbol);
          for (const declaration of declarations) collectReferences(declaration);
        }
      }
      ts.forEachChild(child, visit);
    };
    visit(node);
  };

  /** @param {ts.Symbol} symbol */
  const declarationsOf = (symbol) =>
    (symbol.declarations ?? []).map((declaration) => ({
      kind: kindOf(declaration),
      text: printer.printNode(ts.EmitHint.Unspecified, printable(declaration), declaration.getSourceFile()),
      from: relative(pkg.dir, declaration.getSourceFile().fileName).split(sep).join("/"),
    }));

  const lines = [
    `# API report: ${pkg.name}`,
    "",
    "Generated by `pnpm api:update` from the built declarations (`dist/**/*.d.ts`), comments removed. Do not",
    "edit by hand: `pnpm api:check` (part of `pnpm check`) fails when this file and the code disagree, so every",
    "change to the public API shows up in review.",
  ];
  for (const section of sections) {
    const specifier = section.subpath === "." ? pkg.name : `${pkg.name}/${section.subpath.slice(2)}`;
    lines.push("", `## \`${specifier}\``, "");
    lines.push(`${section.items.length} exports.`);
    for (const item of section.items) {
      const declarations = declarationsOf(item.symbol);
      const kinds = [...new Set(declarations.map((d) => d.kind))].join(", ");
      const originalName = item.symbol.getName();
      const alias =
        originalName !== item.name && originalName !== "default" ? ` (alias of ${originalName})` : "";
      lines.push("", `### ${item.name}`, "", `${kinds}${item.typeOnly ? ", type-only export" : ""}${alias}`);
      for (const declaration of declarations) lines.push("", "```ts", declaration.text, "```");
      for (const declaration of item.symbol.declarations ?? []) collectReferences(declaration);
    }
  }
  if (unexported.length > 0) {
    lines.push(
      "",
      "## Referenced but not exported",
      "",
      "Package-internal types that exported declarations use. Consumers see them through inference but",
      "cannot name them; export them if users need to.",
    );
    const sorted = [...unexported].sort((a, b) => (a.getName() < b.getName() ? -1 : 1));
    for (const symbol of sorted) {
      const declarations = declarationsOf(symbol);
      lines.push(
        "",
        `### ${symbol.getName()}`,
        "",
        `${declarations[0]?.kind ?? "?"} in \`${declarations[0]?.from}\``,
      );
      for (const declaration of declarations) lines.push("", "```ts", declaration.text, "```");
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A readable unified diff (the system `diff`, else the two texts). */
function diffText(/** @type {string} */ expected, /** @type {string} */ actual, /** @type {string} */ label) {
  const dir = mkdtempSync(join(tmpdir(), "api-report-"));
  try {
    const a = join(dir, "committed.md");
    const b = join(dir, "current.md");
    writeFileSync(a, expected);
    writeFileSync(b, actual);
    const result = spawnSync(
      "diff",
      ["-u", "--label", `${label} (committed)`, "--label", `${label} (from dist)`, a, b],
      {
        encoding: "utf8",
      },
    );
    if (result.error) return `--- committed\n${expected}\n--- from dist\n${actual}`;
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const packages = reportTargets();
const expectedFiles = new Set();
let failures = 0;
for (const pkg of packages) {
  const file = join(apiDir, `${pkg.reportName}.api.md`);
  expectedFiles.add(file);
  const report = reportFor(pkg);
  const label = relative(root, file);
  if (!check) {
    const before = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (before !== report) {
      mkdirSync(apiDir, { recursive: true });
      writeFileSync(file, report);
      console.log(`updated ${label}`);
    } else {
      console.log(`unchanged ${label}`);
    }
    continue;
  }
  if (!existsSync(file)) {
    console.error(`${label} is missing: run \`pnpm api:update\` and commit it.`);
    failures++;
    continue;
  }
  const committed = readFileSync(file, "utf8");
  if (committed !== report) {
    console.error(`\nThe public API of ${pkg.name} differs from ${label}:\n`);
    console.error(diffText(committed, report, label));
    failures++;
  } else {
    console.log(`ok ${label}`);
  }
}
if (existsSync(apiDir) && only.length === 0) {
  for (const name of readdirSync(apiDir)) {
    const file = join(apiDir, name);
    if (!name.endsWith(".api.md") || expectedFiles.has(file)) continue;
    if (check) {
      console.error(`${relative(root, file)} belongs to no publishable package: delete it.`);
      failures++;
    } else {
      rmSync(file);
      console.log(`removed ${relative(root, file)}`);
    }
  }
}
if (failures > 0) {
  console.error(
    "\nIf these API changes are intended, run `pnpm build && pnpm api:update` and commit the api/ files " +
      "(and add a changeset: `pnpm changeset`).",
  );
  process.exit(1);
}
