package dev.fanout;

/**
 * A unit of work run by a {@link TaskGroup}. The context passed in is the group's derived
 * context: it is cancelled when a sibling fails, when the group's parent is cancelled or its
 * deadline passes, and when the group ends. Use it, not the parent, for everything the task
 * calls, and return promptly once it is cancelled. Cancellation also interrupts the task's
 * thread, so blocking calls throw {@link InterruptedException}; let that exception propagate, or
 * restore the interrupt flag.
 */
@FunctionalInterface
public interface Task {
  /**
   * Runs the task. Any exception it throws is a failure of the group.
   *
   * @param ctx the group's derived context
   */
  void run(Context ctx) throws Exception;
}
