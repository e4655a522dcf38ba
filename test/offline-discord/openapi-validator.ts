import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { applySpecQuirks } from './openapi-quirks.js';

/** The vendored copy of Discord's OpenAPI 3.1 spec (see test/fixtures/discord-api-spec/README.md). */
export const OPENAPI_SPEC_PATH = fileURLToPath(new URL('../fixtures/discord-api-spec/openapi.json', import.meta.url));

type Ajv2020Class = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: Ajv2020Class }).default ??
  Ajv2020Module) as unknown as Ajv2020Class;
type AddFormats = typeof addFormatsModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

interface OpenApiOperation {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation | unknown>>;
}

/** The outcome of validating one request body. `errors` is empty when it is valid. */
export interface BodyValidation {
  /** False when the spec has no such path + method (then nothing could be checked). */
  known: boolean;
  errors: string[];
}

/**
 * Validates request bodies against Discord's OpenAPI spec with Ajv (JSON Schema 2020-12).
 * Route templates use the spec's own names, e.g. `/channels/{channel_id}/messages`.
 * Compiled validators are cached per (template, method); the spec is parsed once per process.
 * Known places where the spec is stricter than Discord are relaxed first (see openapi-quirks.ts).
 */
export class OpenApiValidator {
  private readonly ajv: InstanceType<Ajv2020Class>;
  private readonly spec: OpenApiDocument;
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(specPath: string = OPENAPI_SPEC_PATH) {
    this.spec = loadSpec(specPath);
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, validateFormats: true });
    addFormats(this.ajv);
    for (const format of ['snowflake', 'nonce', 'int32', 'int64', 'double', 'float']) {
      if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    }
    this.ajv.addSchema(this.spec as object, 'discord-openapi.json');
  }

  /** Spec path templates, e.g. to find which template a concrete path matches. */
  get pathTemplates(): string[] {
    return Object.keys(this.spec.paths);
  }

  /** Whether the spec defines this template + method. */
  hasOperation(template: string, method: string): boolean {
    return this.operation(template, method) !== undefined;
  }

  /**
   * Validates a JSON body (for multipart requests pass the parsed `payload_json`).
   * A missing body is an error only when the spec marks it required.
   */
  validate(template: string, method: string, body: unknown): BodyValidation {
    const operation = this.operation(template, method);
    if (!operation) return { known: false, errors: [`no operation ${method.toUpperCase()} ${template} in the spec`] };
    const requestBody = operation.requestBody;
    if (body === undefined) {
      return { known: true, errors: requestBody?.required ? ['request body is required but missing'] : [] };
    }
    if (!requestBody) return { known: true, errors: [] };
    const validator = this.validator(template, method);
    if (!validator) return { known: true, errors: [] };
    return { known: true, errors: validator(body) ? [] : formatErrors(validator.errors ?? []) };
  }

  /** Validates a JSON answer the fake gives against the spec's schema for that status (its documented shape). */
  validateResponse(template: string, method: string, status: number, body: unknown): BodyValidation {
    const operation = this.operation(template, method) as { responses?: Record<string, unknown> } | undefined;
    if (!operation?.responses?.[String(status)])
      return { known: false, errors: [`no ${status} answer for ${method.toUpperCase()} ${template} in the spec`] };
    const pointer = [
      'paths',
      template,
      method.toLowerCase(),
      'responses',
      String(status),
      'content',
      'application/json',
      'schema',
    ]
      .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    const key = `response ${pointer}`;
    let compiled = this.cache.get(key);
    if (!compiled) {
      compiled = this.ajv.compile({ $ref: `discord-openapi.json#/${pointer}` });
      this.cache.set(key, compiled);
    }
    return { known: true, errors: compiled(body) ? [] : formatErrors(compiled.errors ?? []) };
  }

  private operation(template: string, method: string): OpenApiOperation | undefined {
    const item = this.spec.paths[template];
    const op = item?.[method.toLowerCase()];
    return op && typeof op === 'object' ? (op as OpenApiOperation) : undefined;
  }

  private validator(template: string, method: string): ValidateFunction | null {
    const key = `${method.toLowerCase()} ${template}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const content = this.operation(template, method)?.requestBody?.content ?? {};
    const mediaType = content['application/json'] ? 'application/json' : Object.keys(content)[0];
    let compiled: ValidateFunction | null = null;
    if (mediaType) {
      const pointer = ['paths', template, method.toLowerCase(), 'requestBody', 'content', mediaType, 'schema']
        .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
        .join('/');
      compiled = this.ajv.compile({ $ref: `discord-openapi.json#/${pointer}` });
    }
    this.cache.set(key, compiled);
    return compiled;
  }
}

const specCache = new Map<string, OpenApiDocument>();
function loadSpec(specPath: string): OpenApiDocument {
  let spec = specCache.get(specPath);
  if (!spec) {
    spec = JSON.parse(readFileSync(specPath, 'utf8')) as OpenApiDocument;
    applySpecQuirks(spec as Parameters<typeof applySpecQuirks>[0]);
    specCache.set(specPath, spec);
  }
  return spec;
}

function formatErrors(errors: ErrorObject[]): string[] {
  // anyOf/oneOf produce one error per branch; keep them all but drop exact duplicates.
  const lines = errors.map(
    (e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
  return [...new Set(lines)];
}

let shared: OpenApiValidator | undefined;
/** One validator per process: compiling the spec's schemas is the expensive part, so share it. */
export function sharedOpenApiValidator(): OpenApiValidator {
  shared ??= new OpenApiValidator();
  return shared;
}
