package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation stands alone: every relative link in every Markdown file of the repository
 * points at a file (and heading) that exists, every repository path quoted in backticks exists,
 * and nothing sends a reader to files outside the repository.
 */
class DocLinksTest {

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern QUOTED_PATH = Pattern.compile(
      "`([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+\\.(?:md|proto|java|sh|ya?ml|xml|json|properties))`");
  private static final Pattern OUTSIDE = Pattern.compile("(\\.\\./)+shared/|\\bshared/specs/|\\bDESIGN\\.md|\\bSTYLE\\.md");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$", Pattern.MULTILINE);
  private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");

  @Test
  void everyRelativeLinkAndQuotedPathInTheDocsExists() throws IOException {
    List<Path> docs = markdownFiles(Project.root());
    assertTrue(docs.size() >= 5, "expected the README and docs/, found " + docs);
    assertEquals(List.of(), broken(Project.root(), docs), "broken references in the docs");
  }

  @Test
  void theCheckerReportsEachKindOfBrokenReference() throws IOException {
    Path root = Files.createTempDirectory(Project.root().resolve("system-tests/target"), "doclinks");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/b.md"), "# B\n\n## Some `Section`, here\n");
    Path a = root.resolve("a.md");
    Files.writeString(a, "# A\n[ok](docs/b.md#some-section-here) [web](https://example.org/x.md)\n"
        + "[gone](docs/missing.md) [no heading](docs/b.md#nope) see `docs/absent.md` and ../shared/DESIGN.md\n"
        + "```\n[in a fence](not/checked.md)\n```\n");
    List<String> found = broken(root, markdownFiles(root));
    assertEquals(List.of(
        "a.md: link to docs/missing.md (no such file in the repository)",
        "a.md: link to docs/b.md#nope (no heading #nope in docs/b.md)",
        "a.md: quotes `docs/absent.md`, which does not exist",
        "a.md: refers to ../shared/, which is outside the repository",
        "a.md: refers to DESIGN.md, which is outside the repository"), found);
  }

  private static List<String> broken(Path root, List<Path> docs) throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path doc : docs) {
      String text = Files.readString(doc);
      String prose = FENCE.matcher(text).replaceAll("");
      Matcher m = LINK.matcher(prose);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
          continue; // http:, https:, mailto:
        }
        int hash = target.indexOf('#');
        String file = hash >= 0 ? target.substring(0, hash) : target;
        String anchor = hash >= 0 ? target.substring(hash + 1) : null;
        Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
        if (!resolved.startsWith(root) || !Files.exists(resolved)) {
          broken.add(rel(root, doc) + ": link to " + target + " (no such file in the repository)");
        } else if (anchor != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(anchor)) {
          broken.add(rel(root, doc) + ": link to " + target + " (no heading #" + anchor + " in " + rel(root, resolved) + ")");
        }
      }
      Matcher q = QUOTED_PATH.matcher(prose);
      while (q.find()) {
        String path = q.group(1);
        if (!Files.exists(root.resolve(path)) && !Files.exists(doc.getParent().resolve(path))) {
          broken.add(rel(root, doc) + ": quotes `" + path + "`, which does not exist");
        }
      }
      Matcher o = OUTSIDE.matcher(text);
      while (o.find()) {
        broken.add(rel(root, doc) + ": refers to " + o.group() + ", which is outside the repository");
      }
    }
    return broken;
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  private static Set<String> anchors(Path md) {
    try {
      String text = FENCE.matcher(Files.readString(md)).replaceAll("");
      Set<String> out = new HashSet<>();
      Matcher h = HEADING.matcher(text);
      while (h.find()) {
        String slug = h.group(1).toLowerCase(Locale.ROOT).replaceAll("[`*_]", "").replaceAll("[^\\p{L}\\p{N} -]", "")
            .replace(' ', '-');
        out.add(slug);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> markdownFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> {
            String r = rel(root, p);
            return !r.contains("target/") && !r.startsWith(".") && !r.contains("/.") && !r.contains("node_modules/");
          })
          .sorted().collect(Collectors.toList());
    }
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString();
  }
}
