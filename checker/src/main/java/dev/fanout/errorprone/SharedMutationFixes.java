package dev.fanout.errorprone;

import static com.google.errorprone.util.ASTHelpers.isStatic;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The suggested fixes for {@link UnsafeSharedMutationInTask}, in order of preference: for a fan-out
 * that appends one result per item, {@link TaskGroupMapFix}; make the declaration thread-safe with
 * the same behaviour (synchronized wrappers; a {@code ConcurrentHashMap} only where nulls are
 * provably absent), make a map's values thread-safe, else wrap the write in {@code synchronized}.
 * Each fix compiles on its own; a fix that can't be built is not offered.
 */
final class SharedMutationFixes {
  private SharedMutationFixes() {}

  /**
   * The fixes for one write.
   *
   * @param write the reported expression
   * @param var the shared variable (for a map value, the map)
   * @param ref the expression naming it at the write
   * @param collection whether the write is a call on a collection, map or builder
   * @param valueFactory for a map value, the constructor call in {@code computeIfAbsent}
   * @param value whether the write is on a value of a thread-safe map
   */
  static List<SuggestedFix> forWrite(
      ExpressionTree write,
      TreePath writePath,
      Symbol var,
      ExpressionTree ref,
      boolean collection,
      @Nullable NewClassTree valueFactory,
      boolean value,
      VisitorState state) {
    List<SuggestedFix> fixes = new ArrayList<>();
    if (value) {
      SuggestedFix wrapValues = wrapFactory(valueFactory, write, state);
      if (wrapValues != null) {
        fixes.add(wrapValues);
      }
    } else if (collection) {
      SuggestedFix map = TaskGroupMapFix.forAppend(write, writePath, var, state);
      if (map != null) {
        fixes.add(map);
      }
      fixes.addAll(declarationFixes(var, state));
    }
    SuggestedFix sync =
        synchronizedFix(
            write, writePath, lockFor(var, ref, writePath, collection || value, state), state);
    if (sync != null) {
      fixes.add(sync);
    }
    return fixes;
  }

  /** {@code new ArrayList<>()} becomes {@code Collections.synchronizedList(new ArrayList<>())}. */
  private static List<SuggestedFix> declarationFixes(Symbol var, VisitorState state) {
    List<SuggestedFix> fixes = new ArrayList<>();
    VariableTree decl = Variables.declaration(var, state);
    List<ExpressionTree> values = Variables.assignedValues(var, state);
    if (decl == null
        || values == null
        || values.size() != 1
        || !(decl.getInitializer() instanceof NewClassTree)) {
      return fixes;
    }
    NewClassTree init = (NewClassTree) decl.getInitializer();
    if (init.getClassBody() != null) {
      return fixes;
    }
    String unsafe = ThreadSafety.unsafeTypeName(ASTHelpers.getType(init), state);
    if (unsafe == null || !ASTHelpers.getType(init).tsym.getQualifiedName().contentEquals(unsafe)) {
      return fixes;
    }
    String wrapper = ThreadSafety.UNSAFE_TYPES.get(unsafe);
    if (wrapper == null || wrapper.isEmpty()) {
      return fixes;
    }
    if (!assignable(ThreadSafety.WRAPPER_RESULT.get(wrapper), var.type, state)) {
      return fixes; // declared as ArrayList: a wrapper would not type-check
    }
    fixes.add(
        SuggestedFix.builder()
            .setShortDescription("make the declaration thread-safe with Collections." + wrapper)
            .replace(init, "Collections." + wrapper + "(" + state.getSourceForNode(init) + ")")
            .addImport("java.util.Collections")
            .build());
    if (unsafe.equals("java.util.HashMap")
        && isOneOf(var.type, state, "java.util.Map", "java.util.AbstractMap")
        && ThreadSafety.provablyNullFree(var, state)) {
      Tree clazz = init.getIdentifier();
      if (clazz instanceof ParameterizedTypeTree) {
        clazz = ((ParameterizedTypeTree) clazz).getType();
      }
      fixes.add(
          SuggestedFix.builder()
              .setShortDescription("use a ConcurrentHashMap (no null keys or values here)")
              .replace(clazz, "ConcurrentHashMap")
              .addImport("java.util.concurrent.ConcurrentHashMap")
              .build());
    }
    return fixes;
  }

