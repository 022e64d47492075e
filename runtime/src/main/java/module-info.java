/**
 * Fanout's runtime: {@link dev.fanout.TaskGroup} runs a bounded number of tasks concurrently,
 * cancels the rest when one fails, and reports failures exactly; {@link dev.fanout.Context}
 * carries cancellation and deadlines from a caller to everything it started.
 */
module dev.fanout {
  requires static com.google.errorprone.annotations;

  exports dev.fanout;
}
