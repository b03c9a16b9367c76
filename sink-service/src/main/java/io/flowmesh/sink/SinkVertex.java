package io.flowmesh.sink;

import io.flowmesh.runtime.edge.Watermarks;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.service.Vertex;
import io.flowmesh.sink.engine.InstanceHealth;
import io.flowmesh.sink.engine.SinkVerticle;
import io.flowmesh.sink.udsink.UdSinkOutcomes;
import io.flowmesh.sink.writer.FallbackWriter;
import io.flowmesh.sink.writer.SinkWriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The running sink vertex: its verticle instances and their shared writer. Ready when at least
 * one edge to the upstream is connected and no instance's writer is failing (with
 * {@code sink.on-failure=fallback}, a primary whose failures the fallback sink takes is not
 * failing; {@code /status} shows it as {@code primaryFailing} and {@code primaryError}).
 *
 * <p>Concurrency: callable from any thread; every call hops onto the instances' event loops.
 */
public final class SinkVertex implements Vertex {

  private final SinkConfig config;
  private final List<SinkVerticle> instances;
  private final SinkWriter writer;
  private final Supplier<Future<Void>> closeWriters;
  private final UdSinkOutcomes outcomes;

  SinkVertex(SinkConfig config, List<SinkVerticle> instances, SinkWriter writer, UdSinkOutcomes outcomes,
      Supplier<Future<Void>> closeWriters) {
    this.config = config;
    this.outcomes = outcomes;
    this.instances = List.copyOf(instances);
    this.writer = writer;
    this.closeWriters = closeWriters;
  }

  @Override
  public Future<Readiness> readiness() {
    List<Future<InstanceHealth>> all = new ArrayList<>();
    instances.forEach(i -> all.add(i.health()));
    return Future.all(all).map(cf -> {
      int connected = 0;
      String resolveError = null;
      for (int i = 0; i < all.size(); i++) {
        InstanceHealth h = cf.resultAt(i);
        if (h.writerError() != null) {
          return Readiness.notReady("writer " + writer.describe() + " failing: " + h.writerError());
        }
        connected += h.connected();
        resolveError = resolveError == null ? h.resolveError() : resolveError;
      }
      if (connected == 0) {
        return Readiness.notReady("no edge to upstream " + config.upstream().describe() + " is connected"
            + (resolveError == null ? "" : " (" + resolveError + ")"));
      }
      return Readiness.READY;
    });
  }

  @Override
  public Future<JsonObject> status() {
    List<Future<JsonObject>> all = new ArrayList<>();
    instances.forEach(i -> all.add(i.status()));
    return Future.all(all).map(cf -> {
      JsonArray list = new JsonArray();
      long written = 0;
      long duplicates = 0;
      long watermark = Long.MAX_VALUE;
      for (int i = 0; i < all.size(); i++) {
        JsonObject j = cf.resultAt(i);
        list.add(j);
        written += j.getLong("written");
        duplicates += j.getLong("duplicates");
        watermark = Math.min(watermark, j.getLong("watermark"));
      }
      JsonObject status = new JsonObject().put("type", config.type()).put("writer", writer.describe())
          .put("upstream", config.upstream().describe()).put("written", written).put("duplicates", duplicates)
          .put("watermark", watermark).put("watermarkTime", Watermarks.format(watermark)).put("outcomes", outcomes.toJson());
      if (writer instanceof FallbackWriter f) {
        status.put("primaryFailing", f.primaryFailing()).put("primaryError", f.primaryError());
      }
      return status.put("instances", list);
    });
  }

  @Override
  public Future<Void> stop(Duration timeout) {
    List<Future<Void>> all = new ArrayList<>();
    instances.forEach(i -> all.add(i.shutdown(timeout)));
    return Future.join(all).transform(ar -> closeWriters.get());
  }
}
