# syntax=docker/dockerfile:1
# Seatkeeper in a container: built in one stage (better-sqlite3 compiles, the browser extension is zipped for staff
# to download), run in another from the production dependencies only, as the unprivileged `node` user.
# docker build -t seatkeeper . && docker run -p 8787:8787 -v seatkeeper-data:/data seatkeeper

FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY tools/openapi-client/package.json tools/openapi-client/
# Install scripts run one by one below: the postinstall (wxt prepare) needs the sources.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 esbuild
COPY . .
RUN npx wxt prepare && npm run build:ext && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATA_DIR=/data \
    EXTENSION_DIR=/app/.output
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/server ./server
COPY --from=build /app/shared ./shared
COPY --from=build /app/bin ./bin
COPY --from=build /app/.output/*.zip ./.output/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8787
# The server itself is PID 1 and stops cleanly on SIGTERM (docker stop) within 10 s.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "server/main.ts"]
