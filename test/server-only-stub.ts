// Stand-in for the "server-only" package in Vitest: the real one throws when it is
// imported outside a React Server Components build. Tests run data-layer modules
// directly in Node, so it is aliased to this empty module (see vitest.config.ts).
export {};
