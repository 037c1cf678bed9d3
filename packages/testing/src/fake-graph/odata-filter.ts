/**
 * The small part of OData `$filter` that the fake server understands: `prop eq literal`,
 * `prop in (literal, ...)`, `startsWith(prop, 'text')`, joined by `and`/`or` with parentheses. String
 * literals use OData quoting (`'O''Brien'` is `O'Brien`), so hostile values are data, never syntax.
 * Every route declares which properties and operators it supports, as Graph documents them; anything
 * else is a 400, as on Graph.
 */

/** A literal in a filter expression. */
export type FilterLiteral = string | number | boolean | null;

/** A parsed filter expression. */
export type FilterExpression =
  | { readonly op: "eq" | "ne"; readonly property: string; readonly value: FilterLiteral }
  | { readonly op: "in"; readonly property: string; readonly values: readonly FilterLiteral[] }
  | { readonly op: "startsWith"; readonly property: string; readonly value: FilterLiteral }
  | { readonly op: "and" | "or"; readonly left: FilterExpression; readonly right: FilterExpression };

/** Operators a route allows per property. */
export type FilterCapabilities = Readonly<Record<string, readonly ("eq" | "ne" | "in" | "startsWith")[]>>;

/** Why a filter was refused, mapped by the caller to Graph's error. */
export type FilterProblem =
  | { readonly kind: "syntax"; readonly detail: string }
  | { readonly kind: "unknown-property"; readonly property: string }
  | { readonly kind: "unsupported"; readonly property: string };

type Token =
  | { readonly t: "str"; readonly v: string }
  | { readonly t: "word"; readonly v: string }
  | { readonly t: "num"; readonly v: number }
  | { readonly t: "(" | ")" | "," };

function tokenize(text: string): Token[] | FilterProblem {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ t: ch });
      i += 1;
    } else if (ch === "'") {
      // OData string literal: a doubled quote is one quote; anything else is literal text.
      let value = "";
      i += 1;
      for (;;) {
        if (i >= text.length) return { kind: "syntax", detail: "unterminated string literal" };
        const c = text[i] as string;
        if (c === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += c;
        i += 1;
      }
      tokens.push({ t: "str", v: value });
    } else {
      const match = /^[A-Za-z0-9_.\-/]+/.exec(text.slice(i));
      if (match === null) return { kind: "syntax", detail: `unexpected character '${ch}' at position ${i}` };
      const word = match[0];
      if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ t: "num", v: Number(word) });
      else tokens.push({ t: "word", v: word });
      i += word.length;
    }
  }
  return tokens;
}

function isProblem(value: unknown): value is FilterProblem {
  return typeof value === "object" && value !== null && "kind" in value;
}

