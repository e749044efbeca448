// npm run keys:rotate [-- --rehash]
// Re-encrypts every NIK and KK not under the first key of DATA_KEYS; with --rehash also
// recomputes every keyed hash under DATA_HASH_KEY. See docs/decisions/010-identity-encryption.md
// for the order of the steps (new key first in DATA_KEYS everywhere, then this, then drop
// the old key).
import { parseArgs } from "node:util";
import { closeDb, db, dbKind } from "../db/index";
import { rotateIdentityKeys } from "../db/identity-keys";

const { values } = parseArgs({ options: { rehash: { type: "boolean", default: false } } });
const started = Date.now();
const result = await rotateIdentityKeys(db, { rehash: values.rehash });
console.log(
  JSON.stringify({ database: dbKind, ...result, rehash: values.rehash, seconds: (Date.now() - started) / 1000 }),
);
await closeDb();
