package io.flowmesh.runtime.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Says in words why a config file could not be used: the reading error, or where the YAML is wrong. */
final class ConfigFileErrors {

  private ConfigFileErrors() {
  }

  /** Why {@code path} cannot be read: no such file, permission denied, is a directory, or the system's reason. */
  static String why(Path path, IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (Files.isDirectory(path)) {
      return "is a directory";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /**
   * The YAML problem as one line with its place, counted from 1 as editors do: {@code line 3,
   * column 5: mapping values are not allowed here (in a block mapping at line 1, column 1)}.
   */
  static String yaml(RuntimeException e) {
    if (e instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      StringBuilder b = new StringBuilder(place(m.getProblemMark())).append(": ")
          .append(m.getProblem() == null ? "malformed" : m.getProblem());
      if (m.getContext() != null) {
        b.append(" (").append(m.getContext());
        if (m.getContextMark() != null) {
          b.append(" at ").append(place(m.getContextMark()));
        }
        b.append(')');
      }
      return b.toString();
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return text.replaceAll("\\s*\\n\\s*", "; ");
  }

  private static String place(Mark mark) {
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }
}
