export type ClientInfo = { address: string | null; proto: "http" | "https"; host: string | null };
export type RequestLike = {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string; encrypted?: boolean } | null;
};
export function trustedProxyHops(raw: string | undefined): number;
export function resolveClient(
  input: { socketAddress: string | undefined; encrypted: boolean; headers: Record<string, string | string[] | undefined> },
  hops: number,
): ClientInfo;
export const STAMPED: unique symbol;
export function stampRequest(req: RequestLike, hops: number): ClientInfo;
