/**
 * Places where Discord's published OpenAPI spec is stricter than Discord itself, patched in memory before
 * validation so the fake does not push the bot away from correct requests. Each entry says why.
 */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  [key: string]: unknown;
}

/** Decimal strings, as Discord serializes permission bitfields. */
const BITFIELD_STRING: JsonSchema = { type: 'string', pattern: '^[0-9]+$' };

/**
 * Permission bitfields are typed `integer` in the spec's request schemas, but Discord documents them as
 * strings ("serialized permissions") and discord.js sends strings (e.g. `setDefaultMemberPermissions`
 * → `"32"`), which Discord accepts. Both forms are allowed here; anything else is still rejected.
 */
const BITFIELD_PROPERTIES = new Set(['default_member_permissions', 'permissions', 'allow', 'deny']);

export function applySpecQuirks(spec: { components?: { schemas?: Record<string, JsonSchema> } }): string[] {
  const patched: string[] = [];
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
    if (!name.endsWith('Request') && !name.endsWith('RequestPartial')) continue;
    for (const [property, definition] of Object.entries(schema.properties ?? {})) {
      const types = Array.isArray(definition.type) ? definition.type : [definition.type];
      if (!BITFIELD_PROPERTIES.has(property) || !types.includes('integer')) continue;
      schema.properties![property] = { anyOf: [definition, BITFIELD_STRING] };
      patched.push(`${name}.${property}`);
    }
  }
  return patched;
}
