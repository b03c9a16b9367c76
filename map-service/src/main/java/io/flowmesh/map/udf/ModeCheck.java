package io.flowmesh.map.udf;

import io.flowmesh.runtime.udf.ServerInfo;
import io.flowmesh.runtime.udf.UdfHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The map mode a client uses, and a UDF speaking another one: a mismatch is the client's
 * {@link UdfHealth#misconfigured} problem (logged at ERROR once per process), and the client
 * sends nothing more until the service is restarted with the right {@code map.mode}.
 *
 * <h2>Concurrency</h2>
 * Stateless; the health it reports to is confined to the client's event loop.
 */
final class ModeCheck {

  private static final Logger LOG = LoggerFactory.getLogger(ModeCheck.class);

  private ModeCheck() {
  }

  /**
   * The mode to use by the server-info file {@code info}: its {@code MAP_MODE}, unless
   * {@code map.mode} was set to another one, which is then {@code health}'s mismatch.
   *
   * @throws IllegalArgumentException for a MAP_MODE that is no map mode
   */
  static UdfMode modeFrom(ServerInfo info, UdfConfig config, UdfHealth health) {
    LOG.info("UDF server info: file={} {}", config.connection().serverInfoFile(), info);
    UdfMode m = UdfMode.of(info, config.connection().serverInfoFile());
    if (m != config.mode() && config.modeConfigured()) {
      mismatch(health, m, config.mode(), "its server-info file " + config.connection().serverInfoFile() + " says MAP_MODE="
          + m.mapMode() + "; or leave map.mode unset to follow that file");
    } else if (m != config.mode()) {
      LOG.info("UDF map mode from the server-info file: {} (map.mode is not set)", m.mapMode());
    }
    return m;
  }

  /**
   * The UDF speaks {@code udfMode} while the client was configured for {@code configured};
   * {@code evidence} says how that was seen.
   */
  static void mismatch(UdfHealth health, UdfMode udfMode, UdfMode configured, String evidence) {
    health.misconfigured(mismatchLine(health.address().toString(), udfMode, configured, evidence),
        health.address() + " " + udfMode + " " + configured);
  }

  /** The one line naming both modes and the key to change. */
  static String mismatchLine(String address, UdfMode udfMode, UdfMode configured, String evidence) {
    return "UDF at " + address + " speaks " + udfMode.mapMode() + " but map.mode=" + configured.mapMode()
        + "; set map.mode=" + udfMode.mapMode() + " (" + evidence + ")";
  }
}
