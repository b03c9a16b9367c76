# One image for every Flowmesh process: the compose service (or `docker run`) chooses the jar.
#   docker build -t flowmesh .
#   docker run --rm flowmesh java -jar /app/source-service.jar --help
# Builds with BuildKit and with the classic builder (docker-compose v1 uses the classic one
# unless DOCKER_BUILDKIT=1), so no `RUN --mount` and no `# syntax=` line.
#
# The base images are build args. Keep the defaults; a machine that cannot pull them passes
# stand-ins (the compose test does: scripts/docker-test-env.sh, docs/running.md).
ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17-jre

# --- build: the service jars, compiled in the reactor as on a developer machine -------------
FROM ${MAVEN_IMAGE} AS build
# JARS=maven (the default) compiles here. JARS=prebuilt takes the jars that `mvn package` built
# on the host in */target/ instead, for machines whose build containers cannot reach Maven
# Central (the compose test on our CI machines: docs/running.md).
ARG JARS=maven
# The modules whose jars the image holds (with -am: the modules they need).
ARG SERVICE_MODULES=source-service,map-service,sink-service,examples/udf-server,console
WORKDIR /src
# Every POM first, then a build of the still empty modules: this layer holds the downloaded
# plugins and dependencies and is reused until a pom.xml changes.
COPY pom.xml ./
COPY proto/pom.xml proto/
COPY runtime/pom.xml runtime/
COPY kafka-broker/pom.xml kafka-broker/
COPY pipeline/pom.xml pipeline/
COPY console/pom.xml console/
COPY kubernetes-tests/pom.xml kubernetes-tests/
COPY source-service/pom.xml source-service/
COPY map-service/pom.xml map-service/
COPY sink-service/pom.xml sink-service/
COPY examples/pom.xml examples/
COPY examples/udf-server/pom.xml examples/udf-server/
COPY examples/numaflow-sdk-udf/pom.xml examples/numaflow-sdk-udf/
COPY bench/pom.xml bench/
COPY system-tests/pom.xml system-tests/
RUN if [ "$JARS" = maven ]; then mvn -B -q package -DskipTests -pl "$SERVICE_MODULES" -am; fi
COPY . .
RUN if [ "$JARS" = maven ]; then mvn -B -q package -DskipTests -pl "$SERVICE_MODULES" -am; \
    elif [ "$JARS" = prebuilt ]; then ls -l source-service/target/source-service.jar map-service/target/map-service.jar \
      sink-service/target/sink-service.jar examples/udf-server/target/flowmesh-udf.jar console/target/flowmesh-console.jar; \
    else echo "JARS must be maven or prebuilt, not '$JARS'" >&2; exit 1; fi

# --- runtime: a JRE, the jars, a non-root user ---------------------------------------------
FROM ${JRE_IMAGE}
# curl: for the compose health checks (GET /readyz). Recent JRE images no longer ship it.
RUN (command -v curl >/dev/null || (apt-get update \
      && apt-get install -y --no-install-recommends curl \
      && rm -rf /var/lib/apt/lists/*)) \
 && groupadd --system --gid 10001 flowmesh \
 && useradd --system --uid 10001 --gid flowmesh --home-dir /app --shell /usr/sbin/nologin flowmesh \
 && mkdir -p /data \
 && chown flowmesh:flowmesh /data
WORKDIR /app
COPY --from=build /src/source-service/target/source-service.jar /app/source-service.jar
COPY --from=build /src/map-service/target/map-service.jar /app/map-service.jar
COPY --from=build /src/sink-service/target/sink-service.jar /app/sink-service.jar
COPY --from=build /src/examples/udf-server/target/flowmesh-udf.jar /app/flowmesh-udf.jar
COPY --from=build /src/console/target/flowmesh-console.jar /app/flowmesh-console.jar
# The JVM options of a map vertex (a java argument file; docs/running.md). The compose file's map
# service uses them through JDK_JAVA_OPTIONS=@/app/map-service.jvm.options.
COPY map-service/jvm.options /app/map-service.jvm.options
# Heap from the container's memory limit; DNS answers cached 5 s (not 30 s) so a vertex sees
# new replicas of its upstream soon after `docker compose up --scale`.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dsun.net.inetaddr.ttl=5"
USER flowmesh
# Servers must listen on all interfaces inside a container.
ENV FLOWMESH_BIND_HOST=0.0.0.0
EXPOSE 7001 7002 8070 8081 8082 8083 50051
CMD ["java", "-jar", "/app/source-service.jar", "--help"]
