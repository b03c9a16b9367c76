package io.flowmesh.systemtests;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Docker engine of a test class, as a JUnit extension: started before its first test (or the
 * class skipped with the one-line reason, see {@link DockerTestEnv#start()}) and stopped after its
 * last. A class declares {@code @RegisterExtension static final DockerEngine DOCKER = new DockerEngine();}
 * and reaches the engine through {@link #env()}.
 */
final class DockerEngine implements BeforeAllCallback, AfterAllCallback {

  private DockerTestEnv env;

  @Override
  public void beforeAll(ExtensionContext context) {
    env = DockerTestEnv.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (env != null) {
      DockerTestEnv started = env;
      env = null;
      started.close();
    }
  }

  /** The running engine; only between the class's first and last test. */
  DockerTestEnv env() {
    if (env == null) {
      throw new IllegalStateException("the Docker engine is not running: env() outside the tests of the class that registered it");
    }
    return env;
  }
}
