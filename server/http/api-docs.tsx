// /api/docs: the OpenAPI document rendered for people, script-free (the strict CSP allows no inline script): each
// operation with who may call it, its parameters, request body and answers, and the shared schemas they refer to.
import { Hono } from 'hono';
import type { ComponentChildren } from 'preact';
import { ACCESS_DESCRIPTIONS, type Access } from '../auth/principal.ts';
import { DataTable } from '../web/data-table.tsx';
import { Layout } from '../web/layout.tsx';
import { html } from '../web/page-helpers.tsx';
import type { AppEnv } from './env.ts';
import { type OpenApiDocument, operationsOf } from './openapi.ts';

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  default?: unknown;
  additionalProperties?: JsonSchema | boolean;
};

const refName = (ref: string) => ref.split('/').pop() ?? ref;
const anchor = (name: string) => `schema-${name}`;

/** A one-line name for a schema's type: `string`, `Account`, `Exam[]`, `"a" | "b"`. */
function typeName(schema: JsonSchema): ComponentChildren {
  if (schema.$ref) return <a href={`#${anchor(refName(schema.$ref))}`}>{refName(schema.$ref)}</a>;
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants)
    return variants.map((v, i) => (
      <>
        {i > 0 && ' | '}
        {typeName(v)}
      </>
    ));
  if (schema.type === 'array' && schema.items) return <>{typeName(schema.items)}[]</>;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  return schema.format ? `${type} (${schema.format})` : type;
}

function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minLength !== undefined) parts.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined) parts.push(`from ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`to ${schema.maximum}`);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

/** The fields of an object schema as a table; nested objects get their own rows, indented by path. */
function SchemaView({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  const properties = schema.properties;
  const elements = schema.type === 'array' ? schema.items : undefined;
  if (!properties) {
    if (elements?.properties) return <SchemaView schema={elements} depth={depth} />;
    return (
      <p>
        <code>{typeName(schema)}</code> {schema.description}
      </p>
    );
  }
  const rows: { path: string; field: JsonSchema; required: boolean }[] = [];
  const walk = (props: Record<string, JsonSchema>, required: string[], prefix: string, level: number) => {
    for (const [name, field] of Object.entries(props)) {
      const path = prefix ? `${prefix}.${name}` : name;
      rows.push({ path, field, required: required.includes(name) });
      const nested = field.properties ? field : field.type === 'array' ? field.items : undefined;
      if (nested?.properties && level < 3)
        walk(nested.properties, nested.required ?? [], field.type === 'array' ? `${path}[]` : path, level + 1);
    }
  };
  walk(properties, schema.required ?? [], '', depth);
  return (
    <DataTable
      caption="Fields"
      captionHidden
      rows={rows}
      columns={[
        { header: 'Field', cell: (r) => <code>{r.path}</code> },
        { header: 'Type', cell: (r) => <code>{typeName(r.field)}</code> },
        { header: 'Required', cell: (r) => (r.required ? 'yes' : 'no') },
        { header: 'Notes', cell: (r) => [r.field.description, constraints(r.field)].filter(Boolean).join('. ') },
      ]}
    />
  );
}

function Content({ content }: { content?: Record<string, { schema?: unknown }> }) {
  if (!content) return null;
  return (
    <>
      {Object.entries(content).map(([type, media]) => (
        <>
          <p class="hint">{type}</p>
          {media.schema ? <SchemaView schema={media.schema as JsonSchema} /> : null}
        </>
      ))}
    </>
  );
}

export const apiDocsPage = (document: () => OpenApiDocument) =>
  new Hono<AppEnv>().get('/', (c) => {
    const doc = document();
    const operations = operationsOf(doc);
    const tags = [...new Set(operations.flatMap((o) => o.operation.tags ?? []))];
    const schemas = (doc.components?.schemas ?? {}) as Record<string, JsonSchema>;
    return html(
      c,
      <Layout title="Seatkeeper API" principal={c.get('principal')}>
        <p>
          JSON over HTTPS under <code>/api/v1</code>. Authenticate with the session cookie (browsers) or{' '}
          <code>Authorization: Bearer skp_…</code> (personal access tokens). Errors always look like{' '}
          <code>{'{"error": {"code", "message", "fields"}}'}</code>. Machine-readable description:{' '}
          <a href="/api/v1/openapi.json">OpenAPI 3.1 document</a>.
        </p>
        <nav aria-label="Sections">
          <ul class="inline-list">
            {tags.map((tag) => (
              <li>
                <a href={`#tag-${tag.replace(/\W+/g, '-')}`}>{tag}</a>
              </li>
            ))}
            <li>
              <a href="#schemas">Schemas</a>
            </li>
          </ul>
        </nav>
        {tags.map((tag) => (
          <section aria-labelledby={`tag-${tag.replace(/\W+/g, '-')}`}>
            <h2 id={`tag-${tag.replace(/\W+/g, '-')}`}>{tag}</h2>
            {operations
              .filter((o) => o.operation.tags?.includes(tag))
              .map(({ method, path, operation }) => (
                <details class="card operation" id={operation.operationId}>
                  <summary>
                    <code>
                      {method.toUpperCase()} {path}
                    </code>{' '}
                    {operation.summary}
                  </summary>
                  <p>
                    <strong>Who may call it:</strong> {ACCESS_DESCRIPTIONS[operation['x-access'] as Access]}.{' '}
                    <strong>Operation id:</strong> <code>{operation.operationId}</code>
                  </p>
                  {operation.parameters?.length ? (
                    <>
                      <h3>Parameters</h3>
                      <ul>
                        {operation.parameters.map((p) => (
                          <li>
                            <code>{p.name}</code> ({p.in}
                            {p.required ? ', required' : ''}) <code>{typeName((p.schema ?? {}) as JsonSchema)}</code>{' '}
                            {p.description ?? (p.schema as JsonSchema | undefined)?.description}
                          </li>
                        ))}
                      </ul>
                    </>
                  ) : null}
                  {operation.requestBody && (
                    <>
                      <h3>Request body</h3>
                      <Content content={operation.requestBody.content} />
                    </>
                  )}
                  <h3>Answers</h3>
                  {Object.entries(operation.responses).map(([status, response]) => (
                    <div>
                      <p>
                        <strong>{status}</strong> {response.description}
                      </p>
                      {status.startsWith('2') && <Content content={response.content} />}
                    </div>
                  ))}
                </details>
              ))}
          </section>
        ))}
        <section aria-labelledby="schemas">
          <h2 id="schemas">Schemas</h2>
          {Object.entries(schemas).map(([name, schema]) => (
            <div class="card" id={anchor(name)}>
              <h3>{name}</h3>
              <SchemaView schema={schema} />
            </div>
          ))}
        </section>
      </Layout>,
    );
  });
