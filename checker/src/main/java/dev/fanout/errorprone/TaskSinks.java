package dev.fanout.errorprone;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import javax.lang.model.element.ElementKind;
import org.jspecify.annotations.Nullable;

/**
 * Knows which calls run code concurrently with their caller or with each other ("task sinks"), and
 * which expressions are the task bodies handed to them.
 *
 * <p>A sink is a call that takes code and runs it on another thread: {@code TaskGroup.go/tryGo},
 * executor submission, {@code invokeAll/invokeAny}, {@code CompletableFuture} async stages and
 * callbacks, thread starts, and {@code forEach/peek} on a parallel stream. Users add their own with
 * {@code -XepOpt:Fanout:TaskSinks=com.acme.Pool#submit}.
 *
 * <p>Some sinks run their tasks one at a time on a thread that owns the state they touch ({@link
 * SinkUse#serial}): event loops and other serial executors (users add theirs with {@code
 * -XepOpt:Fanout:SerialExecutors=com.acme.Actor}), single-thread executors, and non-async stage
 * callbacks on futures not known to complete elsewhere. They stay sinks; each check decides.
 */
final class TaskSinks {

  /** Where a task body reaches a sink, and whether that sink runs the body many times at once. */
  static final class SinkUse {
    /** The sink call ({@link MethodInvocationTree} or {@link NewClassTree}), or the task itself. */
    final TreePath sinkPath;

    /** The sink runs the same body several times concurrently (parallel stream, invokeAll). */
    final boolean many;

    final String description;

    /**
     * The sink runs its tasks one at a time on a thread that owns the state they touch, so its
     * tasks do not race with each other: an executor that is serial by type (an event loop, gRPC's
     * {@code SynchronizationContext}, a {@code -XepOpt:Fanout:SerialExecutors} type) or by origin
     * (a single-thread executor), or a non-async {@code CompletionStage} callback on a stage not
     * known to complete on another thread (it runs on the completing thread, or at once on the
     * caller's). Checks about data races skip such sinks; checks about pools (a single-thread pool
     * still deadlocks) and interrupts do not.
     */
    final boolean serial;

    SinkUse(TreePath sinkPath, boolean many, String description) {
      this(sinkPath, many, description, false);
    }

    SinkUse(TreePath sinkPath, boolean many, String description, boolean serial) {
      this.sinkPath = sinkPath;
      this.many = many;
      this.description = description;
      this.serial = serial;
    }
  }

  private static final int MAX_DEPTH = 4;

  private final ImmutableList<FanoutFlags.Sink> userSinks;

  /** The built-in serial executor types and the user's. */
  private final ImmutableSet<String> serialTypes;

  /** With the user's sinks and serial executor types ({@link FanoutFlags}). */
  TaskSinks(FanoutFlags flags) {
    this.serialTypes =
        ImmutableSet.<String>builder()
            .addAll(Catalogue.SERIAL_EXECUTORS)
            .addAll(flags.serialExecutors())
            .build();
    this.userSinks = flags.taskSinks();
  }

  /**
   * If the expression at {@code taskPath} (a lambda, method reference, anonymous class, or a
   * variable holding one) is run by a sink, returns that use; else null.
   */
  @Nullable SinkUse sinkOf(TreePath taskPath, VisitorState state) {
    return sinkOf(taskPath, state, 0);
  }

