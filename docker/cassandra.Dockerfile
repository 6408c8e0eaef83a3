# syntax=docker/dockerfile:1.7
# Cassandra 5.0 with the Jolokia JVM agent that cassandra-pod-agent talks to. Build from the repository
# root: `docker build -f docker/cassandra.Dockerfile -t cassandra-pod-agent-cassandra .`
ARG CASSANDRA_IMAGE=cassandra:5.0
FROM ${CASSANDRA_IMAGE}

# The javaagent jar from Maven Central, pinned by its SHA-256 (test/k8s/docker-images.test.ts compares it
# with the jar that scripts/install-k8s-tools.sh fetches). Keep the version in step with that script.
ADD --chmod=644 --checksum=sha256:95c2c1230970ac0ad71b9cb556b8a55c4c6008e9ffd7745be7797f477120b6ae \
    https://repo1.maven.org/maven2/org/jolokia/jolokia-agent-jvm/2.6.0/jolokia-agent-jvm-2.6.0-javaagent.jar \
    /opt/jolokia/jolokia-agent-jvm-javaagent.jar
COPY --chmod=644 docker/cassandra/jolokia-access.xml /etc/cassandra/jolokia-access.xml
COPY docker/cassandra/jvm-jolokia.options /tmp/jvm-jolokia.options
# bin/cassandra passes every line of jvm-server.options that starts with "-" to the JVM.
RUN cat /tmp/jvm-jolokia.options >> /etc/cassandra/jvm-server.options \
    && rm /tmp/jvm-jolokia.options

# The base image's cassandra user (999); its entrypoint skips the chown and gosu step when not root.
# /etc/cassandra stays writable (the entrypoint edits cassandra.yaml from CASSANDRA_* variables).
USER 999:999
