/** The `--help` text of every command, each with an example. */

const COMMON_FLAGS = `  --tenant-id <id>        Directory (tenant) id, a GUID. Default: AZURE_TENANT_ID.
  --format table|json     Output format. Default: table. json prints exactly one JSON document.
  --cloud <cloud>         global | usgov | usgov-dod | china. Default: global. Picks the Graph root,
                          the sign-in authority and the token scope.
  --graph-base-url <url>  Graph root without the version (https://graph.microsoft.us). Overrides the
                          cloud's root; the token scope still comes from --cloud. Only Microsoft
                          Graph hosts and loopback (a local test server) are accepted: the token is
                          sent there.
  --allow-custom-graph-host
                          Accept any other https host for --graph-base-url (a proxy you trust).
  --log-level <level>     fatal | error | warn | info | debug | trace | silent. Default: no log lines;
                          a failure is one line on stderr. Given alone, logs are JSON lines.
  --log-format human|json Log lines for a person or pino JSON lines (default level warn). Logs go
                          to stderr; stdout carries only the result.
  -h, --help              Show this help.`;

const CREDENTIALS = `Credentials (environment only, never flags):
  --credential <kind>     default | environment | managed-identity | workload-identity | azure-cli.
                          default: GRAPH_ACCESS_TOKEN when set, else an app registration from the
                          environment, else @azure/identity's DefaultAzureCredential chain.
  GRAPH_ACCESS_TOKEN      A pre-acquired Microsoft Graph token. Before the first request its tid,
                          aud (the cloud's Graph) and exp/nbf are checked; a mismatch is exit 2.
  environment             AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, or with
                          AZURE_CLIENT_CERTIFICATE_PATH (PEM or PFX) and, if it is encrypted,
                          AZURE_CLIENT_CERTIFICATE_PASSWORD.
  managed-identity        The Azure resource's identity (IDENTITY_ENDPOINT + IDENTITY_HEADER on App
                          Service, Functions and Container Apps; the instance metadata service on a
                          VM). AZURE_CLIENT_ID picks a user-assigned identity.
  workload-identity       AZURE_CLIENT_ID + AZURE_FEDERATED_TOKEN_FILE (AKS workload identity).
  azure-cli               The account of "az login" (az account get-access-token).
  AZURE_AUTHORITY_HOST    Overrides the cloud's sign-in authority.
  NODE_EXTRA_CA_CERTS     Extra trusted CA certificates (PEM file) for a private Graph endpoint.

Exit status: 0 every account decided; 3 some account unknown or the report incomplete (the output
says which and why); 2 bad flags or input, a token for another tenant, resource or time, or a --user
that does not exist; 1 nothing could be read (authentication, network); 4 audit --fail-on met.`;

/** Help of the program. */
export const MAIN_HELP = `rotation-exclusion: find the Microsoft Entra accounts that restricted management administrative
units protect, and show what that means for automatic password rotation.

Usage: rotation-exclusion <command> [flags]

Commands:
  demo    Run one rotation cycle on an embedded demo tenant, without and with the guard.
  scan    List protected accounts, role holders and chosen users of a tenant, with verdicts.
  audit   Check the tenant's emergency-access posture (protected Global Administrators).
  report  The posture of many tenants in one HTML, Markdown, CSV or JSON report, read live from a
          tenant list or built from saved scan and audit JSON.
  fake-graph
          Serve the demo tenant as a fake Microsoft Graph on 127.0.0.1 and print the scan and
          audit commands to try against it.

Run "rotation-exclusion <command> --help" for a command's flags, "rotation-exclusion --version" for
the version.

Example:
  rotation-exclusion demo
`;

/** Help of `demo`. */
export const DEMO_HELP = `Usage: rotation-exclusion demo [--format table|json] [--log-level <level>] [--log-format human|json]

Starts a fake Microsoft Graph server over HTTPS in-process with an embedded tenant (two emergency-access
Global Administrators in a restricted unit, look-alikes that are not protected, a few dozen users), then
runs one rotation cycle over the Global Administrators twice, through the real Graph adapter:
  A. without the guard: every imported account rotates; the protected ones fail with the RMAU 403;
  B. with the guard: the role import excludes the protected accounts, with evidence; nothing fails.

Flags:
  --format table|json     Output format. Default: table.
  --log-level <level>     Default: no log lines. Logs go to stderr.
  --log-format human|json Log lines for a person or JSON lines. Default: json when --log-level is given.
  -h, --help              Show this help.

Example:
  rotation-exclusion demo --format json
`;

/** Help of `scan`. */
export const SCAN_HELP = `Usage: rotation-exclusion scan --tenant-id <id> [--role <name or id>]... [--user <id or UPN>]... [flags]

Lists every protected user of the tenant, the holders of each --role (active and PIM-eligible,
role-assignable groups expanded) and each --user: one row per account with its verdict
(protected / not-protected / unknown), the reason, the evidence and why it is listed.
Reads only; writes nothing.

Flags:
  --role <name or id>     A directory role by display name or role template id; repeatable.
  --user <id or UPN>      An account by object id or user principal name; repeatable.
${COMMON_FLAGS}

${CREDENTIALS}

Example:
  GRAPH_ACCESS_TOKEN=... rotation-exclusion scan --tenant-id 00000000-0000-0000-0000-000000000000 \\
    --role "Global Administrator" --user breakglass1@contoso.onmicrosoft.com --format json
`;

