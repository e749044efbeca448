/** Whether an error is the null-socket write of postgres.js's nextWrite (porsager/postgres#1154). */
export function isPostgresNullSocketWrite(error: unknown): boolean;
/** Logs and survives that one uncaught exception; any other ends the process as Node would. */
export function installPostgresWriteGuard(log?: (line: string) => void): void;
