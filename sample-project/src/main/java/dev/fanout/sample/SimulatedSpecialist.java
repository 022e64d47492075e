package dev.fanout.sample;

import dev.fanout.Context;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A specialist that stands in for a slow remote model: it "thinks" for a fixed latency, then
 * answers, fails, or never answers on its own (hangs until cancelled). Its behaviour is fixed at
 * construction, so a run is deterministic for a given seed.
 */
public final class SimulatedSpecialist implements Specialist {

  /** How the specialist ends. */
  public enum Behaviour {
    ANSWER,
    FAIL,
    HANG
  }

  private final String name;
  private final Duration latency;
  private final Behaviour behaviour;
  private final Journal journal;

  public SimulatedSpecialist(String name, Duration latency, Behaviour behaviour, Journal journal) {
    this.name = Objects.requireNonNull(name);
    this.latency = Objects.requireNonNull(latency);
    this.behaviour = Objects.requireNonNull(behaviour);
    this.journal = Objects.requireNonNull(journal);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Finding analyze(Context ctx, String query) throws Exception {
    long start = System.nanoTime();
    journal.started(name);
    try {
      Duration wait = behaviour == Behaviour.HANG ? Duration.ofHours(1) : latency;
      Thread.sleep(wait.toMillis()); // a blocking call: cancellation interrupts it
      if (behaviour == Behaviour.FAIL) {
        throw new SpecialistException(name + " could not reach its data source");
      }
      String summary =
          String.format(Locale.ROOT, "%s looked at \"%s\" in %d ms", name, query, latency.toMillis());
      journal.finished(name, System.nanoTime() - start, null);
      return new Finding(name, summary);
    } catch (InterruptedException e) {
      journal.cancelled(name, System.nanoTime() - start, ctx.cause());
      throw e; // let the group see the interrupt; it knows this is cancellation fallout
    } catch (SpecialistException e) {
      journal.finished(name, System.nanoTime() - start, e);
      throw e;
    }
  }
}
