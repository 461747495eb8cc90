// The deployment files say what issue 23 (item 12) asks: a multi-stage, non-root image with a health check that runs
// the server as PID 1; compose with two instances on PostgreSQL behind nginx; a systemd unit that stops cleanly.
// Static checks of our intent: compose.yaml was also checked with `docker-compose config` and the compose-spec JSON
// schema (docs/operations.md says how); no Docker daemon runs in CI.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Service {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

describe('deployment files', () => {
  it('Dockerfile: two stages, the production image runs as node with a /healthz check and the server as PID 1', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(runtime).toContain('CMD ["node", "--import", "tsx", "server/main.ts"]');
    expect(runtime).toMatch(/^EXPOSE 8787$/m);
    // What the runtime stage copies exists in the repository.
    for (const dir of ['server', 'shared', 'bin']) expect(runtime).toContain(`/app/${dir} ./${dir}`);
  });

  it('compose.yaml: two instances of one image on PostgreSQL, behind nginx, each started once its database is up', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
    const { db, app1, app2, proxy } = compose.services as Record<string, Service>;
    expect(db?.image).toMatch(/^postgres:1[5-9]/);
    for (const app of [app1, app2]) {
      expect(app?.build).toBe('.');
      expect(app?.image).toBe('seatkeeper:local');
      expect(app?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/seatkeeper:.*@db:5432\/seatkeeper$/);
      expect(app?.environment?.TRUST_PROXY).toBe('1');
      expect(app?.depends_on?.db?.condition).toBe('service_healthy');
    }
    expect(app1?.volumes).not.toEqual(app2?.volumes);
    expect(proxy?.volumes).toContain('./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(proxy?.depends_on).toEqual({
      app1: { condition: 'service_healthy' },
      app2: { condition: 'service_healthy' },
    });
  });

  it('nginx.conf: both instances upstream, the client address and a request id passed on, /metrics kept inside', () => {
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toContain('server app1:8787');
    expect(nginx).toContain('server app2:8787');
    expect(nginx).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(nginx).toContain('proxy_set_header X-Request-Id $request_id;');
    expect(nginx).toMatch(/location = \/metrics \{\s+return 404;/);
    expect(nginx).toContain('proxy_next_upstream error timeout http_502 http_503;');
  });

  it('seatkeeper.service: runs the server itself as an unprivileged user and gives it time to stop cleanly', () => {
    const unit = read('deploy/seatkeeper.service');
    expect(unit).toContain('ExecStart=/usr/bin/node --import tsx server/main.ts');
    expect(unit).toMatch(/^User=seatkeeper$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])).toBeGreaterThan(10);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
  });
});
