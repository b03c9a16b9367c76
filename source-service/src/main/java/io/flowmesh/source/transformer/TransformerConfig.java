package io.flowmesh.source.transformer;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.runtime.udf.UdfKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The source transformer's settings: on or off, how many messages it may hold in the UDF, and the
 * connection ({@code source.transformer.address}, {@code .timeout}, ... from {@link UdfKeys}).
 *
 * @param enabled whether every message goes through the transformer
 * @param concurrency most messages handed to the transformer and not yet answered
 * @param connection the UDF connection
 */
public record TransformerConfig(boolean enabled, int concurrency, UdfConnection connection) {

  /** Numaflow's socket of the source transformer. */
  public static final String DEFAULT_ADDRESS = "unix:///var/run/numaflow/sourcetransform.sock";

  public static final UdfKeys UDF = UdfKeys.under("source.transformer").defaultAddress(DEFAULT_ADDRESS)
      .describe("server-info-file", "the SDK's server-info file (Numaflow: /var/run/numaflow/sourcetransformer-server-info), "
          + "read before connecting: nothing is sent to the transformer until it is complete, well-formed and not another kind's "
          + "(a map UDF's names MAP_MODE)")
      .describe("timeout", "connect, IsReady and handshake timeout, and how long one message may stay unanswered in the "
          + "source transformer (fewer answers than requests): then its stream is restarted and what was in it sent again")
      .describe("stall-timeout", "not used by the source transformer: source.transformer.timeout bounds each message")
      .build();
  public static final ConfigKey<Boolean> ENABLED = ConfigKey.of("source.transformer.enabled", "false", Types.BOOLEAN,
      "true sends every message of the source (any source.type) through a Numaflow source transformer UDF "
          + "(sourcetransformer.v1) at source.transformer.address before the edge");
  public static final ConfigKey<Integer> CONCURRENCY = ConfigKey.of("source.transformer.concurrency", "500", Types.intRange(1, 100_000),
      "most messages in the source transformer at once (sent and not yet answered); the edge's credit still bounds what is sent");

  /** Every key, in the order the service lists them. */
  public static List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> all = new ArrayList<>(List.of(ENABLED, CONCURRENCY));
    all.addAll(UDF.all());
    return all;
  }

  /** Reads and checks the keys; the connection is checked only when the transformer is enabled. */
  public static TransformerConfig from(Settings s) {
    boolean on = s.get(ENABLED);
    int concurrency = s.get(CONCURRENCY);
    UdfConnection c = on ? UDF.read(s) : null;
    return new TransformerConfig(on, concurrency, c);
  }
}
