import com.google.errorprone.ErrorProneTimings;
import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.tools.javac.api.BasicJavacTask;
import com.sun.tools.javac.util.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A javac plugin for the corpus harness (tools/corpus/Corpus.java builds it and puts it on the
 * processor path next to Error Prone): when the compilation ends it writes Error Prone's own
 * per-check timings, {@code name<TAB>nanoseconds} a line, to the file named by its argument. Error
 * Prone times every check it runs; this measures our checks and Error Prone's inside one javac
 * process, so their ratio does not depend on how busy the machine was between two runs.
 */
public final class FanoutCorpusTimings implements Plugin {
  @Override
  public String getName() {
    return "FanoutCorpusTimings";
  }

  @Override
  public void init(JavacTask task, String... args) {
    Path out = Path.of(String.join(" ", args));
    Context context = ((BasicJavacTask) task).getContext();
    task.addTaskListener(
        new TaskListener() {
          @Override
          public void finished(TaskEvent e) {
            if (e.getKind() != TaskEvent.Kind.COMPILATION) {
              return;
            }
            ErrorProneTimings timings = ErrorProneTimings.instance(context);
            StringBuilder s = new StringBuilder();
            s.append("<init>\t").append(timings.initializationTime().toNanos()).append('\n');
            for (Map.Entry<String, Duration> t : timings.timings().entrySet()) {
              s.append(t.getKey()).append('\t').append(t.getValue().toNanos()).append('\n');
            }
            try {
              Files.writeString(out, s);
            } catch (IOException x) {
              throw new UncheckedIOException(x);
            }
          }
        });
  }
}
