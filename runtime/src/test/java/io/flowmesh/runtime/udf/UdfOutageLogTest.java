package io.flowmesh.runtime.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmesh.runtime.testing.LogCapture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What an unreachable UDF logs while it stays unreachable: the first failure at WARN, then one WARN
 * at most every 30 s saying how long and how many attempts, whichever instance fails, and one INFO
 * when it is reached again.
 */
class UdfOutageLogTest {

  private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));

  private UdfHealth instance(String address) {
    return new UdfHealth("UDF", "map.v1", UdfAddress.parse(address), "udf.address", now::get);
  }

  private void after(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  private static List<String> saidAboveDebug(LogCapture log) {
    return log.lines().stream().filter(l -> !l.startsWith("DEBUG")).toList();
  }

  @Test
  void aLastingOutageIsSaidAgainEveryThirtySecondsWithItsAttemptsAndDurationThenOnceWhenItEnds() {
    UdfHealth a = instance("tcp://127.0.0.1:19");
    UdfHealth b = instance("tcp://127.0.0.1:19"); // a second instance of the same vertex
    try (LogCapture log = new LogCapture(UdfHealth.class)) {
      a.unreachable("AnnotatedConnectException: Connection refused");
      for (int i = 0; i < 5; i++) { // 5 s apart, both instances: 10 more attempts within 25 s
        after(5);
        a.unreachable("Connection refused");
        b.unreachable("Connection refused");
      }
      after(5); // 30 s since the first line
      b.unreachable("connect timed out");
      after(10);
      a.unreachable("Connection refused");
      after(80);
      a.unreachable("Connection refused");
      after(5);
      a.reachable();
      b.reachable(); // the other instance reconnects too: the end was said once
      assertEquals(List.of(
          "WARN UDF at tcp://127.0.0.1:19 unreachable: connection refused; retrying with backoff (udf.address)",
          "WARN UDF at tcp://127.0.0.1:19 still unreachable after 12 attempts over 30s, last: connect timed out; "
              + "retrying with backoff (udf.address)",
          "WARN UDF at tcp://127.0.0.1:19 still unreachable after 14 attempts over 2m00s, last: connection refused; "
              + "retrying with backoff (udf.address)",
          "INFO UDF at tcp://127.0.0.1:19 reachable again after 14 failed attempt(s) over 2m05s"), saidAboveDebug(log));
    }
  }

  @Test
  void theNextOutageStartsOverWithAWarning() {
    UdfHealth a = instance("tcp://127.0.0.1:29");
    try (LogCapture log = new LogCapture(UdfHealth.class)) {
      a.unreachable("Connection refused");
      after(1);
      a.reachable();
      after(60);
      a.unreachable("Connection refused");
      assertEquals(List.of(
          "WARN UDF at tcp://127.0.0.1:29 unreachable: connection refused; retrying with backoff (udf.address)",
          "INFO UDF at tcp://127.0.0.1:29 reachable again after 1 failed attempt(s) over 1s",
          "WARN UDF at tcp://127.0.0.1:29 unreachable: connection refused; retrying with backoff (udf.address)"),
          saidAboveDebug(log));
    }
  }
}
