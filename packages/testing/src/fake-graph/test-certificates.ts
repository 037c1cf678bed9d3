/**
 * A throwaway certificate authority and a `localhost`/`127.0.0.1` server certificate it signed, made
 * in-process once per process (EC P-256, a few milliseconds). Clients trust the CA explicitly (`ca`
 * option or NODE_EXTRA_CA_CERTS); TLS verification is never turned off.
 */
import { generate } from "selfsigned";

/** PEM strings of the test CA and of the server certificate it signed. */
export interface TestCertificates {
  /** The CA certificate clients must trust. */
  readonly caCert: string;
  /** The server certificate (SAN: DNS localhost, IP 127.0.0.1). */
  readonly cert: string;
  /** The server's private key. */
  readonly key: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
let cached: Promise<TestCertificates> | undefined;

async function create(): Promise<TestCertificates> {
  // Backdated a day so clock skew between test processes never makes the certificate "not yet valid".
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const notAfterDate = new Date(Date.now() + 30 * DAY_MS);
  const ca = await generate([{ name: "commonName", value: "rotation-exclusion fake Graph test CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { caCert: ca.cert, cert: leaf.cert, key: leaf.private };
}

/** The process-wide test certificates, created on first use. */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= create().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
