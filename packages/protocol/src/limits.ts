/** Defaults for the limits the edge enforces; the gateway may lower or raise them by config. */
export const DEFAULT_MAX_CONTENT_LENGTH = 4000;
/** Lamport values stay far below 2^53 so `max(room, client) + 1` is exact in Lua and JS. */
export const MAX_LAMPORT = 1e15;
export const MAX_PAGE_LIMIT = 100;
export const MAX_SYNC_LIMIT = 1000;
export const DEFAULT_SYNC_LIMIT = 500;
export const MAX_SKIP = 10_000;
export const MAX_PARTICIPANTS_PER_REQUEST = 1000;
