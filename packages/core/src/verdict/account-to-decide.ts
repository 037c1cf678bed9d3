/**
 * The one shape of an account on its way to a verdict, whoever names it: a host (`AccountInput`, parsed),
 * the account store (`ManagedAccount`), or a role read (a role holder).
 */
import type { AccountRef } from "../ports/directory-reader.js";

/**
 * An account's Entra object id (lower case) and/or its user principal name: an {@link AccountRef}, or a
 * store entry that names neither (decided `unknown`, never guessed).
 */
export type AccountToDecide =
  | AccountRef
  | { readonly id?: undefined; readonly userPrincipalName?: undefined };
