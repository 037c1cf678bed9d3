/**
 * The error base shape of every package in this repository: a plain `Error` with a constant `name`, a
 * `code` from a fixed list, the package's own fields, the original error as `cause`, and a brand in the
 * global symbol registry (`Symbol.for("@rotation-exclusion/<package>/<Name>")`), so that `isXError()`
 * also recognises an error made by another copy of the package (two versions side by side, a bundle).
 */

/** What defines one package's error type. */
export interface ErrorTypeSpec<E extends Error & { readonly code: string }, Field extends keyof E & string> {
  /** The constant `name` of every error of the type. */
  readonly name: E["name"];
  /** The registry key of the brand, `@rotation-exclusion/<package>/<Name>`. */
  readonly brand: string;
  /** Every code, in a stable order; `is()` refuses an error whose code is not one of them. */
  readonly codes: readonly E["code"][];
  /** The type's own fields, set (enumerable, `undefined` when not given) on every error. */
  readonly fields: readonly Field[];
}

/** The factory and the guard of one error type. */
export interface ErrorType<E extends Error & { readonly code: string }, Field extends keyof E & string> {
  create(
    code: E["code"],
    message: string,
    options?: { readonly cause?: unknown } & { readonly [K in Field]?: E[K] | undefined },
  ): E;
  is(value: unknown): value is E;
}

/**
 * Defines a package's error type.
 *
 * @example
 * const cliError = defineErrorType<CliError, "exitCode">({
 *   name: "CliError", brand: "@rotation-exclusion/cli/CliError", codes: CLI_ERROR_CODES, fields: ["exitCode"],
 * });
 * throw cliError.create("usage", "--cloud: \"mars\" is not a cloud", { exitCode: 2 });
 */
export function defineErrorType<E extends Error & { readonly code: string }, Field extends keyof E & string>(
  spec: ErrorTypeSpec<E, Field>,
): ErrorType<E, Field> {
  const brand = Symbol.for(spec.brand);
  const codes: readonly unknown[] = spec.codes;
  return {
    create(code, message, options = {}) {
      const error = new Error(message, "cause" in options ? { cause: options.cause } : undefined);
      const fields: PropertyDescriptorMap = {
        name: { value: spec.name, enumerable: false, configurable: true, writable: true },
        code: { value: code, enumerable: true },
        [brand]: { value: true, enumerable: false },
      };
      for (const field of spec.fields) {
        fields[field] = { value: (options as Record<string, unknown>)[field], enumerable: true };
      }
      Object.defineProperties(error, fields);
      return error as E;
    },
    is(value): value is E {
      return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<symbol, unknown>)[brand] === true &&
        codes.includes((value as { code?: unknown }).code)
      );
    },
  };
}
