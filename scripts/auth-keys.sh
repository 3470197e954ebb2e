# Sourced by start.sh: the local key pair that signs bearer tokens (docs/security.md). Generated once
# under .run/auth/ (git-ignored; private key mode 600) and handed to balance-api as
# AUTH_JWT_PUBLIC_KEY_FILE with the local issuer and audience, unless the environment already names
# a key source (AUTH_JWKS_URL for an OIDC provider, or a public key of its own).
# `npm run ledger-cli -- token --role operator` signs with .run/auth/signing-key.pem.
auth_dir="${LEDGER_RUN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run}/auth"
if [ -z "${AUTH_JWKS_URL:-}${AUTH_JWT_PUBLIC_KEY:-}${AUTH_JWT_PUBLIC_KEY_FILE:-}" ]; then
  if [ ! -f "$auth_dir/signing-key.pem" ] || [ ! -f "$auth_dir/public-key.pem" ]; then
    mkdir -p "$auth_dir"
    # Written under temporary names and renamed: an interrupted run never leaves half a pair.
    (umask 077 && node -e '
      const { generateKeyPairSync } = require("node:crypto");
      const { renameSync, writeFileSync } = require("node:fs");
      const [signing, verifying] = process.argv.slice(1);
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      writeFileSync(`${signing}.tmp`, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
      writeFileSync(`${verifying}.tmp`, publicKey.export({ type: "spki", format: "pem" }), { mode: 0o644 });
      renameSync(`${verifying}.tmp`, verifying);
      renameSync(`${signing}.tmp`, signing);
    ' "$auth_dir/signing-key.pem" "$auth_dir/public-key.pem")
    chmod 644 "$auth_dir/public-key.pem"
    printf '[%s] generated the local token signing key pair in %s\n' "$(date +%H:%M:%S)" "$auth_dir" >&2
  fi
  export AUTH_JWT_PUBLIC_KEY_FILE="$auth_dir/public-key.pem"
  export AUTH_ISSUER="${AUTH_ISSUER:-urn:prepay-balance-ledger:local}"
  export AUTH_AUDIENCE="${AUTH_AUDIENCE:-prepay-balance-ledger}"
fi
