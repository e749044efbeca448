#!/usr/bin/env node
// Installs dependencies when they are missing or out of date, so that `npm run demo`
// and `npm test` work on a fresh clone. Plain Node.js, no dependencies.
//
// Up to date means: node_modules/.package-lock.json (written by npm on every install)
// exists and is not older than package-lock.json. When it is older (a pull or a branch
// switch touched package-lock.json) but records the very same package versions, nothing
// is reinstalled either. Otherwise `npm ci` runs.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lockFile = join(root, "package-lock.json");
const installedFile = join(root, "node_modules", ".package-lock.json");

function readPackages(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8")).packages ?? {};
  } catch {
    return null;
  }
}

// True when every package the lockfile asks for is installed at the locked version.
// Optional packages (platform-specific binaries) may be absent from node_modules.
function sameVersions() {
  const wanted = readPackages(lockFile);
  const installed = readPackages(installedFile);
  if (!wanted || !installed) return false;
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === "" || entry.link) continue;
    const have = installed[path];
    if (!have) {
      if (entry.optional || entry.devOptional) continue;
      return false;
    }
    if (have.version !== entry.version) return false;
  }
  return true;
}

function needsInstall() {
  if (!existsSync(lockFile)) return false; // nothing to install from; leave it to npm
  if (!existsSync(installedFile)) return "node_modules is missing";
  if (statSync(installedFile).mtimeMs >= statSync(lockFile).mtimeMs) return false;
  if (sameVersions()) return false;
  return "package-lock.json changed since the last install";
}

const reason = needsInstall();
if (reason) {
  console.log(`[ensure-deps] ${reason}: running npm ci`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["ci"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  if (result.error) {
    console.error(`[ensure-deps] could not run npm ci: ${result.error.message}`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}
