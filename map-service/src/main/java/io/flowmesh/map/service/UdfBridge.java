package io.flowmesh.map.service;

import io.flowmesh.map.engine.Element;
import io.flowmesh.map.engine.MapEngine;
import io.flowmesh.map.engine.Udf;
import io.flowmesh.map.udf.UdfClient;
import io.flowmesh.map.udf.UdfElement;
import io.flowmesh.map.udf.UdfFailure;
import io.flowmesh.map.udf.UdfListener;
import io.flowmesh.map.udf.UdfResult;
import io.flowmesh.runtime.service.LoopHistogram;
import java.util.List;

/**
 * Joins a map instance's engine and its UDF client: the engine sends through it, the client
 * answers through it.
 *
 * <h2>Concurrency</h2>
 * Used on the instance's event loop only.
 */
final class UdfBridge implements Udf, UdfListener {

  private final LoopHistogram.Recorder callTime;
  private UdfClient client;
  private MapEngine engine;
  /** map.concurrency=auto's limiter, or null for a fixed limit. */
  private AutoConcurrency auto;

  UdfBridge(LoopHistogram.Recorder callTime) {
    this.callTime = callTime;
  }

  void connect(UdfClient client, MapEngine engine) {
    this.client = client;
    this.engine = engine;
  }

  void auto(AutoConcurrency auto) {
    this.auto = auto;
  }

  @Override
  public void map(Element e) {
    client.map(e, e.startNanos());
  }

  @Override
  public void mapBatch(List<Element> batch) {
    client.mapBatch(batch);
  }

  @Override
  public void onResults(UdfElement element, List<UdfResult> results) {
    engine.onResults((Element) element, results, System.nanoTime());
  }

  @Override
  public void onFailure(UdfElement element, UdfFailure failure) {
    engine.onFailure((Element) element, failure.toString());
  }

  @Override
  public void onCallTime(long nanos) {
    callTime.record(nanos);
    if (auto != null) {
      auto.onAnswer(nanos);
    }
  }

  @Override
  public void onAnswered(UdfElement element, List<UdfResult> results, long callNanos, long nowNanos) {
    onCallTime(callNanos);
    engine.onResults((Element) element, results, nowNanos);
  }
}
