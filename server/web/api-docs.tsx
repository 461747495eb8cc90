import { Hono } from 'hono';
import { API_ROUTES, type RouteSpec } from '../api/routes.ts';
import { ACCESS_DESCRIPTIONS } from '../auth/principal.ts';
import type { AppEnv } from '../http/env.ts';
import { Layout } from './layout.tsx';
import { html } from './page-helpers.ts';

/** A readable, script-free rendering of the route catalogue; the machine-readable form is /api/v1/openapi.json. */
export const apiDocsPage = new Hono<AppEnv>().get('/', (c) => {
  const routes = Object.values(API_ROUTES) as RouteSpec[];
  const tags = [...new Set(routes.map((r) => r.tag))];
  return html(
    c,
    <Layout title="Seatkeeper API" principal={c.get('principal')}>
      <p>
        JSON over HTTPS under <code>/api/v1</code>. Authenticate with the session cookie (browsers) or{' '}
        <code>Authorization: Bearer skp_…</code> (personal access tokens). Errors always look like{' '}
        <code>{'{"error": {"code", "message", "fields"}}'}</code>. Machine-readable description:{' '}
        <a href="/api/v1/openapi.json">OpenAPI 3.1 document</a>.
      </p>
      {tags.map((tag) => (
        <section class="card" aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`}>{tag}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Route</th>
                <th scope="col">What it does</th>
                <th scope="col">Who may call it</th>
              </tr>
            </thead>
            <tbody>
              {routes
                .filter((r) => r.tag === tag)
                .map((r) => (
                  <tr>
                    <td>
                      <code>
                        {r.method} {r.path}
                      </code>
                    </td>
                    <td>{r.summary}</td>
                    <td>{ACCESS_DESCRIPTIONS[r.access]}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      ))}
    </Layout>,
  );
});
