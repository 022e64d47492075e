package dev.fanout.errorprone;

import com.google.errorprone.VisitorState;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * One scan of a compilation unit, shared by every question the check asks about it: where each
 * variable is declared, every value assigned to it, and where each private or final method is
 * called or referenced. Without it, each write would rescan the file (quadratic in file size).
 */
final class UnitIndex {

  /** One index per compilation unit, for the lifetime of one compilation. */
  private static final Supplier<Map<CompilationUnitTree, UnitIndex>> CACHE =
      VisitorState.memoize(state -> new IdentityHashMap<>());

  private final Map<Symbol, VariableTree> declarations = new HashMap<>();
  private final Map<Symbol, List<ExpressionTree>> assignments = new HashMap<>();
  private final Map<Symbol, List<TreePath>> methodUses = new HashMap<>();

  static UnitIndex of(VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    return CACHE.get(state).computeIfAbsent(unit, UnitIndex::new);
  }

  private UnitIndex(CompilationUnitTree unit) {
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree node, Void unused) {
        Symbol sym = ASTHelpers.getSymbol(node);
        if (sym != null) {
          declarations.putIfAbsent(sym, node);
          if (node.getInitializer() != null) {
            assignments.computeIfAbsent(sym, k -> new ArrayList<>()).add(0, node.getInitializer());
          }
        }
        return super.visitVariable(node, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree node, Void unused) {
        Symbol sym = ASTHelpers.getSymbol(node.getVariable());
        if (sym != null) {
          assignments.computeIfAbsent(sym, k -> new ArrayList<>()).add(node.getExpression());
        }
        return super.visitAssignment(node, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
        recordUse(ASTHelpers.getSymbol(node));
        return super.visitMethodInvocation(node, null);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree node, Void unused) {
        recordUse(ASTHelpers.getSymbol(node));
        return super.visitMemberReference(node, null);
      }

      private void recordUse(@Nullable Symbol method) {
        if (method == null) {
          return;
        }
        Set<Modifier> mods = method.getModifiers();
        if (mods.contains(Modifier.PRIVATE) || mods.contains(Modifier.FINAL)) {
          methodUses.computeIfAbsent(method, k -> new ArrayList<>()).add(getCurrentPath());
        }
      }
    }.scan(unit, null);
  }

  /** The declaration of {@code var} in this unit, or null. */
  @Nullable VariableTree declaration(Symbol var) {
    return declarations.get(var);
  }

  /**
   * Every value assigned to {@code var} in this unit (initializer first), or null if it isn't
   * declared here (then code we can't see may assign it).
   */
  @Nullable List<ExpressionTree> assignedValues(Symbol var) {
    if (!declarations.containsKey(var)) {
      return null;
    }
    List<ExpressionTree> values = assignments.get(var);
    return values == null ? new ArrayList<>() : new ArrayList<>(values);
  }

  /** Calls of, and references to, a private or final method in this unit. */
  List<TreePath> usesOf(Symbol method) {
    List<TreePath> uses = methodUses.get(method);
    return uses == null ? new ArrayList<>() : uses;
  }
}
