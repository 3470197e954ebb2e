# Sourced by start.sh: the local Ed25519 key pair that signs audit anchors (docs/auditing.md).
# Generated once under .run/audit/ (private key mode 600, public key beside it) and exported as
# AUDIT_ANCHOR_KEY_FILE / AUDIT_ANCHOR_PUBLIC_KEY_FILE unless those are already set. In production
# the private key lives outside the database host and is mounted from a secret store instead.
anchor_dir="${LEDGER_RUN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run}/audit"
if [ -z "${AUDIT_ANCHOR_KEY_FILE:-}" ]; then
  mkdir -p "$anchor_dir"
  if [ ! -f "$anchor_dir/anchor-key.pem" ]; then
    (umask 077 && node -e '
      const { generateKeyPairSync } = require("node:crypto");
      const { writeFileSync } = require("node:fs");
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      writeFileSync(process.argv[1], privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
      writeFileSync(process.argv[2], publicKey.export({ type: "spki", format: "pem" }), { mode: 0o644 });
    ' "$anchor_dir/anchor-key.pem" "$anchor_dir/anchor-key.pub.pem")
    chmod 644 "$anchor_dir/anchor-key.pub.pem"
    printf '[%s] generated the audit anchor key pair in %s\n' "$(date +%H:%M:%S)" "$anchor_dir" >&2
  fi
  export AUDIT_ANCHOR_KEY_FILE="$anchor_dir/anchor-key.pem"
  export AUDIT_ANCHOR_PUBLIC_KEY_FILE="${AUDIT_ANCHOR_PUBLIC_KEY_FILE:-$anchor_dir/anchor-key.pub.pem}"
fi
