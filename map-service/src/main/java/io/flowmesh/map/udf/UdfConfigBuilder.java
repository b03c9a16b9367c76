package io.flowmesh.map.udf;

import io.flowmesh.runtime.tls.TlsOptions;
import io.flowmesh.runtime.udf.UdfConnection;
import java.time.Duration;

/** Builds a {@link UdfConfig}; starts from the defaults. Not thread-safe. */
public final class UdfConfigBuilder {

  private String address;
  private UdfMode mode = UdfMode.UNARY;
  private Duration timeout;
  private int retryMaxAttempts = 3;
  private Duration retryInitialBackoff = Duration.ofMillis(100);
  private Duration retryMaxBackoff = Duration.ofSeconds(5);
  private OnFailure onFailure = OnFailure.RETRY_FOREVER;
  private Duration stallTimeout;
  private int maxMessageSize;
  private Duration reconnectInitialBackoff;
  private Duration reconnectMaxBackoff;
  private int batchSize = 500;
  private Duration batchTimeout = Duration.ofSeconds(1);
  private String serverInfoFile;
  private Duration serverInfoTimeout;
  private TlsOptions tls;
  private boolean modeConfigured;

  UdfConfigBuilder() {
    connection(UdfConnection.builder("udf").build()); // the transport's defaults
  }

  UdfConfigBuilder(UdfConfig c) {
    address = c.address();
    mode = c.mode();
    timeout = c.timeout();
    retryMaxAttempts = c.retryMaxAttempts();
    retryInitialBackoff = c.retryInitialBackoff();
    retryMaxBackoff = c.retryMaxBackoff();
    onFailure = c.onFailure();
    stallTimeout = c.stallTimeout();
    maxMessageSize = c.maxMessageSize();
    reconnectInitialBackoff = c.reconnectInitialBackoff();
    reconnectMaxBackoff = c.reconnectMaxBackoff();
    batchSize = c.batchSize();
    batchTimeout = c.batchTimeout();
    serverInfoFile = c.serverInfoFile();
    serverInfoTimeout = c.serverInfoTimeout();
    tls = c.tls();
    modeConfigured = c.modeConfigured();
  }

  public UdfConfigBuilder address(String v) {
    address = v;
    return this;
  }

  /** Sets every transport field (the {@code udf.*} keys of a {@link UdfConnection}) from {@code c}. */
  public UdfConfigBuilder connection(UdfConnection c) {
    address = c.address();
    timeout = c.timeout();
    stallTimeout = c.stallTimeout();
    maxMessageSize = c.maxMessageSize();
    reconnectInitialBackoff = c.reconnectInitialBackoff();
    reconnectMaxBackoff = c.reconnectMaxBackoff();
    serverInfoFile = c.serverInfoFile();
    serverInfoTimeout = c.serverInfoTimeout();
    tls = c.tls();
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

  public UdfConfigBuilder timeout(Duration v) {
    timeout = v;
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

  public UdfConfigBuilder stallTimeout(Duration v) {
    stallTimeout = v;
    return this;
  }

  public UdfConfigBuilder maxMessageSize(int v) {
    maxMessageSize = v;
    return this;
  }

  /** Sets the initial and the maximum reconnect backoff. */
  public UdfConfigBuilder reconnectBackoff(Duration initial, Duration max) {
    reconnectInitialBackoff = initial;
    reconnectMaxBackoff = max;
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

  /** The server-info file to read at start, or null for none. */
  public UdfConfigBuilder serverInfoFile(String v) {
    serverInfoFile = v;
    return this;
  }

  public UdfConfigBuilder tls(TlsOptions v) {
    tls = v;
    return this;
  }

  public UdfConfigBuilder serverInfoTimeout(Duration v) {
    serverInfoTimeout = v;
    return this;
  }

  /** The config; not validated, see {@link UdfConfig#validate}. */
  public UdfConfig build() {
    return new UdfConfig(address, mode, timeout, retryMaxAttempts, retryInitialBackoff,
        retryMaxBackoff, onFailure, stallTimeout, maxMessageSize, reconnectInitialBackoff,
        reconnectMaxBackoff, batchSize, batchTimeout, serverInfoFile, serverInfoTimeout, tls, modeConfigured);
  }
}