  private @Nullable SinkUse sinkOf(TreePath taskPath, VisitorState state, int depth) {
    if (depth > MAX_DEPTH || taskPath == null) {
      return null;
    }
    Tree task = taskPath.getLeaf();
    if (task instanceof NewClassTree newClassTree
        && newClassTree.getClassBody() != null
        && isSubtype(ASTHelpers.getType(task), "java.lang.Thread", state)) {
      // new Thread() { public void run() { ... } }: the subclass body is the task.
      return new SinkUse(taskPath, false, "a Thread subclass");
    }
    Tree child = task;
    TreePath parentPath = taskPath.getParentPath();
    while (parentPath != null
        && (parentPath.getLeaf() instanceof ParenthesizedTree
            || parentPath.getLeaf() instanceof TypeCastTree
            || parentPath.getLeaf() instanceof ConditionalExpressionTree)) {
      child = parentPath.getLeaf();
      parentPath = parentPath.getParentPath();
    }
    if (parentPath == null) {
      return null;
    }
    Tree parent = parentPath.getLeaf();
    if (parent instanceof MethodInvocationTree || parent instanceof NewClassTree) {
      List<? extends ExpressionTree> args =
          parent instanceof MethodInvocationTree methodInvocationTree
              ? methodInvocationTree.getArguments()
              : ((NewClassTree) parent).getArguments();
      if (!containsSame(args, child)) {
        return null;
      }
      SinkUse direct = sinkCall(parentPath, state);
      if (direct != null) {
        return direct;
      }
      if (parent instanceof MethodInvocationTree call) {

        MethodSymbol sym = ASTHelpers.getSymbol(call);
        String name = sym.getSimpleName().toString();
        // tasks.add(() -> ...) where tasks later goes to invokeAll.
        if ((name.equals("add") || name.equals("addAll") || name.equals("offer"))
            && isSubtype(sym.owner.type, "java.util.Collection", state)) {
          Symbol receiver = ASTHelpers.getSymbol(ASTHelpers.getReceiver(call));
          if (receiver != null && Variables.isMethodScoped(receiver)) {
            return viaVariable(receiver, parentPath, state, depth);
          }
          return null;
        }
        // List.of(task, ...), Arrays.asList(task, ...): follow the list.
        if (ASTHelpers.isStatic(sym)
            && (name.equals("of") || name.equals("asList") || name.equals("copyOf"))
            && (isSubtype(sym.owner.type, "java.util.Collection", state)
                || sym.owner.getQualifiedName().contentEquals("java.util.Arrays"))) {
          return sinkOf(parentPath, state, depth + 1);
        }
      }
      return null;
    }
    if (parent instanceof VariableTree variableTree && variableTree.getInitializer() == child) {
      Symbol var = ASTHelpers.getSymbol(parent);
      return var != null && Variables.isMethodScoped(var)
          ? viaVariable(var, parentPath, state, depth)
          : null;
    }
    if (parent instanceof AssignmentTree assignmentTree
        && assignmentTree.getExpression() == child) {
      Symbol var = ASTHelpers.getSymbol(assignmentTree.getVariable());
      return var != null && Variables.isMethodScoped(var)
          ? viaVariable(var, parentPath, state, depth)
          : null;
    }
    return null;
  }

