# syntax=docker/dockerfile:1
# One image for every Flowmesh process: the compose service (or `docker run`) chooses the jar.
#   docker build -t flowmesh .
#   docker run --rm flowmesh java -jar /app/source-service.jar --help

# --- build: the whole reactor, as on a developer machine ------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds (BuildKit); remove it for a builder without one.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q install -DskipTests

# --- runtime: a JRE, the jars, a non-root user ---------------------------------------------
FROM eclipse-temurin:17-jre
# curl: for the compose health checks (GET /readyz). Recent JRE images no longer ship it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 flowmesh \
 && useradd --system --uid 10001 --gid flowmesh --home-dir /app --shell /usr/sbin/nologin flowmesh \
 && mkdir -p /data \
 && chown flowmesh:flowmesh /data
WORKDIR /app
COPY --from=build /src/source-service/target/source-service.jar /app/source-service.jar
COPY --from=build /src/map-service/target/map-service.jar /app/map-service.jar
COPY --from=build /src/sink-service/target/sink-service.jar /app/sink-service.jar
COPY --from=build /src/examples/udf-server/target/flowmesh-udf.jar /app/flowmesh-udf.jar
# Heap from the container's memory limit; DNS answers cached 5 s (not 30 s) so a vertex sees
# new replicas of its upstream soon after `docker compose up --scale`.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dsun.net.inetaddr.ttl=5"
USER flowmesh
# Servers must listen on all interfaces inside a container.
ENV FLOWMESH_BIND_HOST=0.0.0.0
EXPOSE 7001 7002 8081 8082 8083 50051
CMD ["java", "-jar", "/app/source-service.jar", "--help"]