  /** {@code k -> new ArrayList<>()} becomes {@code k -> Collections.synchronizedList(...)}. */
  private static @Nullable SuggestedFix wrapFactory(
      @Nullable NewClassTree factory, ExpressionTree write, VisitorState state) {
    if (factory == null || factory.getClassBody() != null) {
      return null;
    }
    String unsafe = ThreadSafety.unsafeTypeName(ASTHelpers.getType(factory), state);
    String wrapper = unsafe == null ? null : ThreadSafety.UNSAFE_TYPES.get(unsafe);
    if (wrapper == null || wrapper.isEmpty()) {
      return null;
    }
    ExpressionTree valueCall = ASTHelpers.stripParentheses(ASTHelpers.getReceiver(write));
    if (!assignable(
        ThreadSafety.WRAPPER_RESULT.get(wrapper), ASTHelpers.getType(valueCall), state)) {
      return null;
    }
    return SuggestedFix.builder()
        .setShortDescription("make the map's values thread-safe with Collections." + wrapper)
        .replace(factory, "Collections." + wrapper + "(" + state.getSourceForNode(factory) + ")")
        .addImport("java.util.Collections")
        .build();
  }

  private static boolean isOneOf(Type type, VisitorState state, String... names) {
    String name = state.getTypes().erasure(type).tsym.getQualifiedName().toString();
    for (String n : names) {
      if (n.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean assignable(
      @Nullable String fromType, @Nullable Type to, VisitorState state) {
    if (fromType == null || to == null) {
      return false;
    }
    Type from = state.getTypeFromString(fromType);
    return from != null
        && ASTHelpers.isSubtype(
            state.getTypes().erasure(from), state.getTypes().erasure(to), state);
  }

  /** What to lock: the collection itself, or for a counter the object or class owning it. */
  private static @Nullable String lockFor(
      Symbol var, ExpressionTree ref, TreePath writePath, boolean collection, VisitorState state) {
    if (collection || Variables.isMethodScoped(var) || var.type.getTag() == TypeTag.ARRAY) {
      return state.getSourceForNode(ref);
    }
    // A field counter: lock the object that owns the field (or its class, if static).
    if (!(var.owner instanceof ClassSymbol)) {
      return null;
    }
    ClassSymbol owner = (ClassSymbol) var.owner;
    if (owner.getSimpleName().length() == 0) {
      return null; // a field of an anonymous class
    }
    if (isStatic(var)) {
      return owner.getSimpleName() + ".class";
    }
    if (ref instanceof MemberSelectTree memberSelectTree) {
      return state.getSourceForNode(memberSelectTree.getExpression());
    }
    ClassTree enclosing = ASTHelpers.findEnclosingNode(writePath, ClassTree.class);
    return enclosing != null && ASTHelpers.getSymbol(enclosing) == owner
        ? "this"
        : owner.getSimpleName() + ".this";
  }

  /** Wraps the statement (or expression lambda body, or method reference) in synchronized. */
  private static @Nullable SuggestedFix synchronizedFix(
      ExpressionTree write, TreePath writePath, @Nullable String lock, VisitorState state) {
    if (lock == null) {
      return null;
    }
    String description = "wrap the write in synchronized (" + lock + ")";
    if (write instanceof MemberReferenceTree) {
      return referenceToSynchronizedLambda((MemberReferenceTree) write, writePath, lock, state);
    }
    // sb.append(a).append(b): the statement holds the whole chain.
    TreePath path = writePath;
    while (path.getParentPath().getLeaf() instanceof MemberSelectTree
        && path.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree
        && ((MethodInvocationTree) path.getParentPath().getParentPath().getLeaf()).getMethodSelect()
            == path.getParentPath().getLeaf()) {
      path = path.getParentPath().getParentPath();
    }
    write = (ExpressionTree) path.getLeaf();
    Tree parent = path.getParentPath().getLeaf();
    if (parent instanceof ExpressionStatementTree || parent instanceof ReturnTree) {
      FixLayout layout = FixLayout.at(path.getParentPath(), state);
      return SuggestedFix.builder()
          .setShortDescription(description)
          .replace(
              parent,
              "synchronized ("
                  + lock
                  + ") {\n"
                  + layout.nested()
                  + FixLayout.shift(state.getSourceForNode(parent), layout.unit())
                  + "\n"
                  + layout.indent()
                  + "}")
          .build();
    }
    if (parent instanceof LambdaExpressionTree lambdaExpressionTree
        && lambdaExpressionTree.getBody() == write) {
      boolean returns = returnsValue(parent, state);
      FixLayout layout = FixLayout.at(path, state);
      String statement = (returns ? "return " : "") + state.getSourceForNode(write) + ";";
      return SuggestedFix.builder()
          .setShortDescription(description)
          .replace(
              write,
              layout.block(
                  ASTHelpers.getStartPosition(write),
                  state.getEndPosition(write),
                  "synchronized (" + lock + ") { " + statement + " }",
                  synchronizedLines(lock, layout.relative(statement), layout)))
          .build();
    }
    return null;
  }

  /** {@code synchronized (lock) {}} around {@code statement}, on lines of its own. */
  private static String synchronizedLines(String lock, String statement, FixLayout layout) {
    return "synchronized ("
        + lock
        + ") {\n"
        + layout.unit()
        + FixLayout.shift(statement, layout.unit())
        + "\n}";
  }

  private static @Nullable SuggestedFix referenceToSynchronizedLambda(
      MemberReferenceTree ref, TreePath refPath, String lock, VisitorState state) {
    Type type = ASTHelpers.getType(ref);
    if (type == null) {
      return null;
    }
    Type descriptor = state.getTypes().findDescriptorType(type);
    int arity = descriptor.getParameterTypes().size();
    boolean returns = descriptor.getReturnType().getTag() != TypeTag.VOID;
    Set<String> taken = namesInScope(refPath);
    List<String> params = new ArrayList<>();
    for (int i = 0; params.size() < arity; i++) {
      String name = i == 0 ? "item" : "item" + i;
      if (!taken.contains(name)) {
        params.add(name);
      }
    }
    String args = String.join(", ", params);
    String head = arity == 1 ? args : "(" + args + ")";
    String call =
        state.getSourceForNode(ref.getQualifierExpression())
            + "."
            + ref.getName()
            + "("
            + args
            + ")";
    String statement = (returns ? "return " : "") + call + ";";
    FixLayout layout = FixLayout.at(refPath, state);
    return SuggestedFix.builder()
        .setShortDescription("wrap the write in synchronized (" + lock + ")")
        .replace(
            ref,
            layout.block(
                ASTHelpers.getStartPosition(ref),
                state.getEndPosition(ref),
                head + " -> ",
                "synchronized (" + lock + ") { " + statement + " }",
                synchronizedLines(lock, statement, layout)))
        .build();
  }

  private static boolean returnsValue(Tree lambda, VisitorState state) {
    Type type = ASTHelpers.getType(lambda);
    if (type == null) {
      return false;
    }
    return state.getTypes().findDescriptorType(type).getReturnType().getTag() != TypeTag.VOID;
  }

  /** Names of variables declared in the enclosing top-level method or class. */
  private static Set<String> namesInScope(TreePath path) {
    Tree scope = null;
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree || p.getLeaf() instanceof ClassTree) {
        scope = p.getLeaf();
      }
    }
    Set<String> names = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        names.add(node.getName().toString());
        return super.visitVariable(node, null);
      }
    }.scan(scope, null);
    return names;
  }
}
