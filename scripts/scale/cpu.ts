// CPU time read from Linux's /proc, for the benchmarks that split a registration's cost
// between this process, the app server and PostgreSQL (all on this machine).
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a /proc/…/stat line, in ms. */
function statCpuMs(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** CPU used so far by one process (every thread), in ms; 0 once it is gone. */
export function processCpuMs(pid: number): number {
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return 0;
  }
}

/** CPU used so far by every local PostgreSQL process, in ms. */
export function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("postgres")) continue;
      total += statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU of this process's threads by name#tid, in ms. */
export function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const raw = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      out.set(`${raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"))}#${tid}`, statCpuMs(raw));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