/** Parses `$filter` text, checking properties and operators against a route's capabilities. */
export function parseFilter(
  text: string,
  capabilities: FilterCapabilities,
  knownProperties: ReadonlySet<string>,
): FilterExpression | FilterProblem {
  const tokens = tokenize(text);
  if (isProblem(tokens)) return tokens;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const syntax = (detail: string): FilterProblem => ({ kind: "syntax", detail });

  const checkProperty = (
    property: string,
    op: "eq" | "ne" | "in" | "startsWith",
  ): FilterProblem | undefined => {
    const ops = capabilities[property];
    if (ops === undefined) {
      return knownProperties.has(property)
        ? { kind: "unsupported", property }
        : { kind: "unknown-property", property };
    }
    return ops.includes(op) ? undefined : { kind: "unsupported", property };
  };

  const literal = (): FilterLiteral | FilterProblem => {
    const token = tokens[pos++];
    if (token === undefined) return syntax("expected a literal");
    if (token.t === "str" || token.t === "num") return token.v;
    if (token.t === "word" && (token.v === "true" || token.v === "false")) return token.v === "true";
    if (token.t === "word" && token.v === "null") return null;
    // A bare GUID is not an OData string literal; Graph wants quotes.
    return syntax(`expected a literal, got '${"v" in token ? token.v : token.t}'`);
  };

  const term = (): FilterExpression | FilterProblem => {
    const token = tokens[pos++];
    if (token === undefined) return syntax("unexpected end of expression");
    if (token.t === "(") {
      const inner = expression();
      if (isProblem(inner)) return inner;
      if (tokens[pos++]?.t !== ")") return syntax("expected ')'");
      return inner;
    }
    if (token.t !== "word") return syntax("expected a property name");
    if (token.v.toLowerCase() === "startswith" && peek()?.t === "(") {
      pos += 1;
      const property = tokens[pos++];
      if (property?.t !== "word") return syntax("expected a property name in startsWith");
      if (tokens[pos++]?.t !== ",") return syntax("expected ','");
      const value = literal();
      if (isProblem(value)) return value;
      if (tokens[pos++]?.t !== ")") return syntax("expected ')'");
      return checkProperty(property.v, "startsWith") ?? { op: "startsWith", property: property.v, value };
    }
    const property = token.v;
    const operator = tokens[pos++];
    if (operator?.t !== "word") return syntax(`expected an operator after '${property}'`);
    const op = operator.v;
    if (op === "eq" || op === "ne") {
      const value = literal();
      if (isProblem(value)) return value;
      return checkProperty(property, op) ?? { op, property, value };
    }
    if (op === "in") {
      if (tokens[pos++]?.t !== "(") return syntax("expected '(' after 'in'");
      const values: FilterLiteral[] = [];
      for (;;) {
        const value = literal();
        if (isProblem(value)) return value;
        values.push(value);
        const next = tokens[pos++];
        if (next?.t === ")") break;
        if (next?.t !== ",") return syntax("expected ',' or ')' in 'in' list");
      }
      return checkProperty(property, "in") ?? { op: "in", property, values };
    }
    if (["gt", "ge", "lt", "le", "has", "any", "all", "not"].includes(op)) {
      return knownProperties.has(property)
        ? { kind: "unsupported", property }
        : { kind: "unknown-property", property };
    }
    return syntax(`unknown operator '${op}'`);
  };

  const expression = (): FilterExpression | FilterProblem => {
    let left = term();
    if (isProblem(left)) return left;
    for (;;) {
      const next = peek();
      if (next?.t !== "word" || (next.v !== "and" && next.v !== "or")) return left;
      pos += 1;
      const right = term();
      if (isProblem(right)) return right;
      left = { op: next.v, left, right };
    }
  };

  const result = expression();
  if (isProblem(result)) return result;
  if (pos !== tokens.length) return syntax("unexpected text after the expression");
  return result;
}

/** True when the filter is a {@link FilterProblem}. */
export function isFilterProblem(value: FilterExpression | FilterProblem): value is FilterProblem {
  return "kind" in value;
}

function sameValue(actual: unknown, expected: FilterLiteral): boolean {
  // Directory string comparisons are case-insensitive (UPNs, display names, GUIDs).
  if (typeof actual === "string" && typeof expected === "string")
    return actual.toLowerCase() === expected.toLowerCase();
  return actual === expected;
}

/** Evaluates a parsed filter against an entity's properties. */
export function matchesFilter(
  expression: FilterExpression,
  entity: Readonly<Record<string, unknown>>,
): boolean {
  switch (expression.op) {
    case "and":
      return matchesFilter(expression.left, entity) && matchesFilter(expression.right, entity);
    case "or":
      return matchesFilter(expression.left, entity) || matchesFilter(expression.right, entity);
    case "eq":
      return sameValue(entity[expression.property] ?? null, expression.value);
    case "ne":
      return !sameValue(entity[expression.property] ?? null, expression.value);
    case "in":
      return expression.values.some((value) => sameValue(entity[expression.property] ?? null, value));
    case "startsWith": {
      const actual = entity[expression.property];
      return (
        typeof actual === "string" &&
        typeof expression.value === "string" &&
        actual.toLowerCase().startsWith(expression.value.toLowerCase())
      );
    }
  }
}

/** String values a filter pins a property to (`id eq 'x'`, `id in ('x','y')`), for fault matching. */
export function pinnedValues(expression: FilterExpression, property: string): string[] {
  switch (expression.op) {
    case "and":
    case "or":
      return [...pinnedValues(expression.left, property), ...pinnedValues(expression.right, property)];
    case "eq":
      return expression.property === property && typeof expression.value === "string"
        ? [expression.value]
        : [];
    case "in":
      return expression.property === property
        ? expression.values.filter((value): value is string => typeof value === "string")
        : [];
    default:
      return [];
  }
}
