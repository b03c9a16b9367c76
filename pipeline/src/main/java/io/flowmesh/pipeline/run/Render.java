package io.flowmesh.pipeline.run;

import io.flowmesh.pipeline.deploy.ComposeRenderer;
import io.flowmesh.pipeline.deploy.Deployment;
import io.flowmesh.pipeline.deploy.DeploymentModel;
import io.flowmesh.pipeline.deploy.HelmValuesRenderer;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.SpecOverrides;
import io.flowmesh.pipeline.spec.SpecParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * {@code --render compose|helm-values [--out FILE]}: the spec as a compose file ({@link ComposeRenderer})
 * or as the values of the Helm chart ({@link HelmValuesRenderer}), both from one deployment model,
 * written only once every vertex's configuration passed the check given ({@link CheckTargets}).
 */
final class Render {

  private Render() {
  }

  /**
   * Writes the compose file of {@code specFile} to {@code outFile}, or to {@code out} when null.
   *
   * @param root the repository: the build context, written relative to the compose file's folder
   *     (to the working directory when printed)
   * @param check the problems of the deployment's configurations (none: it is written)
   * @return 0 written, 1 the file could not be written, 2 a bad spec
   */
  static int compose(Path specFile, List<String> sets, Path root, Path outFile, PrintStream out,
      Function<Deployment, List<String>> check) {
    Deployment d;
    try {
      d = checked(DeploymentModel.of(SpecOverrides.apply(SpecParser.load(specFile), sets)), check);
    } catch (SpecException e) {
      out.println("flowmesh-pipeline: " + e.getMessage());
      return 2;
    }
    if (d.namespace() != null && outFile != null) { // to standard output, the file's header alone says it: the output is the file
      out.println("flowmesh-pipeline: metadata.namespace '" + d.namespace() + "' has no meaning in compose; ignored");
    }
    Path from = (outFile == null ? Path.of("") : outFile.toAbsolutePath().getParent()).toAbsolutePath().normalize();
    String context = from.relativize(root.toAbsolutePath().normalize()).toString();
    String text = ComposeRenderer.render(d, context.isEmpty() ? "." : context, specFile.toString());
    return write(text, outFile, out, "pipeline '" + d.pipeline() + "', " + d.vertices().size() + " vertices; "
        + "docker compose -f " + outFile + " up --build -d");
  }

  /**
   * Writes the Helm values of {@code specFile} to {@code outFile}, or to {@code out} when null.
   *
   * @param check the problems of the deployment's configurations (none: it is written)
   * @return 0 written, 1 the file could not be written, 2 a bad spec
   */
  static int helmValues(Path specFile, List<String> sets, Path outFile, PrintStream out, Function<Deployment, List<String>> check) {
    String text;
    Deployment d;
    try {
      d = checked(DeploymentModel.of(SpecOverrides.apply(SpecParser.load(specFile), sets)), check);
      text = HelmValuesRenderer.render(d, specFile.toString());
    } catch (SpecException e) {
      out.println("flowmesh-pipeline: " + e.getMessage());
      return 2;
    }
    return write(text, outFile, out, "pipeline '" + d.pipeline() + "', " + d.vertices().size() + " vertices; "
        + HelmValuesRenderer.installCommand(d, String.valueOf(outFile)) + " --set edgeToken.value=...");
  }

  /** {@code d} when {@code check} finds nothing wrong with its vertices' configurations. */
  private static Deployment checked(Deployment d, Function<Deployment, List<String>> check) throws SpecException {
    List<String> problems = check.apply(d);
    if (!problems.isEmpty()) {
      throw new SpecException(d.origin(), problems);
    }
    return d;
  }

  private static int write(String text, Path outFile, PrintStream out, String what) {
    if (outFile == null) {
      out.print(text);
      return 0;
    }
    try {
      Files.writeString(outFile, text);
    } catch (IOException e) {
      out.println("flowmesh-pipeline: cannot write " + outFile + ": " + whyNot(outFile, e));
      return 1;
    }
    out.println("flowmesh-pipeline: wrote " + outFile + " (" + what + ")");
    return 0;
  }

  /** Why {@code file} could not be written, in words: the folder it would go in, rather than the exception's bare path. */
  static String whyNot(Path file, IOException e) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && !Files.exists(dir)) {
      return "no such directory " + dir;
    }
    if (dir != null && !Files.isDirectory(dir)) {
      return dir + " is not a directory";
    }
    if (Files.isDirectory(file)) {
      return "it is a directory";
    }
    if (e instanceof AccessDeniedException) {
      return Files.exists(file) ? "permission denied" : "no permission to write in " + dir;
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
