// The wire protocol's version. Every message carries it; a reader refuses any other (no silent mixing of
// orchestrators and workers built from different contracts).
export const protocolVersion = 1;