  /** Follows a local variable holding a task (or a list of tasks) to the sink it reaches. */
  private @Nullable SinkUse viaVariable(Symbol var, TreePath from, VisitorState state, int depth) {
    TreePath scope = enclosingCodeScope(from);
    if (scope == null) {
      return null;
    }
    SinkUse[] found = new SinkUse[1];
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        if (found[0] == null && ASTHelpers.getSymbol(node) == var) {
          found[0] = sinkOf(getCurrentPath(), state, depth + 1);
        }
        return null;
      }
    }.scan(scope, null);
    return found[0];
  }

  /** The method, lambda or initializer whose body declares locals visible at {@code path}. */
  static @Nullable TreePath enclosingCodeScope(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree) {
        return p;
      }
      if (leaf instanceof com.sun.source.tree.BlockTree
          && p.getParentPath() != null
          && p.getParentPath().getLeaf() instanceof ClassTree) {
        return p; // an initializer block
      }
      if (leaf instanceof VariableTree
          && p.getParentPath() != null
          && p.getParentPath().getLeaf() instanceof ClassTree) {
        return p; // a field initializer
      }
    }
    return null;
  }

  /**
   * If the invocation at {@code callPath} is a sink (all of its code arguments run as tasks),
   * returns its use; else null.
   */
  @Nullable SinkUse sinkCall(TreePath callPath, VisitorState state) {
    Tree leaf = callPath.getLeaf();
    if (leaf instanceof NewClassTree newClass) {

      if (!newClass.getArguments().isEmpty()
          && isSubtype(ASTHelpers.getType(newClass), "java.lang.Thread", state)) {
        return new SinkUse(callPath, false, "new Thread(...)");
      }
      return null;
    }
    if (!(leaf instanceof MethodInvocationTree call)) {
      return null;
    }

    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null) {
      return null;
    }
    String name = sym.getSimpleName().toString();
    Type owner = sym.owner.type;
    if (TaskGroupModel.isTaskStart(call, state)) {
      return new SinkUse(callPath, false, "TaskGroup." + name);
    }
    if (name.equals(FanoutApi.MAP)
        && ASTHelpers.isStatic(sym)
        && isSubtype(owner, FanoutApi.TASK_GROUP, state)) {
      return new SinkUse(callPath, true, "TaskGroup.map");
    }
    if ((name.equals("invokeAll") || name.equals("invokeAny"))
        && isSubtype(owner, "java.util.concurrent.ExecutorService", state)) {
      return new SinkUse(callPath, true, "ExecutorService." + name);
    }
    if (name.equals("execute") && isSubtype(owner, "java.util.concurrent.Executor", state)) {
      return new SinkUse(
          callPath, false, "Executor.execute", isSerialExecutor(call, callPath, sym, state));
    }
    if (name.equals("submit")
        && (isSubtype(owner, "java.util.concurrent.ExecutorService", state)
            || isSubtype(owner, "java.util.concurrent.CompletionService", state))) {
      return new SinkUse(
          callPath,
          false,
          owner.tsym.getSimpleName() + ".submit",
          isSerialExecutor(call, callPath, sym, state));
    }
    if (name.startsWith("schedule")
        && isSubtype(owner, "java.util.concurrent.ScheduledExecutorService", state)) {
      return new SinkUse(
          callPath,
          false,
          "ScheduledExecutorService." + name,
          isSerialExecutor(call, callPath, sym, state));
    }
    if ((name.equals("runAsync") || name.equals("supplyAsync"))
        && isSubtype(owner, "java.util.concurrent.CompletableFuture", state)) {
      return new SinkUse(callPath, false, "CompletableFuture." + name);
    }
    String base = name.endsWith("Async") ? name.substring(0, name.length() - 5) : name;
    if ((Catalogue.STAGE_CALLBACKS.contains(base) || Catalogue.STAGE_CALLBACKS.contains(name))
        && isSubtype(owner, "java.util.concurrent.CompletionStage", state)) {
      boolean inline = !name.endsWith("Async") && !provablyAsync(call, state, 0);
      return new SinkUse(callPath, false, "CompletionStage." + name, inline);
    }
    if (name.equals("startVirtualThread") && isSubtype(owner, "java.lang.Thread", state)) {
      return new SinkUse(callPath, false, "Thread.startVirtualThread");
    }
    if ((name.equals("start") || name.equals("unstarted"))
        && isSubtype(owner, "java.lang.Thread.Builder", state)) {
      return new SinkUse(callPath, false, "Thread.Builder." + name);
    }
    if (name.equals(Catalogue.STRUCTURED_FORK)
        && isSubtype(owner, Catalogue.STRUCTURED_TASK_SCOPE, state)) {
      return new SinkUse(callPath, false, "StructuredTaskScope.fork");
    }
    if (name.equals("newThread") && isSubtype(owner, "java.util.concurrent.ThreadFactory", state)) {
      return new SinkUse(callPath, false, "ThreadFactory.newThread");
    }
    if ((name.equals("forEach") || name.equals("peek"))
        && isSubtype(owner, "java.util.stream.BaseStream", state)
        && parallelism(ASTHelpers.getReceiver(call), callPath, state, 0) == Parallelism.PARALLEL) {
      return new SinkUse(callPath, true, "a parallel stream's " + name);
    }
    for (FanoutFlags.Sink user : userSinks) {
      if (user.method().equals(name) && isSubtype(owner, user.owner(), state)) {
        return new SinkUse(callPath, false, user.owner() + "#" + user.method());
      }
    }
    return null;
  }

  /**
   * Whether the executor a submission goes to runs its tasks one at a time: its receiver's static
   * type (the enclosing class for an implicit {@code this}) is a serial type, or the receiver
   * provably names a single-thread executor.
   */
  private boolean isSerialExecutor(
      MethodInvocationTree call, TreePath callPath, MethodSymbol sym, VisitorState state) {
    if (ASTHelpers.isStatic(sym)) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Type type =
        receiver != null
            ? ASTHelpers.getType(receiver)
            : enclosingInstanceType(callPath, sym, state);
    if (type != null) {
      for (String notSerial : Catalogue.NOT_SERIAL) {
        if (isSubtype(type, notSerial, state)) {
          return false;
        }
      }
      for (String serial : serialTypes) {
        if (isSubtype(type, serial, state)) {
          return true;
        }
      }
    }
    return receiver != null && ExecutorOrigins.singleThread(receiver, state);
  }

  /** For a call with an implicit {@code this}: the innermost enclosing class with the method. */
  private static @Nullable Type enclosingInstanceType(
      TreePath callPath, MethodSymbol sym, VisitorState state) {
    for (TreePath p = callPath; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree) {
        Symbol.ClassSymbol cls = ASTHelpers.getSymbol((ClassTree) p.getLeaf());
        if (cls != null && cls.isSubClass(sym.owner, state.getTypes())) {
          return cls.type;
        }
      }
    }
    return null;
  }

  /**
   * Whether the stage a non-async callback hangs off provably completes on another thread: its
   * receiver chain (through further non-async stages) starts at {@code CompletableFuture
   * .supplyAsync/runAsync} or at an {@code ...Async} stage, directly or through a local assigned
   * once; for a callback on two stages, either of them does.
   */
  private static boolean provablyAsync(
      MethodInvocationTree callback, VisitorState state, int depth) {
    MethodSymbol sym = ASTHelpers.getSymbol(callback);
    if (sym == null || depth > MAX_DEPTH * 2) {
      return false;
    }
    if (isAsyncStage(ASTHelpers.getReceiver(callback), state, depth)) {
      return true;
    }
    List<? extends ExpressionTree> args = callback.getArguments();
    return Catalogue.TWO_STAGE_CALLBACKS.contains(sym.getSimpleName().toString())
        && !args.isEmpty()
        && isAsyncStage(args.get(0), state, depth);
  }

  /** Whether the stage expression provably completes on another thread (see above). */
  private static boolean isAsyncStage(
      @Nullable ExpressionTree expr, VisitorState state, int depth) {
    if (expr == null || depth > MAX_DEPTH * 2) {
      return false;
    }
    expr = TaskGroupModel.strip(expr);
    if (expr instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) expr;
      MethodSymbol sym = ASTHelpers.getSymbol(call);
      if (sym == null) {
        return false;
      }
      String name = sym.getSimpleName().toString();
      if (ASTHelpers.isStatic(sym)) {
        return (name.equals("runAsync") || name.equals("supplyAsync"))
            && isSubtype(sym.owner.type, "java.util.concurrent.CompletableFuture", state);
      }
      if (!isSubtype(sym.owner.type, "java.util.concurrent.CompletionStage", state)) {
        return false;
      }
      if (name.endsWith("Async")) {
        return true;
      }
      if (Catalogue.STAGE_CALLBACKS.contains(name)) {
        return provablyAsync(call, state, depth + 1);
      }
      return Catalogue.SAME_COMPLETION.contains(name)
          && isAsyncStage(ASTHelpers.getReceiver(call), state, depth + 1);
    }
    if (expr instanceof IdentifierTree) {
      Symbol var = ASTHelpers.getSymbol(expr);
      if (var == null || var.getKind() != ElementKind.LOCAL_VARIABLE) {
        return false;
      }
      List<ExpressionTree> values = UnitIndex.of(state).assignedValues(var);
      return values != null && values.size() == 1 && isAsyncStage(values.get(0), state, depth + 1);
    }
    return false;
  }

  enum Parallelism {
    PARALLEL,
    SEQUENTIAL,
    UNKNOWN
  }

  /**
   * Whether the stream expression is parallel: the nearest {@code parallel()}/{@code sequential()}
   * up the chain wins (as at run time); a local stream variable is parallel if any assignment makes
   * it so.
   */
  private Parallelism parallelism(
      @Nullable ExpressionTree expr, TreePath context, VisitorState state, int depth) {
    if (expr == null || depth > 8) {
      return Parallelism.UNKNOWN;
    }
    expr = ASTHelpers.stripParentheses(expr);
    if (expr instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) expr;
      MethodSymbol sym = ASTHelpers.getSymbol(call);
      if (sym == null) {
        return Parallelism.UNKNOWN;
      }
      String name = sym.getSimpleName().toString();
      Type owner = sym.owner.type;
      boolean onStream = isSubtype(owner, "java.util.stream.BaseStream", state);
      if (name.equals("parallel") && onStream) {
        return Parallelism.PARALLEL;
      }
      if (name.equals("sequential") && onStream) {
        return Parallelism.SEQUENTIAL;
      }
      if (name.equals("parallelStream") && isSubtype(owner, "java.util.Collection", state)) {
        return Parallelism.PARALLEL;
      }
      if (name.equals("stream") && isSubtype(owner, "java.util.Collection", state)) {
        return Parallelism.SEQUENTIAL;
      }
      if (name.equals("stream")
          && sym.owner.getQualifiedName().contentEquals("java.util.stream.StreamSupport")
          && call.getArguments().size() == 2) {
        Object flag = ASTHelpers.constValue(call.getArguments().get(1));
        return Boolean.TRUE.equals(flag)
            ? Parallelism.PARALLEL
            : Boolean.FALSE.equals(flag) ? Parallelism.SEQUENTIAL : Parallelism.UNKNOWN;
      }
      if (ASTHelpers.isStatic(sym)
          && (onStream || sym.owner.getQualifiedName().contentEquals("java.util.Arrays"))) {
        return Parallelism.SEQUENTIAL; // Stream.of, IntStream.range, Arrays.stream, ...
      }
      if (onStream && !ASTHelpers.isStatic(sym)) {
        return parallelism(ASTHelpers.getReceiver(call), context, state, depth + 1);
      }
      return Parallelism.UNKNOWN;
    }
    if (expr instanceof IdentifierTree) {
      Symbol var = ASTHelpers.getSymbol(expr);
      if (var == null || var.getKind() != ElementKind.LOCAL_VARIABLE) {
        return Parallelism.UNKNOWN;
      }
      TreePath scope = enclosingCodeScope(context);
      if (scope == null) {
        return Parallelism.UNKNOWN;
      }
      Parallelism[] result = {null};
      int nextDepth = depth + 1;
      new TreePathScanner<Void, Void>() {
        void consider(ExpressionTree value) {
          Parallelism p = parallelism(value, getCurrentPath(), state, nextDepth);
          if (p == Parallelism.PARALLEL) {
            result[0] = Parallelism.PARALLEL;
          } else if (result[0] != Parallelism.PARALLEL) {
            result[0] = result[0] == null || result[0] == p ? p : Parallelism.UNKNOWN;
          }
        }

        @Override
        public Void visitVariable(VariableTree node, Void unused) {
          if (ASTHelpers.getSymbol(node) == var && node.getInitializer() != null) {
            consider(node.getInitializer());
          }
          return super.visitVariable(node, null);
        }

        @Override
        public Void visitAssignment(AssignmentTree node, Void unused) {
          if (ASTHelpers.getSymbol(node.getVariable()) == var) {
            consider(node.getExpression());
          }
          return super.visitAssignment(node, null);
        }
      }.scan(scope, null);
      return result[0] == null ? Parallelism.UNKNOWN : result[0];
    }
    return Parallelism.UNKNOWN;
  }

  /**
   * The executor that runs the tasks of a sink call, or the work behind the future a submission
   * returns: the receiver of {@code submit}, {@code execute}, {@code invokeAll}, {@code invokeAny}
   * and {@code schedule*}; the {@code Executor} argument of {@code CompletableFuture.supplyAsync/
   * runAsync} and of a stage's {@code ...Async(..., executor)}. Null where none is written (the
   * default pool, an implicit {@code this}, a thread, a group) or the call is no such sink.
   */
  static @Nullable ExpressionTree executorOf(MethodInvocationTree call, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null) {
      return null;
    }
    String name = sym.getSimpleName().toString();
    Type owner = sym.owner.type;
    if (!ASTHelpers.isStatic(sym)
        && (Catalogue.EXECUTOR_SUBMISSIONS.contains(name) || name.startsWith("schedule"))
        && isSubtype(owner, "java.util.concurrent.Executor", state)) {
      return ASTHelpers.getReceiver(call);
    }
    List<? extends ExpressionTree> args = call.getArguments();
    boolean async =
        name.endsWith("Async") && isSubtype(owner, "java.util.concurrent.CompletionStage", state);
    if (!async || args.isEmpty()) {
      return null;
    }
    ExpressionTree last = args.get(args.size() - 1);
    return isSubtype(ASTHelpers.getType(last), "java.util.concurrent.Executor", state)
        ? last
        : null;
  }

  /**
   * The executor a call hands exactly one task to, written out: the receiver of {@code
   * submit/execute} with one argument, the {@code Executor} argument of {@code
   * CompletableFuture.runAsync/supplyAsync} and of a stage's {@code ...Async(..., executor)}.
   * Unlike {@link #executorOf}, not {@code invokeAll/invokeAny} (a batch) nor {@code schedule*}
   * (later, not now): the unit a fan-out counts. Null otherwise.
   */
  static @Nullable ExpressionTree singleTaskExecutorOf(
      MethodInvocationTree call, VisitorState state) {
    List<? extends ExpressionTree> args = call.getArguments();
    if (Catalogue.SINGLE_SUBMIT.matches(call, state) && args.size() == 1) {
      return ASTHelpers.getReceiver(call);
    }
    boolean asyncWithExecutor =
        args.size() >= 2
            && (Catalogue.ASYNC_FACTORY.matches(call, state)
                || (Catalogue.ANY_STAGE_METHOD.matches(call, state)
                    && ASTHelpers.getSymbol(call).getSimpleName().toString().endsWith("Async")));
    if (asyncWithExecutor) {
      ExpressionTree last = args.get(args.size() - 1);
      if (isSubtype(ASTHelpers.getType(last), "java.util.concurrent.Executor", state)) {
        return TaskGroupModel.strip(last);
      }
    }
    return null;
  }

  /**
   * Whether the invocation waits for tasks: {@code Future.get}, {@code join}, {@code await}, {@code
   * awaitTermination}, an executor's or group's {@code close}, ...
   */
  static boolean isJoin(MethodInvocationTree call, VisitorState state) {
    MethodSymbol sym = ASTHelpers.getSymbol(call);
    if (sym == null || !Catalogue.JOIN_NAMES.contains(sym.getSimpleName().toString())) {
      return false;
    }
    Type receiver = ASTHelpers.getReceiverType(call);
    for (String owner : Catalogue.JOIN_OWNERS) {
      if (isSubtype(receiver, owner, state) || isSubtype(sym.owner.type, owner, state)) {
        return true;
      }
    }
    return false;
  }

  /** Whether closing a resource of this type waits for its tasks. */
  static boolean joinsOnClose(Type type, VisitorState state) {
    return isSubtype(type, FanoutApi.TASK_GROUP, state)
        || isSubtype(type, "java.util.concurrent.ExecutorService", state);
  }

  static boolean isSubtype(@Nullable Type type, String supertype, VisitorState state) {
    if (type == null) {
      return false;
    }
    Type sup = state.getTypeFromString(supertype);
    return sup != null
        && ASTHelpers.isSubtype(
            state.getTypes().erasure(type), state.getTypes().erasure(sup), state);
  }

  private static boolean containsSame(List<? extends Tree> list, Tree tree) {
    for (Tree t : list) {
      if (t == tree) {
        return true;
      }
    }
    return false;
  }
}
