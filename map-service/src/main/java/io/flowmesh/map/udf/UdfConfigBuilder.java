package io.flowmesh.map.udf;

import io.flowmesh.runtime.tls.TlsOptions;
import io.flowmesh.runtime.udf.UdfConnection;
import java.time.Duration;

/**
 * Builds a {@link UdfConfig}; starts from the defaults. The transport's setters ({@link #address},
 * {@link #timeout}, ...) set the {@link UdfConnection} under {@code udf}; the others are map's.
 * Not thread-safe.
 */
public final class UdfConfigBuilder {

  private UdfConnection.Builder connection;
  private UdfMode mode = UdfMode.UNARY;
  private int retryMaxAttempts = 3;
  private Duration retryInitialBackoff = Duration.ofMillis(100);
  private Duration retryMaxBackoff = Duration.ofSeconds(5);
  private OnFailure onFailure = OnFailure.RETRY_FOREVER;
  private int batchSize = 500;
  private Duration batchTimeout = Duration.ofSeconds(1);
  private boolean modeConfigured;

  UdfConfigBuilder() {
    connection = UdfConnection.builder("udf"); // the transport's defaults
  }

  UdfConfigBuilder(UdfConfig c) {
    connection = c.connection().toBuilder();
    mode = c.mode();
    retryMaxAttempts = c.retryMaxAttempts();
    retryInitialBackoff = c.retryInitialBackoff();
    retryMaxBackoff = c.retryMaxBackoff();
    onFailure = c.onFailure();
    batchSize = c.batchSize();
    batchTimeout = c.batchTimeout();
    modeConfigured = c.modeConfigured();
  }

  /** Sets every transport field (the {@code udf.*} keys of a {@link UdfConnection}) from {@code c}. */
  public UdfConfigBuilder connection(UdfConnection c) {
    connection = c.toBuilder();
    return this;
  }

  public UdfConfigBuilder address(String v) {
    connection.address(v);
    return this;
  }

  public UdfConfigBuilder timeout(Duration v) {
    connection.timeout(v);
    return this;
  }

  public UdfConfigBuilder stallTimeout(Duration v) {
    connection.stallTimeout(v);
    return this;
  }

  public UdfConfigBuilder maxMessageSize(int v) {
    connection.maxMessageSize(v);
    return this;
  }

  /** Sets the initial and the maximum reconnect backoff. */
  public UdfConfigBuilder reconnectBackoff(Duration initial, Duration max) {
    connection.reconnectBackoff(initial, max);
    return this;
  }

  /** The server-info file to read at start, or null for none. */
  public UdfConfigBuilder serverInfoFile(String v) {
    connection.serverInfoFile(v);
    return this;
  }

  public UdfConfigBuilder serverInfoTimeout(Duration v) {
    connection.serverInfoTimeout(v);
    return this;
  }

  public UdfConfigBuilder tls(TlsOptions v) {
    connection.tls(v);
    return this;
  }

  public UdfConfigBuilder mode(UdfMode v) {
    mode = v;
    return this;
  }

  /** Whether {@code map.mode} was set explicitly (a server-info file saying otherwise is then a mismatch). */
  public UdfConfigBuilder modeConfigured(boolean v) {
    modeConfigured = v;
    return this;
  }

  public UdfConfigBuilder retryMaxAttempts(int v) {
    retryMaxAttempts = v;
    return this;
  }

  /** Sets the initial and the maximum retry backoff. */
  public UdfConfigBuilder retryBackoff(Duration initial, Duration max) {
    retryInitialBackoff = initial;
    retryMaxBackoff = max;
    return this;
  }

  public UdfConfigBuilder onFailure(OnFailure v) {
    onFailure = v;
    return this;
  }

  public UdfConfigBuilder batchSize(int v) {
    batchSize = v;
    return this;
  }

  public UdfConfigBuilder batchTimeout(Duration v) {
    batchTimeout = v;
    return this;
  }

  /** The config; not validated, see {@link UdfConfig#validate}. */
  public UdfConfig build() {
    return new UdfConfig(connection.build(), mode, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, onFailure,
        batchSize, batchTimeout, modeConfigured);
  }
}
