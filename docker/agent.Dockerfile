# syntax=docker/dockerfile:1.7
# cassandra-pod-agent: build with `docker build -f docker/agent.Dockerfile -t cassandra-pod-agent .`
# from the repository root. The runtime stage holds production dependencies and dist/ only, runs as a
# numeric non-root user and writes nothing outside its mounted volumes (the pod mounts /tmp as emptyDir).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: "prepare" would build before the sources are copied, and the `node` devDependency
# would download a second Node binary that the image already has.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /deps
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=2"
WORKDIR /opt/cassandra-pod-agent/app
COPY --from=deps /deps/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY --chmod=755 docker/agent/cassandra-pod-agent docker/agent/install-into /opt/cassandra-pod-agent/bin/
RUN ln -s /opt/cassandra-pod-agent/bin/cassandra-pod-agent /usr/local/bin/cassandra-pod-agent
# The node image's "node" user; the pod spec may run it as Cassandra's UID to share the data volume.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node", "/opt/cassandra-pod-agent/app/dist/agent/cli.js"]
CMD ["serve"]