/** Help of `audit`. */
export const AUDIT_HELP = `Usage: rotation-exclusion audit --tenant-id <id> [flags]

Checks the emergency-access posture Microsoft recommends: are there protected Global Administrators
(active or eligible) at all (two or more emergency-access accounts are recommended), which Global
Administrators are not protected, what the tenant's restricted units look like, and which apps hold a
password-resetting role scoped to a restricted unit (such an app can change that unit's members). Every
finding has a severity and what to do. Reads only; writes nothing.

Flags:
  --fail-on warning|error Exit 4 when a finding has this severity or a worse one (after a complete
                          report), so a pipeline fails on posture without parsing JSON.
${COMMON_FLAGS}

${CREDENTIALS}

Example:
  AZURE_CLIENT_ID=... AZURE_CLIENT_SECRET=... rotation-exclusion audit \\
    --tenant-id 00000000-0000-0000-0000-000000000000 --cloud usgov
`;

/** Help of `fake-graph`. */
export const FAKE_GRAPH_HELP = `Usage: rotation-exclusion fake-graph [--port <port>] [--report-fixtures]

Serves the demo's embedded tenant (emergency-access Global Administrators in a restricted unit,
look-alikes that are not protected, a few dozen users) as a fake Microsoft Graph over HTTPS on
127.0.0.1, with a throwaway CA, until Ctrl-C. Prints the exact scan and audit commands to try against
it; the token they use is written to a file, never printed. Nothing leaves this machine.

Flags:
  --port <port>           The port to listen on. Default: a free one.
  --report-fixtures       Serve six report tenants instead (healthy, one protected Global
                          Administrator, no restricted unit, a read that always fails, an unreadable
                          hidden unit, hostile names) and a fake sign-in authority; prints the
                          tenant list and the report command (its client secret is in a file).
  -h, --help              Show this help.

Examples:
  rotation-exclusion fake-graph --port 8443
  rotation-exclusion fake-graph --report-fixtures
`;

/** Help of `report`. */
export const REPORT_HELP = `Usage: rotation-exclusion report --tenants <file> [flags]
       rotation-exclusion report --from <file> [--from <file>]... [--tenants <file>] [flags]

The posture of many tenants in one document: restricted units, protected accounts, Global
Administrators and findings per tenant, with where each part came from. Reads only; writes nothing
to any tenant.

Live (--tenants without --from): each tenant of the list is read like "audit", at most --concurrency
at once; one tenant's failure never stops another. A tenant not read by --deadline is reported
incomplete ("deadline"); one that could not be read at all is listed with its error. Tenants whose
cloud column differs from --cloud are not read (each national cloud needs its own app registration):
read them with that cloud's --cloud and app registration (scan and audit --format json), then merge
the saved JSON with --from.

From saved JSON (--from): files written by "scan --format json", "audit --format json" or a
multi-tenant cycle report that kept its per-tenant reports. Each is validated; a bad file is exit 2
naming it. --tenants then only names and orders tenants: nothing is read live.

Tenant list (--tenants): one tenant id per line (blank lines and # comments ignored), or CSV with
the header tenantId and optional displayName and cloud columns.

Flags:
  --tenants <file>        The tenant list.
  --from <file>           A saved scan, audit or cycle JSON document; repeatable.
  --format <format>       html | md | csv | json. Default: html.
  --out <file>            Write the report to this file (whole or not at all). Default: stdout;
                          html goes to stdout only when stdout is not a terminal.
  --tenant <id>           Only this tenant, in every format (no other tenant's ids, names, UPNs or
                          units in the output); repeatable.
  --all-tenants           Allow Markdown of more than one tenant (Markdown is one tenant's document
                          by default, to keep customers apart).
  --redact-upn            Replace user principal names.
  --stale-after <hours>   Flag a tenant read longer ago than this. Default: 24.
  --fail-on warning|error Exit 4 when a finding has this severity or worse, and when a tenant is
                          incomplete (unless --allow-incomplete).
  --allow-incomplete      Incomplete tenants do not change the exit status (0 instead of 3, and not
                          4 with --fail-on); the report still marks them.
  --concurrency <n>       Tenants read at once (live). Default: 8.
  --deadline <seconds>    Give up on tenants not read by then (live). Default: 300.
${COMMON_FLAGS.split("\n").slice(2).join("\n")}

${CREDENTIALS.split("\n\nExit status")[0]}
  A GRAPH_ACCESS_TOKEN is one tenant's token: refused (exit 2) when the list has more than one
  tenant. Use an app registration that is consented in every tenant.

Exit status: 0 every tenant complete and decided; 3 some tenant incomplete or some account unknown
(one line on stderr says which); 4 --fail-on met; 2 bad flags, tenant list or --from file; 1 no
tenant could be read at all.

Examples:
  AZURE_CLIENT_ID=... AZURE_CLIENT_SECRET=... rotation-exclusion report --tenants tenants.csv \\
    --out posture.html
  rotation-exclusion report --from acme-scan.json --from acme-audit.json --format md --tenant \\
    00000000-0000-0000-0000-000000000000 --redact-upn
`;
