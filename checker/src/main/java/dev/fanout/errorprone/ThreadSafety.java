package dev.fanout.errorprone;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Knows which types and expressions are safe to mutate from several threads at once, and which
 * calls mutate a collection, map or builder.
 */
final class ThreadSafety {

  enum Safety {
    /** Known not thread-safe: {@code ArrayList}, {@code HashMap}, {@code StringBuilder}, ... */
    UNSAFE,
    /** Known thread-safe: concurrent or synchronized collections, atomics, user types. */
    SAFE,
    /** Can't tell (a parameter typed {@code List}, a value from an unknown method). */
    UNKNOWN
  }

  /** Concrete JDK types that are not thread-safe, mapped to the synchronized wrapper that fits. */
  static final ImmutableMap<String, String> UNSAFE_TYPES =
      ImmutableMap.<String, String>builder()
          .put("java.util.ArrayList", "synchronizedList")
          .put("java.util.LinkedList", "synchronizedList")
          .put("java.util.HashMap", "synchronizedMap")
          .put("java.util.LinkedHashMap", "synchronizedMap")
          .put("java.util.TreeMap", "synchronizedNavigableMap")
          .put("java.util.HashSet", "synchronizedSet")
          .put("java.util.LinkedHashSet", "synchronizedSet")
          .put("java.util.TreeSet", "synchronizedNavigableSet")
          .put("java.util.ArrayDeque", "")
          .put("java.util.PriorityQueue", "")
          .put("java.util.EnumMap", "synchronizedMap")
          .put("java.util.IdentityHashMap", "synchronizedMap")
          .put("java.util.WeakHashMap", "synchronizedMap")
          .put("java.util.BitSet", "")
          .put("java.lang.StringBuilder", "")
          .buildOrThrow();

  /** The interface each wrapper returns; the declared type must be a supertype of it. */
  static final ImmutableMap<String, String> WRAPPER_RESULT =
      ImmutableMap.of(
          "synchronizedList", "java.util.List",
          "synchronizedMap", "java.util.Map",
          "synchronizedNavigableMap", "java.util.NavigableMap",
          "synchronizedSet", "java.util.Set",
          "synchronizedNavigableSet", "java.util.NavigableSet");

  private static final ImmutableSet<String> SAFE_TYPES =
      ImmutableSet.of(
          "java.util.concurrent.ConcurrentMap",
          "java.util.concurrent.BlockingQueue",
          "java.util.concurrent.BlockingDeque",
          "java.util.concurrent.ConcurrentLinkedQueue",
          "java.util.concurrent.ConcurrentLinkedDeque",
          "java.util.concurrent.ConcurrentSkipListSet",
          "java.util.concurrent.CopyOnWriteArrayList",
          "java.util.concurrent.CopyOnWriteArraySet",
          "java.util.Vector",
          "java.util.Hashtable",
          "java.lang.StringBuffer",
          "java.lang.ThreadLocal",
          "java.util.concurrent.atomic.AtomicInteger",
          "java.util.concurrent.atomic.AtomicLong",
          "java.util.concurrent.atomic.AtomicReference",
          "java.util.concurrent.atomic.AtomicIntegerArray",
          "java.util.concurrent.atomic.AtomicLongArray",
          "java.util.concurrent.atomic.AtomicReferenceArray",
          "java.util.concurrent.atomic.LongAdder",
          "java.util.concurrent.atomic.DoubleAdder",
          "java.util.concurrent.atomic.LongAccumulator",
          "java.util.concurrent.atomic.DoubleAccumulator");

  /** Calls that mutate a collection, map, queue or builder. {@code set} is absent on purpose. */
  static final ImmutableSet<String> MUTATORS =
      ImmutableSet.of(
          "add",
          "addAll",
          "addFirst",
          "addLast",
          "put",
          "putAll",
          "putIfAbsent",
          "putFirst",
          "putLast",
          "remove",
          "removeAll",
          "removeIf",
          "retainAll",
          "clear",
          "merge",
          "compute",
          "computeIfAbsent",
          "computeIfPresent",
          "replace",
          "replaceAll",
          "push",
          "pop",
          "poll",
          "pollFirst",
          "pollLast",
          "pollFirstEntry",
          "pollLastEntry",
          "offer",
          "offerFirst",
          "offerLast",
          "removeFirst",
          "removeLast",
          "removeFirstOccurrence",
          "removeLastOccurrence",
          "sort",
          "append",
          "insert",
          "delete",
          "deleteCharAt",
          "setLength",
          "reverse",
          "setCharAt",
          "flip");

  /** Calls on a map that yield (and for the first three, create) the value for a key. */
  static final ImmutableSet<String> VALUE_FOR_KEY =
      ImmutableSet.of("computeIfAbsent", "compute", "merge");

  private final ImmutableSet<String> userSafeTypes;

  /** With the user's thread-safe types ({@link FanoutFlags}). */
  ThreadSafety(FanoutFlags flags) {
    this.userSafeTypes = ImmutableSet.copyOf(flags.threadSafeTypes());
  }

  /** Whether the call is a mutator by name and is declared on a type we judge. */
  static boolean isMutatorName(MethodSymbol sym) {
    return MUTATORS.contains(sym.getSimpleName().toString());
  }

  /** The safety of a static type alone. */
  Safety ofType(@Nullable Type type, VisitorState state) {
    if (type == null) {
      return Safety.UNKNOWN;
    }
    for (String safe : userSafeTypes) {
      if (TaskSinks.isSubtype(type, safe, state)) {
        return Safety.SAFE;
      }
    }
    for (String safe : SAFE_TYPES) {
      if (TaskSinks.isSubtype(type, safe, state)) {
        return Safety.SAFE;
      }
    }
    return unsafeTypeName(type, state) != null ? Safety.UNSAFE : Safety.UNKNOWN;
  }

