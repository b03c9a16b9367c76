package io.flowmesh.runtime.config;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which configuration values are secrets, shown as {@value #MASK} wherever config is printed
 * ({@code /status}, error messages, a config record's text).
 *
 * <p>A value is secret when its key's name, in lower case, ends with {@code token} or holds {@code
 * password}, {@code passphrase}, {@code secret}, {@code credential} or {@code jaas} (Kafka's {@code
 * sasl.jaas.config} carries the login and password). A pass-through property (under a prefix key)
 * is also secret when its name ends with {@code .key}: Kafka's {@code ssl.keystore.key} is the
 * private key itself; Flowmesh's own {@code tls.key} keys name a file and are shown.
 */
public final class Secrets {

  /** What a secret value is shown as. */
  public static final String MASK = "***";

  private Secrets() {
  }

  /**
   * Whether the value of {@code key} is a secret.
   *
   * @param passThrough the key is under a prefix key (its value goes to a library as it is)
   */
  public static boolean isSecret(String key, boolean passThrough) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.endsWith("token") || k.contains("password") || k.contains("passphrase") || k.contains("secret")
        || k.contains("credential") || k.contains("jaas") || passThrough && k.endsWith(".key");
  }

  /** Pass-through properties as text, sorted, secrets masked: {@code {client.id=a, sasl.jaas.config=***}}. */
  public static String masked(Map<String, String> properties) {
    Map<String, String> out = new TreeMap<>();
    properties.forEach((k, v) -> out.put(k, isSecret(k, true) && !v.isEmpty() ? MASK : v));
    return out.toString();
  }

  /**
   * An unmodifiable view of pass-through properties whose {@code toString} masks the secrets, so a
   * config record holding it prints none of them.
   */
  public static Map<String, String> maskedWhenPrinted(Map<String, String> properties) {
    Set<Map.Entry<String, String>> entries = Collections.unmodifiableMap(properties).entrySet();
    return new AbstractMap<>() {
      @Override
      public Set<Map.Entry<String, String>> entrySet() {
        return entries;
      }

      @Override
      public String toString() {
        return masked(properties);
      }
    };
  }
}
