package dev.fanout.errorprone;

/**
 * The names of Fanout's runtime API that the checks recognise. These names are fixed by the
 * runtime's contract; the checks refer to them only through this class.
 */
final class FanoutApi {
  private FanoutApi() {}

  /** Where each check's page lives: {@code DOCS + name + ".md"}; used as the BugPattern link. */
  static final String DOCS = "https://github.com/fanout-dev/fanout/blob/main/docs/checks/";

  static final String PACKAGE = "dev.fanout";
  static final String CONTEXT = "dev.fanout.Context";
  static final String CANCELLABLE_CONTEXT = "dev.fanout.CancellableContext";
  static final String TASK = "dev.fanout.Task";
  static final String TASK_GROUP = "dev.fanout.TaskGroup";
  static final String TASK_GROUP_BUILDER = "dev.fanout.TaskGroup.Builder";

  /** {@code TaskGroup} methods that start a task. */
  static final String GO = "go";

  static final String TRY_GO = "tryGo";
  static final String AWAIT = "await";
  static final String SET_LIMIT = "setLimit";
  static final String CONTEXT_METHOD = "context";

  /**
   * Factories of groups: {@code TaskGroup.withContext(parent)}, {@code builder()...open(parent)}.
   */
  static final String WITH_CONTEXT = "withContext";

  static final String OPEN = "open";

  /**
   * {@code TaskGroup.map(parent, limit, items, fn)}: runs {@code fn} once per item, concurrently.
   */
  static final String MAP = "map";

  /** {@code TaskGroup.builder()} and the builder's options. */
  static final String BUILDER = "builder";

  static final String BUILDER_LIMIT = "limit";
  static final String BUILDER_EXECUTOR = "executor";
  static final String BUILDER_THREAD_FACTORY = "threadFactory";
  static final String BUILDER_COLLECT_ALL_ERRORS = "collectAllErrors";

  /** {@code Context} methods that derive a child context from their receiver. */
  static final String WITH_CANCEL = "withCancel";

  static final String WITH_TIMEOUT = "withTimeout";
  static final String WITH_DEADLINE = "withDeadline";

  /** {@code Context.background()}: the root context. */
  static final String BACKGROUND = "background";

  /** {@code CancellableContext} methods that cancel it. */
  static final String CANCEL = "cancel";

  static final String CLOSE = "close";

  /** The name of {@code Task}'s single method. */
  static final String TASK_RUN = "run";
}
