package dev.fanout.errorprone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugPattern;
import com.google.errorprone.BugPattern.LinkType;
import com.google.errorprone.BugPattern.SeverityLevel;
import com.google.errorprone.BugPattern.StandardTags;
import com.google.errorprone.bugpatterns.BugChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Pins the {@code @BugPattern} of every check to one form, so a new check cannot drift: a summary
 * and an explanation, WARNING, a standard tag, and a custom link to its own page in docs/checks.
 */
final class BugPatternsTest {

  private static final List<Class<? extends BugChecker>> CHECKS =
      List.of(
          BlockingWaitOnSamePool.class,
          InterruptSwallowedInTask.class,
          ParentContextInTask.class,
          TaskGroupNotAwaited.class,
          UnboundedFanOut.class,
          UnsafeSharedMutationInTask.class);

  private static final Set<String> STANDARD_TAGS =
      Set.of(
          StandardTags.LIKELY_ERROR,
          StandardTags.FRAGILE_CODE,
          StandardTags.PERFORMANCE,
          StandardTags.STYLE);

  @Test
  void everyRegisteredCheckIsListedHere() {
    Set<String> registered = new TreeSet<>();
    for (BugChecker check : ServiceLoader.load(BugChecker.class, getClass().getClassLoader())) {
      if (check.getClass().getPackageName().equals(BugPatternsTest.class.getPackageName())) {
        registered.add(check.getClass().getSimpleName());
      }
    }
    Set<String> listed = new TreeSet<>();
    CHECKS.forEach(c -> listed.add(c.getSimpleName()));
    assertEquals(listed, registered);
  }

  @Test
  void everyCheckHasTheSameShapeOfBugPattern() throws Exception {
    for (Class<? extends BugChecker> check : CHECKS) {
      String name = check.getSimpleName();
      BugPattern p = check.getAnnotation(BugPattern.class);
      assertNotNull(p, name);
      assertEquals("", p.name(), name + ": the name is the class name");
      assertFalse(p.summary().isBlank(), name + ": summary");
      assertTrue(p.explanation().length() > 100, name + ": explanation");
      assertEquals(SeverityLevel.WARNING, p.severity(), name);
      assertEquals(1, p.tags().length, name + ": one tag");
      assertTrue(STANDARD_TAGS.contains(p.tags()[0]), name + ": a standard tag");
      assertEquals(LinkType.CUSTOM, p.linkType(), name);
      assertEquals(FanoutApi.DOCS + name + ".md", p.link(), name);
      Path page = Path.of(System.getProperty("user.dir")).resolve("../docs/checks/" + name + ".md");
      assertTrue(Files.isRegularFile(page), name + ": its page " + page);
    }
  }
}