  /** The JDK non-thread-safe class {@code type} is or extends, or null. */
  static @Nullable String unsafeTypeName(@Nullable Type type, VisitorState state) {
    if (type == null) {
      return null;
    }
    for (String unsafe : UNSAFE_TYPES.keySet()) {
      if (TaskSinks.isSubtype(type, unsafe, state)) {
        return unsafe;
      }
    }
    return null;
  }

  /** The safety of a value expression: a constructor call, a wrapper call, or its type. */
  Safety ofValue(ExpressionTree value, VisitorState state) {
    value = ASTHelpers.stripParentheses(value);
    Safety byType = ofType(ASTHelpers.getType(value), state);
    if (byType != Safety.UNKNOWN) {
      return byType;
    }
    if (value instanceof NewClassTree) {
      return ((NewClassTree) value).getClassBody() == null
              && unsafeTypeName(ASTHelpers.getType(value), state) != null
          ? Safety.UNSAFE
          : Safety.UNKNOWN;
    }
    if (value instanceof MethodInvocationTree) {
      MethodSymbol sym = ASTHelpers.getSymbol((MethodInvocationTree) value);
      if (sym != null
          && sym.owner.getQualifiedName().contentEquals("java.util.Collections")
          && sym.getSimpleName().toString().startsWith("synchronized")) {
        return Safety.SAFE;
      }
    }
    return Safety.UNKNOWN;
  }

  /**
   * The safety of the object a variable (local or field) refers to: its static type if that
   * decides, else every value assigned to it in this compilation unit (all must agree).
   */
  Safety ofVariable(Symbol var, VisitorState state) {
    Safety byType = ofType(var.type, state);
    if (byType != Safety.UNKNOWN) {
      return byType;
    }
    List<ExpressionTree> values = Variables.assignedValues(var, state);
    if (values == null || values.isEmpty()) {
      return Safety.UNKNOWN; // a parameter, or assigned somewhere we can't see
    }
    Safety result = null;
    for (ExpressionTree value : values) {
      Safety s = ofValue(value, state);
      if (s == Safety.UNKNOWN) {
        return Safety.UNKNOWN;
      }
      if (s == Safety.SAFE) {
        result = Safety.SAFE; // any safe assignment: stay silent
      } else if (result == null) {
        result = Safety.UNSAFE;
      }
    }
    return result == null ? Safety.UNKNOWN : result;
  }

  private static final ImmutableSet<String> NULL_FREE_MAP_CALLS =
      ImmutableSet.of(
          "put",
          "putIfAbsent",
          "get",
          "containsKey",
          "remove",
          "merge",
          "compute",
          "computeIfAbsent",
          "computeIfPresent",
          "size",
          "isEmpty",
          "keySet",
          "values",
          "entrySet",
          "forEach",
          "clear");

  /**
   * Whether a map variable provably never sees a null key or value, so a {@code ConcurrentHashMap}
   * behaves like the {@code HashMap} it replaces: every use in this file is a call on it whose
   * arguments are literals, primitives, new objects, lambdas or string concatenations, and the map
   * never escapes.
   */
  static boolean provablyNullFree(Symbol var, VisitorState state) {
    boolean[] ok = {true};
    new com.sun.source.util.TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(com.sun.source.tree.IdentifierTree node, Void unused) {
        check(node);
        return null;
      }

      @Override
      public Void visitMemberSelect(com.sun.source.tree.MemberSelectTree node, Void unused) {
        check(node);
        return super.visitMemberSelect(node, null);
      }

      private void check(ExpressionTree node) {
        if (ASTHelpers.getSymbol(node) != var) {
          return;
        }
        com.sun.source.util.TreePath parent = getCurrentPath().getParentPath();
        if (!(parent.getLeaf() instanceof com.sun.source.tree.MemberSelectTree)
            || !(parent.getParentPath().getLeaf() instanceof MethodInvocationTree)) {
          ok[0] = false;
          return;
        }
        MethodInvocationTree call = (MethodInvocationTree) parent.getParentPath().getLeaf();
        if (call.getMethodSelect() != parent.getLeaf()
            || !NULL_FREE_MAP_CALLS.contains(
                ((com.sun.source.tree.MemberSelectTree) parent.getLeaf())
                    .getIdentifier()
                    .toString())) {
          ok[0] = false;
          return;
        }
        for (ExpressionTree arg : call.getArguments()) {
          if (!nonNull(ASTHelpers.stripParentheses(arg))) {
            ok[0] = false;
          }
        }
      }
    }.scan(state.getPath().getCompilationUnit(), null);
    return ok[0];
  }

  private static boolean nonNull(ExpressionTree arg) {
    Type type = ASTHelpers.getType(arg);
    if (type != null && type.isPrimitive()) {
      return true;
    }
    return switch (arg.getKind()) {
      case STRING_LITERAL,
          INT_LITERAL,
          LONG_LITERAL,
          CHAR_LITERAL,
          BOOLEAN_LITERAL,
          DOUBLE_LITERAL,
          FLOAT_LITERAL,
          NEW_CLASS,
          NEW_ARRAY,
          LAMBDA_EXPRESSION,
          MEMBER_REFERENCE ->
          true;
      case PLUS -> type != null && type.tsym.getQualifiedName().contentEquals("java.lang.String");
      default -> false;
    };
  }
}
