package dev.fanout.errorprone;

/**
 * The names of Fanout's runtime API that the checks recognise. These names are fixed by the
 * runtime's contract; the checks refer to them only through this class.
 */
public final class FanoutApi {
  private FanoutApi() {}

  /** Where each check's page lives: {@code DOCS + name + ".md"}; used as the BugPattern link. */
  public static final String DOCS = "https://github.com/fanout-dev/fanout/blob/main/docs/checks/";

  public static final String PACKAGE = "dev.fanout";
  public static final String CONTEXT = "dev.fanout.Context";
  public static final String CANCELLABLE_CONTEXT = "dev.fanout.CancellableContext";
  public static final String TASK = "dev.fanout.Task";
  public static final String TASK_GROUP = "dev.fanout.TaskGroup";
  public static final String TASK_GROUP_BUILDER = "dev.fanout.TaskGroup.Builder";

  /** {@code TaskGroup} methods that start a task. */
  public static final String GO = "go";

  public static final String TRY_GO = "tryGo";
  public static final String AWAIT = "await";
  public static final String SET_LIMIT = "setLimit";
  public static final String CONTEXT_METHOD = "context";

  /**
   * Factories of groups: {@code TaskGroup.withContext(parent)}, {@code builder()...open(parent)}.
   */
  public static final String WITH_CONTEXT = "withContext";

  public static final String OPEN = "open";

  /**
   * {@code TaskGroup.map(parent, limit, items, fn)}: runs {@code fn} once per item, concurrently.
   */
  public static final String MAP = "map";

  /** {@code TaskGroup.builder()} and the builder's options. */
  public static final String BUILDER = "builder";

  public static final String BUILDER_LIMIT = "limit";
  public static final String BUILDER_EXECUTOR = "executor";
  public static final String BUILDER_THREAD_FACTORY = "threadFactory";
  public static final String BUILDER_COLLECT_ALL_ERRORS = "collectAllErrors";

  /** {@code Context} methods that derive a child context from their receiver. */
  public static final String WITH_CANCEL = "withCancel";

  public static final String WITH_TIMEOUT = "withTimeout";
  public static final String WITH_DEADLINE = "withDeadline";

  /** {@code Context.background()}: the root context. */
  public static final String BACKGROUND = "background";

  /** {@code CancellableContext} methods that cancel it. */
  public static final String CANCEL = "cancel";

  public static final String CLOSE = "close";

  /** The name of {@code Task}'s single method. */
  public static final String TASK_RUN = "run";
}
