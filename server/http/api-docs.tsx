// /api/docs: the OpenAPI document rendered for people, script-free (the strict CSP allows no inline script): each
// operation with who may call it, its parameters, request body and answers, and the shared schemas they refer to.
import { Hono } from 'hono';
import type { ComponentChildren } from 'preact';
import type { Access } from '../auth/principal.ts';
import { type I18n, isMessageKey } from '../i18n/messages.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import { DataTable } from '../web/data-table.tsx';
import { Layout, Rich } from '../web/layout.tsx';
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

function constraints(t: I18n['t'], schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minLength !== undefined) parts.push(t('api.docs.minLength', { count: schema.minLength }));
  if (schema.maxLength !== undefined) parts.push(t('api.docs.maxLength', { count: schema.maxLength }));
  if (schema.minimum !== undefined) parts.push(t('api.docs.minimum', { value: schema.minimum }));
  if (schema.maximum !== undefined) parts.push(t('api.docs.maximum', { value: schema.maximum }));
  if (schema.maxItems !== undefined) parts.push(t('api.docs.maxItems', { count: schema.maxItems }));
  if (schema.default !== undefined) parts.push(t('api.docs.default', { value: JSON.stringify(schema.default) }));
  return parts.join(t('api.docs.separator'));
}

/** The OpenAPI document's own words (summaries, descriptions): the API's reference is written in English. */
const English = ({ children }: { children: ComponentChildren }) => <span lang="en">{children}</span>;

/** The fields of an object schema as a table; nested objects get their own rows, indented by path. */
function SchemaView({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  const { t } = useI18n();
  const properties = schema.properties;
  const elements = schema.type === 'array' ? schema.items : undefined;
  if (!properties) {
    if (elements?.properties) return <SchemaView schema={elements} depth={depth} />;
    return (
      <p>
        <code>{typeName(schema)}</code> {schema.description && <English>{schema.description}</English>}
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
      caption={t('api.docs.fields')}
      captionHidden
      rows={rows}
      columns={[
        { header: t('api.docs.field'), cell: (r) => <code>{r.path}</code> },
        { header: t('api.docs.type'), cell: (r) => <code>{typeName(r.field)}</code> },
        { header: t('api.docs.required'), cell: (r) => (r.required ? t('web.yes') : t('web.no')) },
        {
          header: t('api.docs.notes'),
          cell: (r) => (
            <>
              {r.field.description && <English>{r.field.description}</English>} {constraints(t, r.field)}
            </>
          ),
        },
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
  new Hono<AppEnv>().get('/', async (c) => {
    const doc = document();
    const operations = operationsOf(doc);
    const tags = [...new Set(operations.flatMap((o) => o.operation.tags ?? []))];
    const schemas = (doc.components?.schemas ?? {}) as Record<string, JsonSchema>;
    const { t } = await i18nOf(c);
    const code = (chunks: ComponentChildren) => <code>{chunks}</code>;
    return html(
      c,
      <Layout title={t('api.docs.title')} principal={c.get('principal')}>
        <p>
          <Rich
            k="api.docs.intro"
            values={{ shape: '{"error": {"code", "message", "fields"}}' }}
            tags={{ code, a: (chunks) => <a href="/api/v1/openapi.json">{chunks}</a> }}
          />
        </p>
        <nav aria-label={t('api.docs.sections')}>
          <ul class="inline-list">
            {tags.map((tag) => (
              <li>
                <a href={`#tag-${tag.replace(/\W+/g, '-')}`} lang="en">
                  {tag}
                </a>
              </li>
            ))}
            <li>
              <a href="#schemas">{t('api.docs.schemas')}</a>
            </li>
          </ul>
        </nav>
        {tags.map((tag) => (
          <section aria-labelledby={`tag-${tag.replace(/\W+/g, '-')}`}>
            <h2 id={`tag-${tag.replace(/\W+/g, '-')}`} lang="en">
              {tag}
            </h2>
            {operations
              .filter((o) => o.operation.tags?.includes(tag))
              .map(({ method, path, operation }) => (
                <details class="card operation" id={operation.operationId}>
                  <summary>
                    <code>
                      {method.toUpperCase()} {path}
                    </code>{' '}
                    <English>{operation.summary}</English>
                  </summary>
                  <p>
                    <strong>{t('api.docs.whoMayCall')}</strong> {t(`api.access.${operation['x-access'] as Access}`)}{' '}
                    <strong>{t('api.docs.operationId')}</strong> <code>{operation.operationId}</code>
                  </p>
                  {operation.parameters?.length ? (
                    <>
                      <h3>{t('api.docs.parameters')}</h3>
                      <ul>
                        {operation.parameters.map((p) => (
                          <li>
                            <code>{p.name}</code> ({p.in}
                            {p.required ? t('api.docs.requiredSuffix') : ''}){' '}
                            <code>{typeName((p.schema ?? {}) as JsonSchema)}</code>{' '}
                            <English>{p.description ?? (p.schema as JsonSchema | undefined)?.description}</English>
                          </li>
                        ))}
                      </ul>
                    </>
                  ) : null}
                  {operation.requestBody && (
                    <>
                      <h3>{t('api.docs.requestBody')}</h3>
                      <Content content={operation.requestBody.content} />
                    </>
                  )}
                  <h3>{t('api.docs.answers')}</h3>
                  {Object.entries(operation.responses).map(([status, response]) => (
                    <div>
                      <p>
                        <strong>{status}</strong> {answerText(t, status, response.description)}
                      </p>
                      {status.startsWith('2') && <Content content={response.content} />}
                    </div>
                  ))}
                </details>
              ))}
          </section>
        ))}
        <section aria-labelledby="schemas">
          <h2 id="schemas">{t('api.docs.schemas')}</h2>
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

/** An error answer is described in the reader's language (its status says what it means); a success in the API's. */
function answerText(t: I18n['t'], status: string, description: string) {
  const key = `api.status.${status}`;
  return isMessageKey(key) ? t(key) : <English>{description}</English>;
}
