#!/usr/bin/env node
/**
 * The `prepack` of every publishable package: `npm pack` copies `workspace:*` dependencies into the
 * tarball as is, and installing that tarball then fails with no useful message. pnpm rewrites them to
 * real versions, so only pnpm may pack (issue 16). Fails loudly with what to run instead.
 */
const agent = process.env.npm_config_user_agent ?? "";
if (!agent.startsWith("pnpm/")) {
  process.stderr.write(
    `\nrefusing to pack with ${agent.split(" ")[0] || "this tool"}: the manifest has workspace:* dependencies that only pnpm rewrites.\nRun "pnpm pack" in this package (or "pnpm -r pack --pack-destination <dir>" at the root) instead.\n\n`,
  );
  process.exit(1);
}
