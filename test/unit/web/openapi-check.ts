import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

type Ajv2020Class = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: Ajv2020Class }).default ??
  Ajv2020Module) as unknown as Ajv2020Class;
type AddFormats = typeof addFormatsModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
}

export interface Answer {
  readonly method: string;
  /** The path as requested (query string allowed). */
  readonly url: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/**
 * Validates API answers against the OpenAPI document the server generates: the operation (path template and
 * method) must exist, the status must be documented, and a JSON body must match its schema.
 */
export class OpenApiCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly cache = new Map<string, ValidateFunction>();
  /** Every operation answered at least once, as `METHOD /template`. */
  readonly seen = new Set<string>();

  constructor(private readonly doc: OpenApiDoc) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi.json');
  }

  /** Operations the document lists, as `METHOD /template`. */
  operations(): string[] {
    return Object.entries(this.doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  check(answer: Answer): void {
    const path = answer.url.split('?')[0] ?? '';
    // The most literal template wins: /queue/move before /queue/{entryId}.
    const template = Object.keys(this.doc.paths)
      .filter((t) => matches(t, path))
      .sort((a, b) => literals(b) - literals(a))[0];
    const where = `${answer.method} ${path} → ${answer.status}`;
    expect(template, `${where}: no such path in the OpenAPI document`).toBeDefined();
    const method = answer.method.toLowerCase();
    const operation = this.doc.paths[template as string]?.[method];
    expect(operation, `${where}: no such operation`).toBeDefined();
    this.seen.add(`${answer.method.toUpperCase()} ${template}`);
    const response = operation?.responses?.[String(answer.status)];
    expect(response, `${where}: status not documented`).toBeDefined();
    if (!answer.contentType?.startsWith('application/json')) return;
    const pointer = [
      'paths',
      template as string,
      method,
      'responses',
      String(answer.status),
      'content',
      'application/json',
      'schema',
    ]
      .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    let validate = this.cache.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json#/${pointer}` });
      this.cache.set(pointer, validate);
    }
    const body = JSON.parse(answer.body) as unknown;
    const valid = validate(body);
    expect(
      valid,
      `${where}: body ${answer.body.slice(0, 300)} does not match: ${JSON.stringify(validate.errors)}`,
    ).toBe(true);
  }
}

function matches(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((part, i) => part.startsWith('{') || part === p[i]);
}

const literals = (template: string): number => template.split('/').filter((part) => !part.startsWith('{')).length;
