/**
 * Template ids of the built-in Entra directory roles every built tenant holds (built-in roles use their
 * template id as id). Source: Microsoft Entra built-in roles reference (MicrosoftDocs/entra-docs).
 */
export const BUILT_IN_ROLES = {
  "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
  "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "Privileged Authentication Administrator": "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  "Security Administrator": "194ae4cb-b126-40b2-bd5b-6091b380977d",
  "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "Authentication Administrator": "c4e39bd9-1100-46d3-8c65-fb160da0071f",
  "Helpdesk Administrator": "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  "Password Administrator": "966707d0-3269-4727-9be2-8c3a10f19b9d",
} as const satisfies Readonly<Record<string, string>>;

/** Display name of a built-in role in {@link BUILT_IN_ROLES}. */
export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;
