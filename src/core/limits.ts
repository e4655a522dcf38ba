/**
 * Limits shared by the adapters, the resolver and the commands, so each is stated once. Runtime overrides come
 * from the configuration (e.g. MAX_PLAYLIST); these are the defaults.
 */

/** Default cap on tracks taken from one playlist (MAX_PLAYLIST). */
export const MAX_PLAYLIST = 1000;
